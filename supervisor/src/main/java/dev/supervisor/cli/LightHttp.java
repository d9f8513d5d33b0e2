package dev.supervisor.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 POST over a plain socket, for the CLI's light entry: what curl does to Jolokia. HttpURLConnection
 * costs a cold JVM its protocol-handler lookup (a ServiceLoader scan of every jar on the class path), proxy
 * selection, security properties, a logger and a keep-alive cache: more CPU than the whole request. This sends
 * {@code Connection: close} and reads a {@code Content-Length}, chunked or close-delimited body; anything it does not
 * understand is an {@link IOException}, and the caller hands the command to the full CLI.
 */
final class LightHttp {
    /** The status and the body of an answer. */
    record Response(int status, byte[] body) {
    }

    private LightHttp() {
    }

    static Response post(String host, int port, String path, String authorization, byte[] body,
                         int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append("POST ").append(path).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
                .append("\r\nAuthorization: ").append(authorization)
                .append("\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: ")
                .append(body.length).append("\r\nConnection: close\r\n\r\n");
        // NO_PROXY: a plain socket, without the SOCKS wrapper that asks the ProxySelector (and reads net.properties).
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            socket.setSoTimeout(readTimeoutMillis);
            OutputStream o = socket.getOutputStream();
            byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = new byte[h.length + body.length];
            System.arraycopy(h, 0, request, 0, h.length);
            System.arraycopy(body, 0, request, h.length, body.length);
            o.write(request);
            o.flush();
            return read(socket.getInputStream());
        }
    }

    /** Parses one response: status line, headers, then the body as the headers frame it. */
    static Response read(InputStream raw) throws IOException {
        Input in = new Input(raw);
        String status = in.line();
        // "HTTP/1.1 200 OK"
        if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x answer");
        }
        int code = parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String line = in.line(); !line.isEmpty(); line = in.line()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line");
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = parseInt(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                if (!value.equalsIgnoreCase("chunked")) {
                    throw new IOException("transfer encoding not understood");
                }
                chunked = true;
            }
        }
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream b = new ByteArrayOutputStream(1 << 14);
            while (true) {
                String size = in.line();
                int semi = size.indexOf(';');
                int n = parseHex(semi < 0 ? size.trim() : size.substring(0, semi).trim());
                if (n == 0) {
                    while (!in.line().isEmpty()) {
                        // trailers: none expected, skipped
                    }
                    break;
                }
                b.write(in.exactly(n));
                if (!in.line().isEmpty()) {
                    throw new IOException("bad chunk end");
                }
            }
            body = b.toByteArray();
        } else if (length >= 0) {
            body = in.exactly((int) length);
        } else {
            body = in.rest();
        }
        return new Response(code, body);
    }

    private static int parseInt(String s) throws IOException {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) {
                throw new IOException("negative number in the answer's head");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IOException("bad number in the answer's head", e);
        }
    }

    private static int parseHex(String s) throws IOException {
        try {
            int v = Integer.parseInt(s, 16);
            if (v < 0) {
                throw new IOException("bad chunk size");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size", e);
        }
    }

    /** A buffered reader of the socket's bytes that hands out CRLF lines and exact byte counts. */
    private static final class Input {
        private final InputStream in;
        private byte[] buf = new byte[1 << 16];
        private int pos;
        private int end;

        Input(InputStream in) {
            this.in = in;
        }

        private boolean fill() throws IOException {
            if (pos == end) {
                pos = 0;
                end = 0;
            }
            if (end == buf.length) {
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, end - pos);
                    end -= pos;
                    pos = 0;
                } else {
                    byte[] bigger = new byte[buf.length * 2];
                    System.arraycopy(buf, 0, bigger, 0, end);
                    buf = bigger;
                }
            }
            int n = in.read(buf, end, buf.length - end);
            if (n <= 0) {
                return false;
            }
            end += n;
            return true;
        }

        /** One header line without its CRLF (a bare LF is accepted too); at most 8 KiB. */
        String line() throws IOException {
            int from = pos;
            while (true) {
                for (int k = from; k < end; k++) {
                    if (buf[k] == '\n') {
                        int stop = k > pos && buf[k - 1] == '\r' ? k - 1 : k;
                        String s = new String(buf, pos, stop - pos, StandardCharsets.ISO_8859_1);
                        pos = k + 1;
                        return s;
                    }
                }
                if (end - pos > 8192) {
                    throw new IOException("header line too long");
                }
                from = end - pos;
                if (!fill()) {
                    throw new IOException("answer ended in its head");
                }
                from = pos + from;
            }
        }

        byte[] exactly(int n) throws IOException {
            byte[] out = new byte[n];
            int have = Math.min(n, end - pos);
            System.arraycopy(buf, pos, out, 0, have);
            pos += have;
            while (have < n) {
                int r = in.read(out, have, n - have);
                if (r <= 0) {
                    throw new IOException("answer shorter than announced");
                }
                have += r;
            }
            return out;
        }

        byte[] rest() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream(Math.max(1 << 14, end - pos));
            b.write(buf, pos, end - pos);
            pos = end;
            byte[] chunk = new byte[1 << 16];
            for (int r = in.read(chunk); r > 0; r = in.read(chunk)) {
                b.write(chunk, 0, r);
            }
            return b.toByteArray();
        }
    }
}
