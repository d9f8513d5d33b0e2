package dev.supervisor.front;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class HttpFrontTest {
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress("127.0.0.1", 0);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private FrontEventLoops loops;

    @BeforeEach
    void startLoops() {
        loops = new FrontEventLoops();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        loops.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    private HttpFront front(FrontSettings settings, IdHttpBackend... backends) {
        HttpFront front = closeLater(new HttpFront("hello", ANY_LOOPBACK_PORT, loops, settings));
        front.start();
        for (IdHttpBackend backend : backends) {
            front.addBackend(backend.backend());
        }
        return front;
    }

    private HttpFront front(IdHttpBackend... backends) {
        return front(FrontSettings.defaults(), backends);
    }

    private IdHttpBackend backend(String id) throws IOException {
        return closeLater(IdHttpBackend.start(id));
    }

    private RawHttpClient client(HttpFront front) throws IOException {
        return closeLater(new RawHttpClient(front.address()));
    }

    @Test
    void proxiesGetToTheBackend() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);

        RawHttpClient.Response response = client(front).get("/");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("a");
        assertThat(front.address().getPort()).isPositive();
    }

    @Test
    void streamsLargeRequestBodiesBothFramings() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        byte[] body = new byte[700 * 1024];
        new Random(42).nextBytes(body);
        RawHttpClient client = client(front);

        RawHttpClient.Response withLength = client.request("POST", "/echo", Map.of(), body);

        client.sendHead("POST", "/echo", "HTTP/1.1", Map.of("Transfer-Encoding", "chunked"), -1);
        for (int offset = 0; offset < body.length; offset += 100_000) {
            int size = Math.min(100_000, body.length - offset);
            client.sendRaw((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            client.sendRaw(java.util.Arrays.copyOfRange(body, offset, offset + size));
            client.sendRaw("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        client.sendRaw("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        RawHttpClient.Response chunked = client.readResponse("POST");

        assertThat(withLength.status()).isEqualTo(200);
        assertThat(withLength.text()).isEqualTo(IdHttpBackend.lengthAndSha(body));
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.text()).isEqualTo(IdHttpBackend.lengthAndSha(body));
    }

    @Test
    void streamsLargeResponsesWithKnownAndUnknownLength() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        RawHttpClient client = client(front);

        RawHttpClient.Response sized = client.get("/bytes?n=3000000");
        RawHttpClient.Response streamed = client.get("/stream?n=2500000");

        assertThat(sized.body()).isEqualTo(IdHttpBackend.pattern(3_000_000));
        assertThat(streamed.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(streamed.body()).isEqualTo(IdHttpBackend.pattern(2_500_000));
    }

    @Test
    void setsForwardedHeadersAndDropsHopByHopOnes() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);

        RawHttpClient.Response response = client(front).request("GET", "/headers",
                Map.of("Host", "example.test:8080", "X-Forwarded-For", "10.1.2.3",
                        "Connection", "keep-alive, X-Secret-Hop", "X-Secret-Hop", "1"), null);

        assertThat(response.text())
                .contains("x-forwarded-for: 10.1.2.3, 127.0.0.1\n")
                .contains("x-forwarded-proto: http\n")
                .contains("x-forwarded-host: example.test:8080\n")
                .contains("host: example.test:8080\n")
                .doesNotContain("x-secret-hop")
                .doesNotContain("connection: keep-alive");
    }

    @Test
    void keepAliveClientConnectionServesManyRequestsOverOneBackendConnection() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        RawHttpClient client = client(front);

        for (int i = 0; i < 200; i++) {
            assertThat(client.get("/").status()).isEqualTo(200);
        }

        assertThat(a.requests()).isEqualTo(200);
        assertThat(a.connectionsSeen()).isEqualTo(1);
    }

    @Test
    void clientsClosingAfterEachRequestStillReuseBackendConnections() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);

        for (int i = 0; i < 30; i++) {
            try (RawHttpClient client = new RawHttpClient(front.address())) {
                RawHttpClient.Response response = client.request("GET", "/", Map.of("Connection", "close"), null);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("connection")).isEqualTo("close");
                assertThat(client.closedByServer()).isTrue();
            }
        }

        // One pool of idle backend connections per event loop: at most one per loop here.
        assertThat(a.connectionsSeen()).isLessThanOrEqualTo(FrontEventLoops.DEFAULT_THREADS);
    }

    @Test
    void spreadsRequestsOfOneConnectionOverBothBackends() throws IOException {
        IdHttpBackend a = backend("a");
        IdHttpBackend b = backend("b");
        HttpFront front = front(a, b);
        RawHttpClient client = client(front);
        Map<String, Integer> served = new HashMap<>();

        for (int i = 0; i < 20; i++) {
            served.merge(client.get("/").text(), 1, Integer::sum);
        }

        assertThat(served).containsOnlyKeys("a", "b");
        assertThat(served.get("a")).isBetween(5, 15);
    }

    @Test
    void removingABackendDrainsItsRequestInFlightAndMovesTheConnectionOn() throws Exception {
        IdHttpBackend a = backend("a");
        IdHttpBackend b = backend("b");
        HttpFront front = front(a);
        RawHttpClient slowClient = client(front);
        slowClient.sendHead("GET", "/slow", "HTTP/1.1", Map.of(), -1);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.slowWaiting() == 1);
        assertThat(front.inFlight(a.backend())).isEqualTo(1);

        front.addBackend(b.backend());
        CompletableFuture<DrainResult> drain = front.removeBackend(a.backend(), Duration.ofSeconds(10));
        CompletableFuture<String> followUpThread = drain.thenApply(result -> Thread.currentThread().getName());

        assertThat(front.backends()).containsExactly(b.backend());
        assertThat(client(front).get("/").text()).isEqualTo("b");
        assertThat(drain).isNotDone();
        a.releaseSlow();
        RawHttpClient.Response slow = slowClient.readResponse("GET");
        assertThat(slow.status()).isEqualTo(200);
        assertThat(slow.text()).isEqualTo("slow a");
        assertThat(drain.get(5, TimeUnit.SECONDS)).isEqualTo(new DrainResult(1, false));
        assertThat(followUpThread.get(5, TimeUnit.SECONDS)).doesNotStartWith("front-io"); // may block safely
        assertThat(front.inFlight(a.backend())).isZero();
        // The same keep-alive client connection now reaches the remaining backend.
        assertThat(slowClient.get("/").text()).isEqualTo("b");
        assertThat(slowClient.get("/").text()).isEqualTo("b");
    }

    @Test
    void drainGivesUpAtItsTimeout() throws Exception {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        RawHttpClient slowClient = client(front);
        slowClient.sendHead("GET", "/slow", "HTTP/1.1", Map.of(), -1);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.slowWaiting() == 1);

        DrainResult result = front.removeBackend(a.backend(), Duration.ofMillis(200)).get(5, TimeUnit.SECONDS);

        assertThat(result).isEqualTo(new DrainResult(1, true));
    }

    @Test
    void removingAnUnknownBackendCompletesAtOnce() throws Exception {
        HttpFront front = front();

        DrainResult result = front.removeBackend(new Backend("x", new InetSocketAddress("127.0.0.1", 9)),
                Duration.ofSeconds(5)).getNow(null);

        assertThat(result).isEqualTo(new DrainResult(0, false));
    }

    @Test
    void retriesOnAnotherBackendWhenOneInThePoolRefuses() throws IOException {
        IdHttpBackend a = backend("a");
        IdHttpBackend b = backend("b");
        HttpFront front = front(a, b);
        a.stop(); // still in the pool, but nobody listens any more

        for (int i = 0; i < 10; i++) {
            try (RawHttpClient client = new RawHttpClient(front.address())) {
                RawHttpClient.Response response = client.get("/");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.text()).isEqualTo("b");
            }
        }
        RawHttpClient keepAlive = client(front);
        for (int i = 0; i < 10; i++) {
            assertThat(keepAlive.get("/").text()).isEqualTo("b");
        }
    }

    @Test
    void requestArrivingWithAnEmptyPoolWaitsForABackend() throws Exception {
        IdHttpBackend a = backend("a");
        HttpFront front = front();
        RawHttpClient client = client(front);
        client.sendHead("GET", "/", "HTTP/1.1", Map.of(), -1);

        front.addBackend(a.backend());
        RawHttpClient.Response response = client.readResponse("GET");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("a");
    }

    @Test
    void answers503WhenNoBackendComesInTime() throws IOException {
        HttpFront front = front(FrontSettings.defaults().withBackendWait(Duration.ofMillis(100)));
        RawHttpClient client = client(front);

        RawHttpClient.Response response = client.get("/");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.text()).contains("hello");
        // The connection stays usable.
        assertThat(client.get("/").status()).isEqualTo(503);
    }

    @Test
    void answers502WhenTheBackendDropsARequestThatCannotBeRepeated() throws Exception {
        try (ServerSocket dropper = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!dropper.isClosed()) {
                    try (Socket s = dropper.accept()) {
                        s.getInputStream().read(new byte[64]); // some of the request arrived, then the backend dies
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpFront front = front();
            front.addBackend(new Backend("dropper", new InetSocketAddress("127.0.0.1", dropper.getLocalPort())));
            RawHttpClient client = client(front);

            RawHttpClient.Response response = client.request("POST", "/order", Map.of(),
                    "pay 10".getBytes(StandardCharsets.UTF_8));

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.text()).contains("dropper");
        }
    }

    @Test
    void http10ClientGetsItsConnectionClosedOrKeptAsAsked() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);

        RawHttpClient plain = client(front);
        plain.sendHead("GET", "/stream?n=1000", "HTTP/1.0", Map.of(), -1);
        RawHttpClient.Response streamed = plain.readResponse("GET");
        RawHttpClient keepAlive = client(front);
        keepAlive.sendHead("GET", "/", "HTTP/1.0", Map.of("Connection", "keep-alive"), -1);
        RawHttpClient.Response first = keepAlive.readResponse("GET");
        keepAlive.sendHead("GET", "/", "HTTP/1.0", Map.of("Connection", "keep-alive"), -1);
        RawHttpClient.Response second = keepAlive.readResponse("GET");

        // No chunking for HTTP/1.0: the body ends with the connection.
        assertThat(streamed.header("transfer-encoding")).isNull();
        assertThat(streamed.body()).isEqualTo(IdHttpBackend.pattern(1000));
        assertThat(first.header("connection")).isEqualTo("keep-alive");
        assertThat(second.text()).isEqualTo("a");
    }

    @Test
    void connectionCloseClosesTheClientConnectionAfterTheResponse() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        RawHttpClient client = client(front);

        RawHttpClient.Response response = client.request("GET", "/", Map.of("Connection", "close"), null);

        assertThat(response.text()).isEqualTo("a");
        assertThat(response.header("connection")).isEqualTo("close");
        assertThat(client.closedByServer()).isTrue();
    }

    @Test
    void answers100ContinueBeforeTheBodyIsSent() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        RawHttpClient client = client(front);
        byte[] body = "the body".getBytes(StandardCharsets.UTF_8);

        client.sendHead("POST", "/echo", "HTTP/1.1", Map.of("Expect", "100-continue"), body.length);
        RawHttpClient.Response interim = client.readResponse("POST");
        client.sendRaw(body);
        RawHttpClient.Response response = client.readResponse("POST");

        assertThat(interim.status()).isEqualTo(100);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo(IdHttpBackend.lengthAndSha(body));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        RawHttpClient client = client(front);

        client.sendRaw(("GET /bytes?n=10 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /bytes?n=20 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /bytes?n=30 HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

        assertThat(client.readResponse("GET").body()).hasSize(10);
        assertThat(client.readResponse("GET").body()).hasSize(20);
        assertThat(client.readResponse("GET").body()).hasSize(30);
    }

    @Test
    void headRequestGetsNoBody() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        RawHttpClient client = client(front);

        RawHttpClient.Response head = client.request("HEAD", "/bytes?n=5000", Map.of(), null);
        RawHttpClient.Response after = client.get("/");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.backendId()).isEqualTo("a");
        assertThat(head.header("transfer-encoding")).isNull(); // not chunked: it has no body to frame
        assertThat(after.text()).isEqualTo("a"); // and no stray body bytes came before this answer
    }

    @Test
    void upgradedConnectionBecomesATunnelThatDrainWaitsFor() throws Exception {
        UpgradeEchoBackend upgradeBackend = closeLater(new UpgradeEchoBackend());
        HttpFront front = front();
        front.addBackend(upgradeBackend.backend());
        RawHttpClient client = client(front);

        client.sendHead("GET", "/socket", "HTTP/1.1", Map.of("Upgrade", "echo", "Connection", "Upgrade"), -1);
        RawHttpClient.Response switched = client.readResponse("GET");
        assertThat(switched.status()).isEqualTo(101);
        assertThat(switched.header("upgrade")).isEqualTo("echo");
        assertThat(new String(client.readBytes(3), StandardCharsets.US_ASCII)).isEqualTo("hi\n");
        client.sendRaw("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)); // not HTTP any more: echoed
        assertThat(new String(client.readBytes(16), StandardCharsets.US_ASCII)).isEqualTo("GET / HTTP/1.1\r\n");
        assertThat(front.inFlight(upgradeBackend.backend())).isEqualTo(1);

        CompletableFuture<DrainResult> drain = front.removeBackend(upgradeBackend.backend(), Duration.ofSeconds(10));
        client.sendRaw("still".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(client.readBytes(5), StandardCharsets.US_ASCII)).isEqualTo("still");
        assertThat(drain).isNotDone();
        client.close();

        assertThat(drain.get(5, TimeUnit.SECONDS)).isEqualTo(new DrainResult(1, false));
    }

    @Test
    void plainRequestToAnUpgradeOnlyBackendIsProxiedNormally() throws IOException {
        UpgradeEchoBackend upgradeBackend = closeLater(new UpgradeEchoBackend());
        HttpFront front = front();
        front.addBackend(upgradeBackend.backend());

        RawHttpClient.Response response = client(front).request("GET", "/socket", Map.of("Upgrade", "echo"), null);

        // Upgrade without "Connection: upgrade" is no request to switch: the header is dropped as hop-by-hop.
        assertThat(response.status()).isEqualTo(400);
    }

    @Test
    void stalledClientStopsTheBackendInsteadOfFillingMemory() throws Exception {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        int size = 64 * 1024 * 1024;
        long stalledBound = 32L * 1024 * 1024; // the socket buffers on the way hold a few MB at most
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(front.address());
            socket.getOutputStream().write(("GET /bytes?n=" + size + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.bytesWritten() > 0);

            // Nobody reads: the front must stop reading the backend rather than buffer the 64 MB.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> a.bytesWritten() < stalledBound);
            long frontMemory = ((PooledByteBufAllocator) loops.allocator()).metric().usedDirectMemory()
                    + ((PooledByteBufAllocator) loops.allocator()).metric().usedHeapMemory();
            assertThat(frontMemory).isLessThan(16L * 1024 * 1024);

            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
            }
            assertThat(total).isGreaterThan(size);
            assertThat(a.bytesWritten()).isEqualTo(size);
        }
    }

    @Test
    void slowReadingBackendStopsTheUploadInsteadOfFillingMemory() throws Exception {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        int size = 64 * 1024 * 1024;
        byte[] block = IdHttpBackend.pattern(251 * 256);
        AtomicLong sent = new AtomicLong();
        RawHttpClient client = client(front);
        client.sendHead("POST", "/slowecho", "HTTP/1.1", Map.of(), size);
        Thread uploader = new Thread(() -> {
            try {
                for (int done = 0; done < size; ) {
                    int n = Math.min(block.length, size - done);
                    client.sendRaw(java.util.Arrays.copyOf(block, n));
                    done += n;
                    sent.set(done);
                }
            } catch (IOException e) {
                sent.set(-1);
            }
        });
        uploader.setDaemon(true);
        uploader.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.slowWaiting() == 1 && sent.get() > 0);

        // The backend reads nothing yet: the front must stop reading the client rather than buffer the body.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> sent.get() >= 0 && sent.get() < 32L * 1024 * 1024);
        long frontMemory = ((PooledByteBufAllocator) loops.allocator()).metric().usedDirectMemory()
                + ((PooledByteBufAllocator) loops.allocator()).metric().usedHeapMemory();
        assertThat(frontMemory).isLessThan(16L * 1024 * 1024);

        a.releaseSlow();
        RawHttpClient.Response response = client.readResponse("POST");
        MessageDigest sha = IdHttpBackend.sha256();
        for (int done = 0; done < size; done += block.length) {
            sha.update(block, 0, Math.min(block.length, size - done));
        }
        assertThat(response.text()).isEqualTo(size + " " + HexFormat.of().formatHex(sha.digest()));
    }

    @Test
    void portInUseNamesThePortAndTheApp() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            HttpFront front = closeLater(new HttpFront("hello", new InetSocketAddress("127.0.0.1", port), loops));

            assertThatThrownBy(front::start)
                    .isInstanceOf(PortInUseException.class)
                    .hasMessage("port " + port + " on 127.0.0.1 is already in use (app hello's front)");
        }
    }

    @Test
    void closeUnbindsThePort() throws IOException {
        IdHttpBackend a = backend("a");
        HttpFront front = front(a);
        InetSocketAddress address = front.address();

        front.close();

        try (ServerSocket rebound = new ServerSocket()) {
            rebound.setReuseAddress(true);
            rebound.bind(address);
            assertThat(rebound.getLocalPort()).isEqualTo(address.getPort());
        }
    }
}
