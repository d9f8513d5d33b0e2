package dev.supervisor.front;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Header rewriting between client and backend, on the heads' bytes: hop-by-hop headers stay on their hop,
 * X-Forwarded-* are added, every other line is copied as it arrived (runs of kept lines in one copy).
 */
final class ProxyHeaders {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HTTP_1_1_LINE_END = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FORWARDED_FOR = "X-Forwarded-For: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FORWARDED_PROTO_HOST = "X-Forwarded-Proto: http\r\nX-Forwarded-Host: "
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FORWARDED_PROTO = "X-Forwarded-Proto: http\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LIST_SEPARATOR = {',', ' '};
    private static final byte[] UPGRADE = "Upgrade: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_UPGRADE = "Connection: upgrade\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);

    private ProxyHeaders() {
    }

    /**
     * The client's request head as the backend gets it. The backend hop always speaks HTTP/1.1 keep-alive whatever
     * the client speaks, so backend connections are reused; an upgrade (WebSocket) request keeps asking to switch.
     * Expect: 100-continue is answered by the front, so it does not go on.
     */
    static ByteBuf requestHead(HttpHead head, byte[] clientIp, boolean upgrade, ByteBufAllocator allocator) {
        byte[] bytes = head.bytes;
        ByteBuf out = allocator.directBuffer(head.length + 96 + clientIp.length
                + (head.host >= 0 ? head.valueEnd(head.host) - head.valueStart(head.host) : 0));
        // 1. The request line, as HTTP/1.1.
        if (head.minorVersion == 1) {
            out.writeBytes(bytes, 0, head.firstHeader);
        } else {
            out.writeBytes(bytes, 0, head.targetEnd).writeBytes(HTTP_1_1_LINE_END);
        }
        // 2. The client's headers but the hop-by-hop ones and those the front sets itself.
        if (!head.hopByHop && !head.forwardedOther && head.forwardedFor < 0 && !head.expectContinue) {
            out.writeBytes(bytes, head.firstHeader, head.length - 2 - head.firstHeader);
        } else {
            copyHeaders(head, out, true, false);
        }
        // 3. X-Forwarded-For (appended to the client's own), -Proto, -Host.
        out.writeBytes(FORWARDED_FOR);
        if (head.forwardedFor >= 0) {
            out.writeBytes(bytes, head.valueStart(head.forwardedFor),
                    head.valueEnd(head.forwardedFor) - head.valueStart(head.forwardedFor)).writeBytes(LIST_SEPARATOR);
        }
        out.writeBytes(clientIp).writeBytes(CRLF);
        if (head.host >= 0) {
            out.writeBytes(FORWARDED_PROTO_HOST)
                    .writeBytes(bytes, head.valueStart(head.host), head.valueEnd(head.host) - head.valueStart(head.host))
                    .writeBytes(CRLF);
        } else {
            out.writeBytes(FORWARDED_PROTO);
        }
        // 4. The protocol switch the client asked for, then the empty line.
        if (upgrade) {
            out.writeBytes(UPGRADE).writeBytes(bytes, head.valueStart(head.upgrade),
                    head.valueEnd(head.upgrade) - head.valueStart(head.upgrade)).writeBytes(CRLF);
            out.writeBytes(CONNECTION_UPGRADE);
        }
        return out.writeBytes(CRLF);
    }

    /**
     * Decides how a backend's final response goes to the client: sets on the exchange how the body must be reframed
     * for this client, and whether the client's connection closes after it (the client asked for it, or it speaks
     * HTTP/1.0 and the body's length is only known at its end). Returns true when the head can go on exactly as it
     * arrived (the usual case: an HTTP/1.1 keep-alive client, a response without hop-by-hop headers).
     */
    static boolean prepareResponse(HttpHead head, HttpExchange exchange, boolean bodyless) {
        boolean close = !exchange.clientKeepAlive;
        if (!bodyless) {
            boolean lengthKnown = head.contentLength >= 0;
            if (exchange.http10) {
                if (head.chunked) { // an HTTP/1.0 client cannot read chunks: send the data raw, ended by closing
                    exchange.dechunk = true;
                    close = true;
                } else if (!lengthKnown) {
                    close = true;
                }
            } else if (!head.chunked && !lengthKnown) {
                // The backend ends this body by closing its connection; chunking it keeps the client's connection.
                // (A coding other than chunked alone can't be chunked on top here: that body ends with a close.)
                if (head.otherTransferEncoding) {
                    close = true;
                } else {
                    exchange.chunkForClient = true;
                }
            }
        }
        exchange.closeClientAfter = close;
        return !head.hopByHop && !exchange.dechunk && !exchange.chunkForClient && !close && !exchange.http10;
    }

    /** The response head for the client, as {@link #prepareResponse} decided when it can't go on as it arrived. */
    static ByteBuf responseHead(HttpHead head, HttpExchange exchange, ByteBufAllocator allocator) {
        byte[] bytes = head.bytes;
        ByteBuf out = allocator.directBuffer(head.length + 64);
        if (!head.hopByHop && !exchange.dechunk) {
            out.writeBytes(bytes, 0, head.length - 2);
        } else {
            out.writeBytes(bytes, 0, head.firstHeader);
            copyHeaders(head, out, false, exchange.dechunk);
        }
        if (exchange.chunkForClient) {
            out.writeBytes(CHUNKED);
        }
        if (exchange.closeClientAfter) {
            out.writeBytes(CONNECTION_CLOSE);
        } else if (exchange.http10) {
            out.writeBytes(CONNECTION_KEEP_ALIVE);
        }
        return out.writeBytes(CRLF);
    }

    /** A 101 keeps its Connection and Upgrade headers: they are the answer to the client's request to switch. */
    static ByteBuf switchHead(HttpHead head, ByteBufAllocator allocator) {
        ByteBuf out = allocator.directBuffer(head.length);
        out.writeBytes(head.bytes, 0, head.firstHeader);
        for (int i = 0; i < head.headerCount; i++) {
            if (!head.nameIs(i, "keep-alive") && !head.nameIs(i, "proxy-connection")) {
                out.writeBytes(head.bytes, head.lineStart(i), head.lineEnd(i) - head.lineStart(i));
            }
        }
        return out.writeBytes(CRLF);
    }

    /** For 1xx responses passed through (103 Early Hints): only hop-by-hop headers go. */
    static ByteBuf informationalHead(HttpHead head, ByteBufAllocator allocator) {
        ByteBuf out = allocator.directBuffer(head.length);
        out.writeBytes(head.bytes, 0, head.firstHeader);
        copyHeaders(head, out, false, false);
        return out.writeBytes(CRLF);
    }

    /** Copies the header lines that go on to the next hop, runs of them at once. */
    private static void copyHeaders(HttpHead head, ByteBuf out, boolean request, boolean dropTransferEncoding) {
        int run = -1;
        for (int i = 0; i < head.headerCount; i++) {
            boolean keep = !dropped(head, i, request, dropTransferEncoding);
            if (keep && run < 0) {
                run = head.lineStart(i);
            } else if (!keep && run >= 0) {
                out.writeBytes(head.bytes, run, head.lineStart(i) - run);
                run = -1;
            }
        }
        if (run >= 0) {
            out.writeBytes(head.bytes, run, head.length - 2 - run);
        }
    }

    private static boolean dropped(HttpHead head, int i, boolean request, boolean dropTransferEncoding) {
        if (head.nameIs(i, "connection") || head.nameIs(i, "keep-alive") || head.nameIs(i, "proxy-connection")
                || head.nameIs(i, "te") || head.nameIs(i, "upgrade")) {
            return true;
        }
        if (request) {
            if (head.nameIs(i, "x-forwarded-for") || head.nameIs(i, "x-forwarded-proto")
                    || head.nameIs(i, "x-forwarded-host")) {
                return true;
            }
            if (head.expectContinue && head.nameIs(i, "expect")) {
                return true;
            }
        } else if (dropTransferEncoding && head.nameIs(i, "transfer-encoding")) {
            return true; // a client that gets the data unchunked
        }
        return head.connectionNamesOthers && head.namedByConnection(i);
    }
}
