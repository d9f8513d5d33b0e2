package dev.supervisor.front;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A backend speaking just enough HTTP to switch protocols, as a WebSocket server does: it answers
 * {@code Upgrade: echo} with a 101, sends {@code hi\n} in the same packet, then echoes bytes. Without the upgrade
 * headers it answers 400.
 */
final class UpgradeEchoBackend implements AutoCloseable {
    private final ServerSocket server;

    UpgradeEchoBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread connection = new Thread(() -> serve(socket), "upgrade-echo-conn");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "upgrade-echo");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Backend backend() {
        return new Backend("upgrade", new InetSocketAddress("127.0.0.1", server.getLocalPort()));
    }

    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            String head = readHead(in).toLowerCase(Locale.ROOT);
            if (!head.contains("\r\nupgrade: echo\r\n") || !head.contains("\r\nconnection: upgrade\r\n")) {
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nhi\n")
                    .getBytes(StandardCharsets.US_ASCII));
            in.transferTo(out);
        } catch (IOException e) {
            // peer gone
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int c; matched < 4 && (c = in.read()) != -1; ) {
            head.write(c);
            matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
