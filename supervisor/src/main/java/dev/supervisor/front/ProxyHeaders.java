package dev.supervisor.front;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

import java.util.List;

/** Header rewriting between client and backend: hop-by-hop headers stay on their hop, X-Forwarded-* are added. */
final class ProxyHeaders {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString HTTP = AsciiString.cached("http");

    private ProxyHeaders() {
    }

    /**
     * Readies a client's request for the backend. The backend hop always speaks HTTP/1.1 keep-alive whatever the
     * client speaks, so backend connections are reused.
     */
    static void prepareRequest(HttpRequest request, String clientIp) {
        HttpHeaders headers = request.headers();
        removeHopByHop(headers);
        String forwardedFor = headers.get(X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR, forwardedFor == null ? clientIp : forwardedFor + ", " + clientIp);
        headers.set(X_FORWARDED_PROTO, HTTP);
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null) {
            headers.set(X_FORWARDED_HOST, host);
        }
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    /**
     * Readies a backend's final response for the client.
     *
     * @return true when the client connection must close after this response: the client asked for it, or it speaks
     * HTTP/1.0 and the body's length is only known at its end
     */
    static boolean prepareResponse(HttpResponse response, HttpExchange exchange) {
        HttpHeaders headers = response.headers();
        removeHopByHop(headers);
        boolean close = !exchange.clientKeepAlive;
        if (!bodyless(response, exchange)) {
            boolean chunked = HttpUtil.isTransferEncodingChunked(response);
            boolean lengthKnown = headers.contains(HttpHeaderNames.CONTENT_LENGTH);
            if (exchange.http10) {
                if (chunked) { // an HTTP/1.0 client cannot read chunks: send the body raw, ended by closing
                    headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
                    close = true;
                } else if (!lengthKnown) {
                    close = true;
                }
            } else if (!chunked && !lengthKnown) {
                // The backend ends this body by closing its connection; chunking it keeps the client's connection.
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        }
        if (close) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (exchange.http10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return close;
    }

    /** An upgrade (WebSocket) request keeps asking the backend to switch protocols. */
    static void keepUpgrade(HttpRequest request, String protocol) {
        request.headers().set(HttpHeaderNames.UPGRADE, protocol).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    }

    /** A 101 keeps its Connection and Upgrade headers: they are the answer to the client's request to switch. */
    static void prepareSwitch(HttpResponse response) {
        response.headers().remove(KEEP_ALIVE).remove(PROXY_CONNECTION);
    }

    /** For 1xx responses passed through: only hop-by-hop headers go. */
    static void prepareInformational(HttpResponse response) {
        removeHopByHop(response.headers());
    }

    private static boolean bodyless(HttpResponse response, HttpExchange exchange) {
        int code = response.status().code();
        return exchange.headRequest || code < 200 || code == 204 || code == 304;
    }

    private static void removeHopByHop(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            List<String> values = headers.getAll(HttpHeaderNames.CONNECTION);
            for (String value : values) {
                for (String token : value.split(",")) {
                    String name = token.trim();
                    if (!name.isEmpty()) {
                        headers.remove(name);
                    }
                }
            }
            headers.remove(HttpHeaderNames.CONNECTION);
        }
        headers.remove(KEEP_ALIVE);
        headers.remove(PROXY_CONNECTION);
        headers.remove(HttpHeaderNames.TE);
        headers.remove(HttpHeaderNames.UPGRADE); // no protocol switch through this front
    }
}
