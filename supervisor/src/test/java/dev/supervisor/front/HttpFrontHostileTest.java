package dev.supervisor.front;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and unusual HTTP through a real front over real sockets: requests the front must refuse before any
 * backend sees them (smuggling, folding, oversized or broken heads and chunks), and responses it must reframe or
 * clean up (no length, hop-by-hop headers, broken framing).
 */
class HttpFrontHostileTest {
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private FrontEventLoops loops;
    private IdHttpBackend backend;
    private HttpFront front;

    @BeforeEach
    void start() throws IOException {
        loops = new FrontEventLoops();
        backend = closeLater(IdHttpBackend.start("a"));
        front = frontFor(backend.backend());
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

    private HttpFront frontFor(Backend target) {
        HttpFront created = closeLater(new HttpFront("hostile", new InetSocketAddress("127.0.0.1", 0), loops));
        created.start();
        created.addBackend(target);
        return created;
    }

    /** Sends raw bytes on a new connection; returns the answer and whether the front closed the connection. */
    private RawHttpClient.Response refused(String raw) throws IOException {
        RawHttpClient client = closeLater(new RawHttpClient(front.address()));
        client.sendRaw(raw.getBytes(StandardCharsets.ISO_8859_1));
        RawHttpClient.Response response = client.readResponse("GET");
        assertThat(response.header("connection")).isEqualTo("close");
        assertThat(client.closedByServer()).as("the connection closes after a refusal").isTrue();
        return response;
    }

    private void assertBackendUntouchedAndFrontServing() throws IOException {
        assertThat(backend.requests()).as("no refused request reached the backend").isZero();
        assertThat(closeLater(new RawHttpClient(front.address())).get("/").text()).isEqualTo("a");
    }

    @Test
    void connectionsWithNoWholeHeadInTimeAreClosedButOnesAwaitingTheirResponseAreNot() throws IOException {
        HttpFront strict = closeLater(new HttpFront("strict", new InetSocketAddress("127.0.0.1", 0), loops,
                FrontSettings.defaults().withClientHeadTimeout(Duration.ofMillis(300))));
        strict.start();
        strict.addBackend(backend.backend());
        RawHttpClient slowloris = closeLater(new RawHttpClient(strict.address()));
        slowloris.sendRaw("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        RawHttpClient silent = closeLater(new RawHttpClient(strict.address()));
        RawHttpClient keptAlive = closeLater(new RawHttpClient(strict.address()));
        assertThat(keptAlive.get("/").text()).isEqualTo("a");
        RawHttpClient awaiting = closeLater(new RawHttpClient(strict.address()));
        awaiting.sendRaw("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

        RawHttpClient.Response timedOut = slowloris.readResponse("GET");

        assertThat(timedOut.status()).isEqualTo(408);
        assertThat(slowloris.closedByServer()).isTrue();
        assertThat(silent.closedByServer()).as("a connection that never sent a byte").isTrue();
        assertThat(keptAlive.closedByServer()).as("an idle keep-alive connection").isTrue();
        assertThat(awaiting.closedByServer()).as("a request waiting for its response is not a client too slow")
                .isFalse();
        backend.releaseSlow();
        assertThat(awaiting.readResponse("GET").status()).isEqualTo(200);
        assertThat(backend.requests()).as("the slow head never reached the backend").isEqualTo(2);
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedNotSmuggled() throws IOException {
        RawHttpClient.Response response = refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /headers HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).contains("both Transfer-Encoding and Content-Length");
        assertBackendUntouchedAndFrontServing();
    }

    @Test
    void aSpaceBeforeTheColonIsRefused() throws IOException {
        assertThat(refused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n").status())
                .isEqualTo(400);
        assertBackendUntouchedAndFrontServing();
    }

    @Test
    void twoContentLengthsAreRefused() throws IOException {
        assertThat(refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 20\r\n\r\n").status())
                .isEqualTo(400);
        assertBackendUntouchedAndFrontServing();
    }

    @Test
    void foldedHeaderIsRefused() throws IOException {
        RawHttpClient.Response response = refused("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n continued\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).contains("obs-fold");
        assertBackendUntouchedAndFrontServing();
    }

    @Test
    void bareLineFeedsAndControlCharactersAreRefused() throws IOException {
        assertThat(refused("GET / HTTP/1.1\nHost: x\n\n").status()).isEqualTo(400);
        assertThat(refused("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n").status()).isEqualTo(400);
        assertThat(refused("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n").status()).isIn(400, 505);
        assertBackendUntouchedAndFrontServing();
    }

    @Test
    void oversizedHeadIsRefusedWith431() throws IOException {
        assertThat(refused("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n").status())
                .isEqualTo(431);
        assertBackendUntouchedAndFrontServing();
    }

    @Test
    void missingHostAndUnknownVersionsAreRefused() throws IOException {
        assertThat(refused("GET / HTTP/1.1\r\n\r\n").status()).isEqualTo(400);
        assertThat(refused("GET / HTTP/3.0\r\nHost: x\r\n\r\n").status()).isEqualTo(505);
        assertThat(refused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").status())
                .isEqualTo(501);
        assertBackendUntouchedAndFrontServing();
    }

    @Test
    void brokenChunkedBodyIsRefusedAndTheConnectionClosed() throws IOException {
        RawHttpClient.Response response = refused("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\nzz\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(closeLater(new RawHttpClient(front.address())).get("/").text()).isEqualTo("a");
    }

    @Test
    void pipelinedRequestsWithBodiesAreAnsweredInOrder() throws IOException {
        RawHttpClient client = closeLater(new RawHttpClient(front.address()));

        client.sendRaw(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                + "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
                + "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

        assertThat(client.readResponse("POST").text()).isEqualTo(IdHttpBackend.lengthAndSha("abc".getBytes()));
        assertThat(client.readResponse("POST").text()).isEqualTo(IdHttpBackend.lengthAndSha("de".getBytes()));
        assertThat(client.readResponse("GET").text()).isEqualTo("a");
    }

    @Test
    void expectAndHopByHopRequestHeadersStayOnTheirHopAndForwardedOnesAreTheFronts() throws IOException {
        RawHttpClient client = closeLater(new RawHttpClient(front.address()));
        byte[] body = "x".getBytes(StandardCharsets.US_ASCII);

        client.sendHead("POST", "/headers", "HTTP/1.1", Map.of("Expect", "100-continue", "TE", "trailers",
                "Keep-Alive", "timeout=5", "Proxy-Connection", "keep-alive", "X-Forwarded-Proto", "https",
                "X-Forwarded-Host", "evil.test"), body.length);
        assertThat(client.readResponse("POST").status()).isEqualTo(100);
        client.sendRaw(body);
        String seen = client.readResponse("POST").text();

        assertThat(seen).doesNotContain("expect").doesNotContainPattern("(^|\n)te: ").doesNotContain("keep-alive")
                .doesNotContain("proxy-connection").doesNotContain("https").doesNotContain("evil.test")
                .contains("x-forwarded-proto: http\n").contains("x-forwarded-host: front.test\n");
    }

    @Test
    void responseWithoutLengthIsChunkedForHttp11AndEndedByCloseForHttp10() throws Exception {
        ScriptedBackend untilClose = closeLater(new ScriptedBackend(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nthe body ends when I close", true));
        front = frontFor(untilClose.backend());
        RawHttpClient http11 = closeLater(new RawHttpClient(front.address()));

        RawHttpClient.Response first = http11.get("/");
        RawHttpClient.Response second = http11.get("/"); // the client's connection stayed open
        RawHttpClient http10 = closeLater(new RawHttpClient(front.address()));
        http10.sendHead("GET", "/", "HTTP/1.0", Map.of(), -1);
        RawHttpClient.Response old = http10.readResponse("GET");

        assertThat(first.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(first.text()).isEqualTo("the body ends when I close");
        assertThat(second.text()).isEqualTo("the body ends when I close");
        assertThat(old.header("transfer-encoding")).isNull();
        assertThat(old.header("connection")).isEqualTo("close");
        assertThat(old.text()).isEqualTo("the body ends when I close");
    }

    @Test
    void hopByHopResponseHeadersStayOnTheBackendsHop() throws Exception {
        ScriptedBackend leaky = closeLater(new ScriptedBackend("HTTP/1.1 200 OK\r\nConnection: X-Private\r\n"
                + "X-Private: secret\r\nKeep-Alive: timeout=5\r\nX-Public: yes\r\nContent-Length: 2\r\n\r\nok", false));
        front = frontFor(leaky.backend());

        RawHttpClient.Response response = closeLater(new RawHttpClient(front.address())).get("/");

        assertThat(response.text()).isEqualTo("ok");
        assertThat(response.header("x-public")).isEqualTo("yes");
        assertThat(response.headers()).doesNotContainKeys("x-private", "keep-alive", "connection");
    }

    @Test
    void backendResponseWithAmbiguousFramingIsA502() throws Exception {
        ScriptedBackend broken = closeLater(new ScriptedBackend("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false));
        front = frontFor(broken.backend());

        RawHttpClient.Response response = closeLater(new RawHttpClient(front.address()))
                .request("POST", "/", Map.of(), "x".getBytes(StandardCharsets.US_ASCII));

        assertThat(response.status()).isEqualTo(502);
    }
}
