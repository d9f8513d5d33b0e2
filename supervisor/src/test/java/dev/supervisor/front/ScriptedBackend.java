package dev.supervisor.front;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend that answers every request head with the same raw bytes, then closes the connection when told to: for
 * responses a well-behaved server would not send (no length, hop-by-hop headers, broken framing). Records the
 * request heads it got.
 */
final class ScriptedBackend implements AutoCloseable {
    private final ServerSocket server;
    private final byte[] response;
    private final boolean closeAfter;
    final List<String> heads = new CopyOnWriteArrayList<>();

    ScriptedBackend(String response, boolean closeAfter) throws IOException {
        this.response = response.getBytes(StandardCharsets.ISO_8859_1);
        this.closeAfter = closeAfter;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread connection = new Thread(() -> serve(socket), "scripted-conn");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "scripted");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Backend backend() {
        return new Backend("scripted", new InetSocketAddress("127.0.0.1", server.getLocalPort()));
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            for (String head; (head = readHead(in)) != null; ) {
                heads.add(head);
                socket.getOutputStream().write(response);
                socket.getOutputStream().flush();
                if (closeAfter) {
                    return;
                }
            }
        } catch (IOException e) {
            // peer gone
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int c; matched < 4; ) {
            if ((c = in.read()) == -1) {
                return null;
            }
            head.write(c);
            matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
