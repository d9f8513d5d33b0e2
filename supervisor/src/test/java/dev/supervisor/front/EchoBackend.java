package dev.supervisor.front;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP backend for front tests: greets each connection with {@code <id>\n}, then echoes what it reads; when the
 * client shuts its output it closes after echoing everything.
 */
final class EchoBackend implements AutoCloseable {
    final String id;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    EchoBackend(String id) throws IOException {
        this.id = id;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "echo-" + id);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Backend backend() {
        return new Backend("echo:" + id, new InetSocketAddress("127.0.0.1", server.getLocalPort()));
    }

    int accepted() {
        return accepted.get();
    }

    int openConnections() {
        return open.size();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                accepted.incrementAndGet();
                open.add(socket);
                Thread echo = new Thread(() -> echo(socket), "echo-" + id + "-conn");
                echo.setDaemon(true);
                echo.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(Socket socket) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            out.write((id + "\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the peer went away
        } finally {
            open.remove(socket);
        }
    }

    /** Stops listening and drops every connection. */
    void stop() throws IOException {
        server.close();
        // The JDK closes a listening socket that a thread is blocked on only once that accept() returns: until the
        // acceptor has gone, the port may still accept a connection (and greet it).
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket socket : open) {
            socket.close();
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
