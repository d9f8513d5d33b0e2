package dev.supervisor.front;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of an HTTP front. Each request is routed on its own to a backend the pool picks at that
 * moment, so a keep-alive client follows reloads; the response streams back without being aggregated. Requests on
 * one connection are served one at a time (pipelined ones wait their turn). Everything here runs on the client's
 * event loop, which is also the loop of the backend connections it uses.
 */
final class HttpClientConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(HttpClientConnection.class);
    /** Pause between rounds when no backend is in the pool or all refused. */
    private static final long BACKEND_RETRY_PAUSE_MILLIS = 10;
    private static final String TUNNEL = "tunnel";

    private final HttpFront front;
    private Channel client;
    private String clientIp;
    private IdleBackendConnections idle;
    private HttpExchange current;
    /** Requests the client sent before the current response was done. */
    private ArrayDeque<Object> pipelined;
    /** Inside a read from the client: backend writes are flushed once when it ends. */
    private boolean reading;
    private BackendConnection needsFlush;
    private boolean closing;

    HttpClientConnection(HttpFront front) {
        this.front = front;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        SocketAddress remote = client.remoteAddress();
        clientIp = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "unknown";
        idle = front.idleConnections(client.eventLoop());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if ((pipelined != null && !pipelined.isEmpty()) || (current != null && current.requestComplete)) {
            if (pipelined == null) {
                pipelined = new ArrayDeque<>(4);
            }
            pipelined.add(msg);
            updateReading();
        } else {
            dispatch(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        reading = false;
        BackendConnection link = needsFlush;
        if (link != null) {
            needsFlush = null;
            link.flush();
        }
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            startExchange(request);
        } else if (msg instanceof HttpContent content) {
            requestContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void startExchange(HttpRequest request) {
        front.countRequest();
        if (current != null || request.decoderResult().isFailure()) {
            front.countError();
            ReferenceCountUtil.release(request);
            closing = true;
            client.writeAndFlush(ErrorResponses.of(HttpResponseStatus.BAD_REQUEST, "bad request", true, client.alloc()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String upgradeTo = request.headers().get(HttpHeaderNames.UPGRADE);
        boolean upgrade = upgradeTo != null
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        // 100 Continue is answered here once a backend connection is up; the backend then gets a plain request,
        // which can also be replayed to another backend.
        boolean expectContinue = HttpUtil.is100ContinueExpected(request);
        if (expectContinue) {
            request.headers().remove(HttpHeaderNames.EXPECT);
        }
        FrontSettings settings = front.settings();
        HttpExchange exchange = new HttpExchange(this, request, keepAlive, expectContinue,
                System.nanoTime() + settings.backendWait().toNanos(), settings.replayBufferBytes());
        ProxyHeaders.prepareRequest(request, clientIp);
        if (upgrade) {
            ProxyHeaders.keepUpgrade(request, upgradeTo);
            exchange.upgrade = true;
        }
        current = exchange;
        route(exchange);
    }

    private void requestContent(HttpContent content) {
        HttpExchange exchange = current;
        if (exchange == null || exchange.requestComplete) { // rest of a request that was already answered
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            LOG.debug("bad request body from {}: {}", clientIp, content.decoderResult().cause().toString());
            client.close();
            return;
        }
        if (content instanceof LastHttpContent) {
            exchange.requestComplete = true;
        }
        if (exchange.responseComplete) { // the backend answered before reading it all
            content.release();
            return;
        }
        exchange.keepForReplay(content);
        BackendConnection link = exchange.link;
        if (link != null && link.serves(exchange) && link.isConnected()) {
            link.write(content);
            flushSoon(link);
        } else {
            exchange.queueUnsent(content);
        }
        updateReading();
    }

    /** Picks a backend for the exchange and gives it a connection, reusing an idle one when there is one. */
    private void route(HttpExchange exchange) {
        if (exchange != current) {
            return;
        }
        while (true) {
            BackendSlot slot = front.pool().pickLeastBusy(exchange.failed);
            if (slot == null) {
                awaitBackend(exchange);
                return;
            }
            if (!slot.tryAcquire()) { // removed between the pick and now; the member list no longer has it
                continue;
            }
            exchange.slot = slot;
            BackendConnection link = idle.take(slot);
            if (link == null) {
                link = BackendConnection.open(front, slot, client.eventLoop(), idle);
            }
            exchange.link = link;
            link.assign(exchange);
            updateReading();
            return;
        }
    }

    /** No backend to try right now: during a reload one is about to be added or to accept, so wait a little. */
    private void awaitBackend(HttpExchange exchange) {
        if (System.nanoTime() - exchange.backendDeadline >= 0) {
            boolean none = front.pool().members().isEmpty();
            respondError(exchange, none ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.BAD_GATEWAY,
                    none ? "no instance of app " + front.appName() + " is running"
                            : "no instance of app " + front.appName() + " accepted the request");
            return;
        }
        if (exchange.failed != null) {
            exchange.failed.clear(); // every backend failed once: after the pause, all may be tried again
        }
        client.eventLoop().schedule(() -> route(exchange), BACKEND_RETRY_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        updateReading();
    }

    /** The exchange's backend connection is up: send the request and whatever body has arrived. */
    void linkReady(HttpExchange exchange, BackendConnection link) {
        if (exchange != current || !link.serves(exchange)) {
            return;
        }
        if (exchange.expectContinue && !exchange.continueSent && !exchange.requestComplete) {
            exchange.continueSent = true;
            client.writeAndFlush(ErrorResponses.continue100(), client.voidPromise());
        }
        link.write(exchange.head);
        HttpContent part;
        while ((part = exchange.pollUnsent()) != null) {
            link.write(part);
        }
        flushSoon(link);
        updateReading();
    }

    private void flushSoon(BackendConnection link) {
        if (!reading) {
            link.flush();
            return;
        }
        if (needsFlush != null && needsFlush != link) {
            needsFlush.flush();
        }
        needsFlush = link;
    }

    /** A message of the backend's response: forward it to the client as it comes. */
    void backendMessage(HttpExchange exchange, BackendConnection link, HttpObject msg) {
        if (exchange != current) {
            ReferenceCountUtil.release(msg);
            link.abandon();
            return;
        }
        if (msg.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            backendFailed(exchange, link, msg.decoderResult().cause(), false);
            return;
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                if (!exchange.upgrade) {
                    ReferenceCountUtil.release(msg);
                    link.abandon();
                    respondError(exchange, HttpResponseStatus.BAD_GATEWAY, "backend switched protocols unasked");
                    return;
                }
                exchange.switching = true;
                ProxyHeaders.prepareSwitch(response);
            } else if (code < 200) {
                exchange.informational = true;
                ProxyHeaders.prepareInformational(response);
            } else {
                link.keepAlive(HttpUtil.isKeepAlive(response));
                exchange.closeClientAfter = ProxyHeaders.prepareResponse(response, exchange);
            }
            exchange.responseStarted = true;
            client.write(response, client.voidPromise());
            if (!(msg instanceof HttpContent) && code >= 200 && HttpUtil.getContentLength(response, 0L) > 0) {
                // Its body is on its way (the backend knows its length): send head and body in one packet, as
                // nginx's postpone_output does, instead of flushing the head alone.
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            if (!(content instanceof LastHttpContent)) {
                client.write(content, client.voidPromise());
            } else if (exchange.switching) {
                client.write(content, client.voidPromise());
                startTunnel(exchange, link);
                return;
            } else if (exchange.informational) {
                exchange.informational = false;
                client.write(content, client.voidPromise());
            } else {
                exchange.responseComplete = true;
                exchange.link = null;
                link.responseDone(exchange.requestComplete);
                if (exchange.closeClientAfter || !exchange.requestComplete) {
                    client.write(content, client.newPromise().addListener(exchange));
                } else {
                    // The connection stays open: the exchange ends now, without a promise per request. A failed
                    // write closes the client (exceptionCaught), which channelInactive cleans up.
                    client.write(content, client.voidPromise());
                    finishExchange(exchange, false);
                }
            }
        }
        link.clientWritten(client);
        if (!client.isWritable() && !exchange.responseComplete) {
            link.pauseReading(); // a slow client: stop reading the backend instead of buffering its answer
        }
    }

    /**
     * The backend accepted the client's upgrade (101 sent on): from now on both connections carry another protocol
     * (WebSocket). A relay first in each pipeline takes every byte past the HTTP codecs. The tunnel counts as one
     * request in flight for its backend until it closes, so a drain waits for it.
     */
    private void startTunnel(HttpExchange exchange, BackendConnection link) {
        current = null;
        closing = true; // this handler sees nothing more
        releasePipelined();
        exchange.releaseBuffers();
        exchange.link = null;
        BackendSlot slot = exchange.slot;
        exchange.slot = null;
        Channel backend = link.channel();
        backend.closeFuture().addListener(closed -> slot.release());
        TcpRelay toBackend = new TcpRelay(backend);
        TcpRelay toClient = new TcpRelay(client);
        client.pipeline().addFirst(TUNNEL, toBackend);
        backend.pipeline().addFirst(TUNNEL, toClient);
        ChannelHandlerContext clientEntry = client.pipeline().context(TUNNEL);
        toBackend.writeThrough(backend.pipeline().context(TUNNEL));
        toClient.writeThrough(clientEntry);
        link.becomeTunnel(client, clientEntry);
        link.resumeReading();
        client.config().setAutoRead(true);
        LOG.debug("app {}: {} switched protocols with backend {}", front.appName(), clientIp, slot);
    }

    /**
     * The exchange's backend connection failed or closed before the response ended. Retry on another backend when
     * the request can be repeated; otherwise answer 502, or cut the client off if its response had already begun.
     */
    void backendFailed(HttpExchange exchange, BackendConnection link, Throwable cause, boolean connectFailed) {
        if (exchange != current || exchange.link != link) {
            return;
        }
        link.abandon();
        exchange.link = null;
        BackendSlot slot = exchange.slot;
        if (exchange.canRetry(connectFailed)) {
            LOG.debug("app {}: retrying {} {} elsewhere, backend {} failed: {}", front.appName(),
                    exchange.head.method(), exchange.head.uri(), slot, cause == null ? "closed" : cause.toString());
            exchange.releaseSlot();
            exchange.addFailed(slot);
            exchange.rewindForRetry();
            route(exchange);
        } else if (!exchange.responseStarted) {
            LOG.info("app {}: backend {} failed during {} {}: {}", front.appName(), slot, exchange.head.method(),
                    exchange.head.uri(), cause == null ? "closed" : cause.toString());
            respondError(exchange, HttpResponseStatus.BAD_GATEWAY,
                    "instance " + slot.backend().key() + " of app " + front.appName() + " failed to answer");
        } else {
            LOG.info("app {}: backend {} closed in the middle of a response to {} {}", front.appName(), slot,
                    exchange.head.method(), exchange.head.uri());
            finishExchange(exchange, true);
        }
    }

    private void respondError(HttpExchange exchange, HttpResponseStatus status, String text) {
        if (exchange != current) {
            return;
        }
        if (exchange.link != null) {
            if (exchange.link.serves(exchange)) {
                exchange.link.abandon();
            }
            exchange.link = null;
        }
        exchange.releaseSlot();
        exchange.responseStarted = true;
        exchange.responseComplete = true;
        exchange.closeClientAfter = !exchange.requestComplete || !exchange.clientKeepAlive;
        front.countError();
        client.writeAndFlush(ErrorResponses.of(status, text, exchange.closeClientAfter, client.alloc()),
                client.newPromise().addListener(exchange));
    }

    /** The response's last byte reached the client's socket (or could not). */
    void responseWritten(HttpExchange exchange, boolean success) {
        if (exchange == current) {
            finishExchange(exchange, !success || exchange.closeClientAfter || !exchange.requestComplete);
        }
    }

    private void finishExchange(HttpExchange exchange, boolean closeClient) {
        current = null;
        exchange.releaseSlot();
        exchange.releaseBuffers();
        if (exchange.link != null) {
            if (exchange.link.serves(exchange)) {
                exchange.link.abandon();
            }
            exchange.link = null;
        }
        if (closeClient) {
            closing = true;
            releasePipelined();
            client.close();
            return;
        }
        while (pipelined != null && !pipelined.isEmpty() && !closing
                && (current == null || !current.requestComplete)) {
            dispatch(pipelined.poll());
        }
        updateReading();
    }

    /**
     * Reads from the client only when its data has somewhere to go: not while a pipelined request waits, nor while
     * the request body's backend connection is not up or is full.
     */
    void updateReading() {
        if (client == null || closing) {
            return;
        }
        HttpExchange exchange = current;
        boolean read;
        if (pipelined != null && !pipelined.isEmpty()) {
            read = false;
        } else if (exchange == null || exchange.requestComplete || exchange.responseComplete) {
            read = true;
        } else {
            BackendConnection link = exchange.link;
            read = link != null && link.serves(exchange) && link.isConnected() && link.isWritable();
        }
        if (client.config().isAutoRead() != read) {
            client.config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        HttpExchange exchange = current;
        if (client.isWritable() && exchange != null && exchange.link != null && exchange.link.serves(exchange)) {
            exchange.link.resumeReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        HttpExchange exchange = current;
        current = null;
        if (exchange != null) {
            if (exchange.link != null && exchange.link.serves(exchange)) {
                exchange.link.abandon(); // its response can't be delivered, and the connection is mid-message
            }
            exchange.link = null;
            exchange.releaseSlot();
            exchange.releaseBuffers();
        }
        releasePipelined();
        ctx.fireChannelInactive();
    }

    private void releasePipelined() {
        if (pipelined != null) {
            Object msg;
            while ((msg = pipelined.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection {} failed: {}", clientIp, cause.toString());
        ctx.close();
    }
}
