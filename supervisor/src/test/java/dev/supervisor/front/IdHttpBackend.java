package dev.supervisor.front;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP backend for front tests, answering with its id so a test can tell which backend served.
 * <ul>
 * <li>{@code /} answers the id as the body;</li>
 * <li>{@code /headers} answers the request headers, one {@code name: value} line each, lower-case names;</li>
 * <li>{@code /echo} answers {@code <length> <sha-256 hex>} of the request body;</li>
 * <li>{@code /slowecho} the same, but reads the body only after {@link #releaseSlow()};</li>
 * <li>{@code /bytes?n=N} answers N bytes {@code i % 251}, length known;</li>
 * <li>{@code /stream?n=N} the same, chunked;</li>
 * <li>{@code /slow} waits for {@link #releaseSlow()} before answering.</li>
 * </ul>
 * Every response carries {@code X-Backend-Id}.
 */
final class IdHttpBackend implements AutoCloseable {
    static {
        // The JDK server writes headers and body separately; without NODELAY, keep-alive clients stall 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    final String id;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    /** A whole number of pattern periods (251), so that consecutive blocks continue the pattern. */
    private static final byte[] PATTERN_BLOCK = pattern(251 * 256);

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicInteger slowWaiting = new AtomicInteger();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch slowGate = new CountDownLatch(1);

    IdHttpBackend(String id) throws IOException {
        this.id = id;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static IdHttpBackend start(String id) throws IOException {
        return new IdHttpBackend(id);
    }

    Backend backend() {
        return new Backend("test:" + id, address());
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    int requests() {
        return requests.get();
    }

    /** Response body bytes of /bytes and /stream handed to the server so far. */
    long bytesWritten() {
        return bytesWritten.get();
    }

    int slowWaiting() {
        return slowWaiting.get();
    }

    /** The distinct connections (client ports) requests arrived on. */
    int connectionsSeen() {
        return clientPorts.size();
    }

    void releaseSlow() {
        slowGate.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        clientPorts.add(exchange.getRemoteAddress().getPort());
        exchange.getResponseHeaders().set("X-Backend-Id", id);
        String path = exchange.getRequestURI().getPath();
        try (exchange) {
            switch (path) {
                case "/headers" -> {
                    StringBuilder text = new StringBuilder();
                    for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
                        for (String value : header.getValue()) {
                            text.append(header.getKey().toLowerCase()).append(": ").append(value).append('\n');
                        }
                    }
                    drain(exchange.getRequestBody());
                    send(exchange, text.toString().getBytes(StandardCharsets.UTF_8));
                }
                case "/echo", "/slowecho" -> {
                    if (path.equals("/slowecho")) { // reads the body only once released
                        awaitSlowGate();
                    }
                    MessageDigest sha = sha256();
                    long length = 0;
                    byte[] buffer = new byte[16384];
                    InputStream body = exchange.getRequestBody();
                    for (int n; (n = body.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                        length += n;
                    }
                    send(exchange, (length + " " + HexFormat.of().formatHex(sha.digest()))
                            .getBytes(StandardCharsets.US_ASCII));
                }
                case "/bytes", "/stream" -> {
                    drain(exchange.getRequestBody());
                    int n = Integer.parseInt(exchange.getRequestURI().getQuery().substring(2));
                    exchange.sendResponseHeaders(200, path.equals("/bytes") ? n : 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int sent = 0; sent < n; ) { // in blocks, counting: tests watch it stall
                            int size = Math.min(PATTERN_BLOCK.length, n - sent);
                            out.write(PATTERN_BLOCK, 0, size);
                            sent += size;
                            bytesWritten.addAndGet(size);
                        }
                    }
                }
                case "/slow" -> {
                    drain(exchange.getRequestBody());
                    awaitSlowGate();
                    send(exchange, ("slow " + id).getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    drain(exchange.getRequestBody());
                    send(exchange, id.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    private void awaitSlowGate() {
        slowWaiting.incrementAndGet();
        try {
            slowGate.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        slowWaiting.decrementAndGet();
    }

    static byte[] pattern(int n) {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i % 251);
        }
        return bytes;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String lengthAndSha(byte[] body) {
        return body.length + " " + HexFormat.of().formatHex(sha256().digest(body));
    }

    private static void drain(InputStream body) throws IOException {
        body.transferTo(OutputStream.nullOutputStream());
    }

    private static void send(HttpExchange exchange, byte[] body) throws IOException {
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    /** Stops listening and closes its connections at once, as a killed process would. */
    void stop() {
        releaseSlow();
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }
}
