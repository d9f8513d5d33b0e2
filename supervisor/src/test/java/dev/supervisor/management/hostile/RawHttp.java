package dev.supervisor.management.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * HTTP on a plain socket, for bodies a well-behaved client would not send: the body is written on a thread of its
 * own while the answer is read, because a server that refuses a large body answers (and closes) before reading it.
 */
final class RawHttp {
    record Response(int status, String head, String body) {
    }

    private RawHttp() {
    }

    /** Sends {@code bodyBytes} bytes made of {@code prefix} then {@code fill}; chunked when {@code chunked}. */
    static Response send(int port, String method, String path, Map<String, String> headers, byte[] prefix,
                         long bodyBytes, byte fill, boolean chunked) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + bodyBytes + "\r\n");
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = new Thread(() -> writeBody(out, prefix, bodyBytes, fill, chunked), "raw-http-body");
            writer.setDaemon(true);
            writer.start();
            byte[] answer = readAll(socket.getInputStream());
            String text = new String(answer, StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String h = split < 0 ? text : text.substring(0, split);
            String b = split < 0 ? "" : text.substring(split + 4);
            int status = h.startsWith("HTTP/1.") && h.length() >= 12 ? Integer.parseInt(h.substring(9, 12)) : -1;
            return new Response(status, h, b);
        }
    }

    private static void writeBody(OutputStream out, byte[] prefix, long total, byte fill, boolean chunked) {
        try {
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, fill);
            long sent = 0;
            if (prefix.length > 0) {
                chunk(out, prefix, prefix.length, chunked);
                sent = prefix.length;
            }
            while (sent < total) {
                int n = (int) Math.min(block.length, total - sent);
                chunk(out, block, n, chunked);
                sent += n;
            }
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
        } catch (IOException e) {
            // the server refused and closed: expected for bodies over the limit
        }
    }

    private static void chunk(OutputStream out, byte[] data, int n, boolean chunked) throws IOException {
        if (chunked) {
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write(data, 0, n);
        if (chunked) {
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        try {
            int n;
            while ((n = in.read(b)) >= 0) {
                buffer.write(b, 0, n);
                if (buffer.size() > 1 << 20) {
                    break;
                }
            }
        } catch (IOException e) {
            // a reset after the answer was read: keep what arrived
            if (buffer.size() == 0) {
                throw e;
            }
        }
        return buffer.toByteArray();
    }
}
