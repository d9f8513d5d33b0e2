package dev.supervisor.front;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The strict head parser on its own: what it accepts, what it reads from a head, and the many things it refuses. */
class HttpHeadTest {
    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    private static HttpHead request(String text) throws HttpHead.Malformed {
        HttpHead head = new HttpHead(true);
        ByteBuf in = bytes(text);
        assertThat(head.read(in)).as("a whole head").isTrue();
        return head;
    }

    private static HttpHead response(String text) throws HttpHead.Malformed {
        HttpHead head = new HttpHead(false);
        assertThat(head.read(bytes(text))).isTrue();
        return head;
    }

    private static int refusedStatus(String text) {
        HttpHead head = new HttpHead(true);
        try {
            head.read(bytes(text));
        } catch (HttpHead.Malformed e) {
            return e.status;
        }
        throw new AssertionError("accepted: " + text.replace("\r", "\\r").replace("\n", "\\n"));
    }

    @Test
    void readsARequestsLineAndTheHeadersThatMatterToAProxy() throws Exception {
        HttpHead head = request("POST /orders?id=1 HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 12\r\n"
                + "X-Forwarded-For: 10.0.0.1\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n\r\n");

        assertThat(head.methodIs("POST")).isTrue();
        assertThat(head.methodIs("post")).as("methods are case-sensitive").isFalse();
        assertThat(head.ascii(head.targetStart, head.targetEnd)).isEqualTo("/orders?id=1");
        assertThat(head.minorVersion).isEqualTo(1);
        assertThat(head.contentLength).isEqualTo(12);
        assertThat(head.chunked).isFalse();
        assertThat(head.value(head.host)).isEqualTo("shop.test");
        assertThat(head.value(head.forwardedFor)).isEqualTo("10.0.0.1");
        assertThat(head.headerCount).isEqualTo(5);
        assertThat(head.hopByHop).isTrue();
        assertThat(head.connectionKeepAlive).isTrue();
        assertThat(head.connectionNamesOthers).isTrue();
        assertThat(head.namedByConnection(4)).as("X-Hop is named by Connection").isTrue();
        assertThat(head.namedByConnection(1)).isFalse();
        assertThat(head.keepAlive()).isTrue();
    }

    @Test
    void aHeadSplitOverManyReadsIsReadWholeAndLeavesTheBodyInTheBuffer() throws Exception {
        String text = "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody";
        HttpHead head = new HttpHead(true);
        ByteBuf last = null;
        boolean done = false;
        for (int i = 0; i < text.length() && !done; i++) {
            last = bytes(text.substring(i, i + 1));
            done = head.read(last);
        }
        assertThat(done).isTrue();
        assertThat(head.contentLength).isEqualTo(4);
        assertThat(last.readableBytes()).isZero(); // the head ended with the last byte of that read

        HttpHead again = new HttpHead(true);
        ByteBuf in = bytes(text);
        assertThat(again.read(in)).isTrue();
        assertThat(in.toString(StandardCharsets.US_ASCII)).isEqualTo("body");
    }

    @Test
    void emptyLinesBeforeARequestAreSkipped() throws Exception {
        assertThat(request("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").methodIs("GET")).isTrue();
    }

    @Test
    void http10KeepsItsConnectionOnlyWhenItAsks() throws Exception {
        assertThat(request("GET / HTTP/1.0\r\n\r\n").keepAlive()).isFalse();
        assertThat(request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive()).isTrue();
        assertThat(request("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").keepAlive()).isFalse();
    }

    @Test
    void chunkedRequestsAndTheirFraming() throws Exception {
        HttpHead head = request("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n");
        assertThat(head.chunked).isTrue();
        assertThat(head.contentLength).isEqualTo(-1);
    }

    @Test
    void upgradeAndExpectAreNoted() throws Exception {
        HttpHead head = request("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Expect: 100-continue\r\n\r\n");
        assertThat(head.value(head.upgrade)).isEqualTo("websocket");
        assertThat(head.connectionUpgrade).isTrue();
        assertThat(head.expectContinue).isTrue();
    }

