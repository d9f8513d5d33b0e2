package dev.supervisor.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive HTTP load over raw sockets, so nothing retries behind our back (HttpURLConnection silently
 * retries a GET on a dead keep-alive connection). Each client sends requests one after another on one
 * connection until {@link #stop()} or its bound is reached. Any I/O error or non-2xx is a failure.
 */
public final class LoadLoop implements AutoCloseable {
    private final int port;
    private final int maxRequestsPerClient;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger non2xx = new AtomicInteger();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> bodies = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();

    public LoadLoop(int port, int clients, int maxRequestsPerClient) {
        this.port = port;
        this.maxRequestsPerClient = maxRequestsPerClient;
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(this::client, "load-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void client() {
        Socket s = null;
        InputStream in = null;
        OutputStream out = null;
        byte[] request = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < maxRequestsPerClient && running.get(); n++) {
            try {
                if (s == null) {
                    s = new Socket();
                    s.setTcpNoDelay(true);
                    s.setSoTimeout(30_000);
                    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                    in = new BufferedInputStream(s.getInputStream());
                    out = s.getOutputStream();
                }
                out.write(request);
                out.flush();
                Response r = readResponse(in);
                if (r.status / 100 == 2) {
                    ok.incrementAndGet();
                    bodies.add(r.body);
                } else {
                    non2xx.incrementAndGet();
                    errors.add("HTTP " + r.status + ": " + r.body);
                }
                if (r.close) {
                    s.close();
                    s = null;
                }
            } catch (IOException e) {
                failed.incrementAndGet();
                errors.add(e.toString());
                closeQuietly(s);
                s = null;
            }
        }
        closeQuietly(s);
    }

    private record Response(int status, String body, boolean close) {
    }

    private static Response readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        int length = 0;
        boolean close = false;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("response body cut short");
        }
        return new Response(status, new String(body, StandardCharsets.UTF_8).trim(), close);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    public int ok() {
        return ok.get();
    }

    public int failed() {
        return failed.get();
    }

    public int non2xx() {
        return non2xx.get();
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** Distinct response bodies seen (e.g. "pid 1234"), to tell which instances served. */
    public Set<String> bodies() {
        return Set.copyOf(bodies);
    }

    /** Stops sending and waits for every client to finish its current request. */
    public void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(60_000);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