    @Test
    void valuesAreTrimmedAndMayHoldObsText() throws Exception {
        HttpHead head = request("GET / HTTP/1.1\r\nHost: \t a.test \t\r\nX-Name: caf\u00e9\r\n\r\n");
        assertThat(head.value(head.host)).isEqualTo("a.test");
        assertThat(head.value(1)).isEqualTo("caf\u00e9");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // Smuggling: two framings, or two lengths.
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
            // A space before the colon (RFC 9112 5.1), or a name that is not a token.
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX Y: 1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX(Y): 1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n: empty name\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
            // obs-fold.
            "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  continued\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\tcontinued\r\n\r\n",
            "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
            // Line endings: bare LF, bare CR.
            "GET / HTTP/1.1\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n\n",
            "GET / HTTP/1.1\r\nHost: a\rX-B: 1\r\n\r\n",
            "GET / HTTP/1.1\r\nX-A: 1\r2\r\nHost: a\r\n\r\n",
            // Control characters in values.
            "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\u00002\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX-A: \u001b[31m\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nX-A: \u007f\r\n\r\n",
            // Request lines.
            "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /  HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
            " GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /\u0000x HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n",
            "G@T / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET\r\nHost: a\r\n\r\n",
            "GET /\r\nHost: a\r\n\r\n",
            "GET / http/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.10\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.x\r\nHost: a\r\n\r\n",
            "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n", // TLS to a plain port
            // Host: missing in HTTP/1.1, or twice.
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    })
    void refusesMalformedAndAmbiguousHeads(String text) {
        assertThat(refusedStatus(text)).isBetween(400, 505);
    }

    @Test
    void refusalsSayWhatIsWrong() {
        assertThatThrownBy(() -> request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"))
                .isInstanceOf(HttpHead.Malformed.class).hasMessageContaining("both Transfer-Encoding and Content-Length");
        assertThatThrownBy(() -> request("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n"))
                .hasMessageContaining("line 4 is folded (obs-fold)");
        assertThatThrownBy(() -> request("GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n"))
                .hasMessageContaining("line 2 ends with a bare LF");
    }

    @Test
    void statusesOfTheRefusals() {
        assertThat(refusedStatus("GET / HTTP/2.0\r\nHost: a\r\n\r\n")).isEqualTo(505);
        assertThat(refusedStatus("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"))
                .isEqualTo(501);
        assertThat(refusedStatus("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(HttpHead.MAX_HEAD_BYTES)
                + "\r\n\r\n")).isEqualTo(431);
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < HttpHead.MAX_HEADERS; i++) {
            many.append("X-").append(i).append(": 1\r\n");
        }
        assertThat(refusedStatus(many.append("\r\n").toString())).isEqualTo(431);
    }

    @Test
    void anOversizedHeadIsRefusedAsItArrivesNotOnceWhole() throws Exception {
        HttpHead head = new HttpHead(true);
        ByteBuf first = bytes("GET / HTTP/1.1\r\nX-Big: " + "x".repeat(HttpHead.MAX_HEAD_BYTES - 100));
        assertThat(head.read(first)).isFalse();
        assertThatThrownBy(() -> head.read(bytes("y".repeat(200))))
                .isInstanceOf(HttpHead.Malformed.class).hasMessageContaining("longer than");
    }

    @Test
    void readsAResponsesStatusAndFraming() throws Exception {
        HttpHead ok = response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        HttpHead noReason = response("HTTP/1.1 204\r\n\r\n");
        HttpHead chunked = response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n");
        HttpHead old = response("HTTP/1.0 200 OK\r\n\r\n");

        assertThat(ok.status).isEqualTo(200);
        assertThat(ok.contentLength).isEqualTo(5);
        assertThat(noReason.status).isEqualTo(204);
        assertThat(chunked.chunked).isTrue();
        assertThat(chunked.otherTransferEncoding).isTrue();
        assertThat(old.keepAlive()).isFalse();
        assertThat(ok.keepAlive()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "HTTP/1.1 20 OK\r\n\r\n",
            "HTTP/1.1 2000 OK\r\n\r\n",
            "HTTP/1.1 abc OK\r\n\r\n",
            "HTTP/2 200 OK\r\n\r\n",
            "ICY 200 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "HTTP/1.1 200 OK\r\nX: 1\r\n folded\r\n\r\n",
    })
    void refusesMalformedResponsesAsBadGateway(String text) {
        HttpHead head = new HttpHead(false);
        assertThatThrownBy(() -> head.read(bytes(text)))
                .isInstanceOfSatisfying(HttpHead.Malformed.class, e -> assertThat(e.status).isEqualTo(502));
    }

    @Test
    void isReusedForTheNextMessageOfTheConnection() throws Exception {
        HttpHead head = new HttpHead(true);
        ByteBuf in = bytes("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: b\r\n\r\n");
        assertThat(head.read(in)).isTrue();
        assertThat(head.contentLength).isEqualTo(3);
        in.skipBytes(3); // the body, which MessageBody frames
        head.reset();
        assertThat(head.read(in)).isTrue();
        assertThat(head.ascii(head.targetStart, head.targetEnd)).isEqualTo("/b");
        assertThat(head.contentLength).as("facts of the previous head are gone").isEqualTo(-1);
        assertThat(head.value(head.host)).isEqualTo("b");
    }
}
