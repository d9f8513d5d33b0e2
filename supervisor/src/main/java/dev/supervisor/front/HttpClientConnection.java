package dev.supervisor.front;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One client connection of an HTTP front. Each request is routed on its own to a backend the pool picks at that
 * moment, so a keep-alive client follows reloads; the response streams back without being aggregated. Requests on
 * one connection are served one at a time (pipelined ones wait their turn). Everything here runs on the client's
 * event loop, which is also the loop of the backend connections it uses.
 *
 * <p>No HTTP codec on either hop: heads are read strictly by {@link HttpHead} and forwarded as the bytes that arrived,
 * with hop-by-hop lines taken out and X-Forwarded-* lines spliced in ({@link ProxyHeaders}); bodies go on as slices
 * of the buffers they arrived in, framed by {@link MessageBody}. A request's path:
 * <ol>
 * <li>{@link #clientBytes}: read the head; refuse a malformed one (4xx, close);</li>
 * <li>{@link #startExchange}: note its framing, rewrite its head for the backend;</li>
 * <li>{@link #route}: pick the least busy backend, take an idle connection to it or open one;</li>
 * <li>{@link #linkReady}: send the head and the body so far; the rest of the body follows as it comes;</li>
 * <li>{@link #backendBytes}: read the response's head, rewrite it for the client, forward its body;</li>
 * <li>{@link #responseEnded}: give the backend connection back to the idle pool, take the next request.</li>
 * </ol>
 * A backend that fails before answering gets the request retried elsewhere ({@link #backendFailed}) when it can be.
 */
final class HttpClientConnection extends ChannelInboundHandlerAdapter implements MessageBody.ChunkData {
    private static final Logger LOG = LogManager.getLogger(HttpClientConnection.class);
    /** Pause between rounds when no backend is in the pool or all refused. */
    private static final long BACKEND_RETRY_PAUSE_MILLIS = 10;
    private static final String TUNNEL = "tunnel";
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private final HttpFront front;
    private Channel client;
    private String clientIp;
    private byte[] clientIpBytes;
    private IdleBackendConnections idle;
    private HttpExchange current;
    /** The head of the next request, read as its bytes come. */
    private final HttpHead requestHead = new HttpHead(true);
    private final MessageBody requestBody = new MessageBody(true);
    /** The current request's body is still being read from the client. */
    private boolean inRequestBody;
    /** Bytes of requests the client sent before the current response was done (pipelining). */
    private ByteBuf held;
    /** Inside a read from the client: backend writes are flushed once when it ends. */
    private boolean reading;
    private BackendConnection needsFlush;
    private boolean closing;
    /**
     * Within {@link #backendBytes}: where a response head that goes on unchanged starts in the buffer being read. It
     * is sent with the body after it as one slice of that buffer: no copy, one buffer to write.
     */
    private int unsentHeadFrom = -1;
    /**
     * When the connection began waiting for its next request head (nanoTime), while no exchange runs. One timer per
     * connection checks it ({@link #checkHeadDeadline}): a timestamp per request costs less than a timer per request.
     */
    private long waitingSince;

    HttpClientConnection(HttpFront front) {
        this.front = front;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        SocketAddress remote = client.remoteAddress();
        clientIp = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "unknown";
        clientIpBytes = clientIp.getBytes(StandardCharsets.US_ASCII);
        idle = front.idleConnections(client.eventLoop());
        waitingSince = System.nanoTime();
        scheduleHeadCheck(front.settings().clientHeadTimeout().toNanos());
        ctx.fireChannelActive();
    }

    private void scheduleHeadCheck(long delayNanos) {
        client.eventLoop().schedule(this::checkHeadDeadline, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Closes a connection that has waited the whole {@link FrontSettings#clientHeadTimeout} for a request head: with
     * 408 when part of a head came (a client too slow, or a slowloris), silently when it sent nothing (idle
     * keep-alive). Otherwise checks again when the current wait would end.
     */
    private void checkHeadDeadline() {
        if (closing || !client.isActive()) {
            return;
        }
        long timeout = front.settings().clientHeadTimeout().toNanos();
        boolean waiting = current == null && held == null && !inRequestBody;
        long waited = System.nanoTime() - waitingSince;
        if (!waiting || waited < timeout) {
            scheduleHeadCheck(waiting ? timeout - waited : timeout);
            return;
        }
        closing = true;
        if (requestHead.partial()) {
            LOG.debug("app {}: closed a connection from {}: no whole request head in {} ms", front.appName(), clientIp,
                    front.settings().clientHeadTimeout().toMillis());
            front.countError();
            client.writeAndFlush(ErrorResponses.of(408, "no whole request head within "
                    + front.settings().clientHeadTimeout().toSeconds() + " s", true, client.alloc()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            client.close();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (held != null) { // an earlier request still waits its turn: this comes after it
            held = ctx.alloc().compositeBuffer().addComponents(true, held, (ByteBuf) msg);
            updateReading();
        } else {
            clientBytes((ByteBuf) msg);
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

    /** Bytes from the client (owned here): the body of the current request, or the head of the next one. */
    private void clientBytes(ByteBuf in) {
        try {
            while (in.isReadable() && !closing) {
                if (inRequestBody) {
                    int size = requestBody.frame(in, null);
                    ByteBuf part = in.readRetainedSlice(size);
                    inRequestBody = !requestBody.done();
                    requestContent(part, !inRequestBody);
                } else if (current != null) { // the next request waits until this response is done
                    held = in.retain();
                    updateReading();
                    return;
                } else if (requestHead.read(in)) {
                    startExchange(requestHead);
                } else {
                    return; // the rest of the head is still to come
                }
            }
        } catch (HttpHead.Malformed malformed) {
            refuse(malformed);
        } finally {
            in.release();
        }
    }

    /** A head or body the front cannot read safely: answered (when nothing else is) and the connection closed. */
    private void refuse(HttpHead.Malformed malformed) {
        LOG.debug("app {}: refused a request from {}: {}", front.appName(), clientIp, malformed.getMessage());
        front.countError();
        closing = true;
        if (current == null || !current.responseStarted) {
            if (current != null) {
                abandonExchange(current);
            }
            client.writeAndFlush(ErrorResponses.of(malformed.status, malformed.getMessage(), true, client.alloc()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            client.close();
        }
    }

    private void startExchange(HttpHead head) {
        front.countRequest();
        if (head.chunked) {
            requestBody.chunked();
        } else {
            requestBody.length(Math.max(0, head.contentLength));
        }
        inRequestBody = !requestBody.done();
        boolean upgrade = head.upgrade >= 0 && head.connectionUpgrade;
        // 100 Continue is answered here once a backend connection is up; the backend then gets a plain request,
        // which can also be replayed to another backend.
        boolean expectContinue = head.expectContinue && inRequestBody;
        FrontSettings settings = front.settings();
        HttpExchange exchange = new HttpExchange(this, head,
                ProxyHeaders.requestHead(head, clientIpBytes, upgrade, client.alloc()), expectContinue,
                System.nanoTime() + settings.backendWait().toNanos(), settings.replayBufferBytes());
        exchange.upgrade = upgrade;
        exchange.requestComplete = !inRequestBody;
        head.reset();
        current = exchange;
        route(exchange);
    }

    /** A part of the current request's body (owned here). */
    private void requestContent(ByteBuf content, boolean last) {
        HttpExchange exchange = current;
        if (last) {
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
            respondError(exchange, none ? 503 : 502,
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
        link.write(exchange.head.retainedDuplicate()); // the original stays for a retry
        ByteBuf part;
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

    /** Bytes from the exchange's backend (owned here): the response's head, then its body, forwarded as they come. */
    void backendBytes(HttpExchange exchange, BackendConnection link, ByteBuf in) {
        try {
            if (exchange != current) {
                link.abandon();
                return;
            }
            while (in.isReadable()) {
                if (!link.inBody) {
                    if (!link.head.read(in)) {
                        return; // the rest of the head is still to come
                    }
                    if (!responseHead(exchange, link, in)) {
                        return;
                    }
                } else {
                    int size = link.body.frame(in, exchange.dechunk ? this : null);
                    if (unsentHeadFrom >= 0) { // the head as it arrived, and this much body behind it
                        client.write(in.retainedSlice(unsentHeadFrom, in.readerIndex() + size - unsentHeadFrom),
                                client.voidPromise());
                        unsentHeadFrom = -1;
                        in.skipBytes(size);
                    } else if (!exchange.dechunk) {
                        ByteBuf part = in.readRetainedSlice(size);
                        if (exchange.chunkForClient) {
                            writeChunk(part);
                        } else {
                            client.write(part, client.voidPromise());
                        }
                    } else {
                        in.skipBytes(size); // its data went out in data() as the scan found it
                    }
                    link.clientWritten(client);
                }
                if (link.inBody && link.body.done()) {
                    writeUnsentHead(in);
                    // Bytes past the response: that connection's framing can't be trusted, it closes.
                    responseEnded(exchange, link, !in.isReadable());
                    return;
                }
            }
            if (!client.isWritable() && !exchange.responseComplete) {
                link.pauseReading(); // a slow client: stop reading the backend instead of buffering its answer
            }
        } catch (HttpHead.Malformed malformed) {
            unsentHeadFrom = -1;
            backendFailed(exchange, link, malformed, false);
        } finally {
            writeUnsentHead(in); // its body comes in a later read
            in.release();
        }
    }

    private void writeUnsentHead(ByteBuf in) {
        if (unsentHeadFrom >= 0) {
            client.write(in.retainedSlice(unsentHeadFrom, in.readerIndex() - unsentHeadFrom), client.voidPromise());
            unsentHeadFrom = -1;
        }
    }

    /**
     * A head from the backend: a final response's is rewritten for the client and its body framed; a 1xx passes on
     * and the final one follows; a 101 turns both connections into a tunnel. False when nothing more is read here.
     */
    private boolean responseHead(HttpExchange exchange, BackendConnection link, ByteBuf in) {
        HttpHead head = link.head;
        int status = head.status;
        if (status == 101) {
            if (!exchange.upgrade) {
                link.abandon();
                respondError(exchange, 502, "backend switched protocols unasked");
                return false;
            }
            exchange.responseStarted = true;
            client.write(ProxyHeaders.switchHead(head, client.alloc()), client.voidPromise());
            if (in.isReadable()) { // the new protocol's first bytes, read along with the 101
                client.write(in.readRetainedSlice(in.readableBytes()), client.voidPromise());
            }
            startTunnel(exchange, link);
            return false;
        }
        if (status < 200) { // an interim answer (103 Early Hints): passed on, the final one follows
            client.write(ProxyHeaders.informationalHead(head, client.alloc()), client.voidPromise());
            link.clientWritten(client);
            head.reset();
            return true;
        }
        boolean bodyless = exchange.headRequest || status == 204 || status == 304;
        if (bodyless) {
            link.body.none();
        } else if (head.chunked) {
            link.body.chunked();
        } else if (head.contentLength >= 0) {
            link.body.length(head.contentLength);
        } else {
            link.body.untilClose();
        }
        link.keepAlive(head.keepAlive() && !link.body.isUntilClose());
        exchange.responseStarted = true;
        if (ProxyHeaders.prepareResponse(head, exchange, bodyless) && head.arrivedWhole) {
            unsentHeadFrom = in.readerIndex() - head.length; // sent with its body
        } else {
            client.write(ProxyHeaders.responseHead(head, exchange, client.alloc()), client.voidPromise());
        }
        head.reset();
        link.inBody = true;
        if (!(head.contentLength > 0 && !in.isReadable())) {
            // Unless its body is on its way (the backend knows its length): then head and body go in one packet,
            // as nginx's postpone_output does, instead of flushing the head alone.
            link.clientWritten(client);
        }
        return true;
    }

    /** Chunk data for an HTTP/1.0 client: only the data goes on (MessageBody.ChunkData). */
    @Override
    public void data(ByteBuf in, int index, int length) {
        if (length > 0) {
            client.write(in.retainedSlice(index, length), client.voidPromise());
        }
    }

    /** A part of a body the backend ends by closing, chunked for an HTTP/1.1 client. */
    private void writeChunk(ByteBuf part) {
        if (!part.isReadable()) {
            part.release();
            return;
        }
        ByteBuf size = client.alloc().directBuffer(12);
        size.writeCharSequence(Integer.toHexString(part.readableBytes()), StandardCharsets.US_ASCII);
        size.writeByte('\r').writeByte('\n');
        client.write(size, client.voidPromise());
        client.write(part, client.voidPromise());
        client.write(Unpooled.wrappedBuffer(CRLF), client.voidPromise());
    }

    /** The backend closed the connection, which is how a response without length ends. */
    void backendClosedAtEnd(HttpExchange exchange, BackendConnection link) {
        if (exchange != current || exchange.link != link) {
            return;
        }
        if (exchange.chunkForClient) {
            client.write(Unpooled.wrappedBuffer(LAST_CHUNK), client.voidPromise());
        }
        responseEnded(exchange, link, false);
        client.flush();
    }

    /** The response's last byte went to the client: the backend connection is free, the next request may start. */
    private void responseEnded(HttpExchange exchange, BackendConnection link, boolean linkReusable) {
        link.inBody = false;
        exchange.responseComplete = true;
        exchange.link = null;
        link.responseDone(exchange.requestComplete && linkReusable);
        link.clientWritten(client);
        if (exchange.closeClientAfter || !exchange.requestComplete) {
            client.write(Unpooled.EMPTY_BUFFER, client.newPromise().addListener(exchange));
        } else {
            // The connection stays open: the exchange ends now, without a promise per request. A failed write
            // closes the client (exceptionCaught), which channelInactive cleans up.
            finishExchange(exchange, false);
        }
    }

    /**
     * The backend accepted the client's upgrade (101 sent on): from now on both connections carry another protocol
     * (WebSocket). A relay first in each pipeline takes every byte. The tunnel counts as one request in flight for
     * its backend until it closes, so a drain waits for it.
     */
    private void startTunnel(HttpExchange exchange, BackendConnection link) {
        current = null;
        closing = true; // this handler sees nothing more
        exchange.releaseBuffers();
        exchange.link = null;
        BackendSlot slot = exchange.slot;
        exchange.slot = null;
        Channel backend = link.channel();
        backend.closeFuture().addListener(closed -> slot.release());
        link.becomeTunnel();
        client.pipeline().addFirst(TUNNEL, new TcpRelay(backend));
        backend.pipeline().addFirst(TUNNEL, new TcpRelay(client));
        if (held != null) { // the client spoke the new protocol before the 101 came
            backend.writeAndFlush(held, backend.voidPromise());
            held = null;
        }
        client.flush();
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
        String why = cause == null ? "closed" : cause.toString();
        if (exchange.canRetry(connectFailed)) {
            LOG.debug("app {}: retrying {} elsewhere, backend {} failed: {}", front.appName(), exchange.describe(),
                    slot, why);
            exchange.releaseSlot();
            exchange.addFailed(slot);
            exchange.rewindForRetry();
            route(exchange);
        } else if (!exchange.responseStarted) {
            LOG.info("app {}: backend {} failed during {}: {}", front.appName(), slot, exchange.describe(), why);
            respondError(exchange, 502,
                    "instance " + slot.backend().key() + " of app " + front.appName() + " failed to answer");
        } else {
            LOG.info("app {}: backend {} closed in the middle of a response to {}: {}", front.appName(), slot,
                    exchange.describe(), why);
            finishExchange(exchange, true);
        }
    }

    private void respondError(HttpExchange exchange, int status, String text) {
        if (exchange != current) {
            return;
        }
        abandonExchange(exchange);
        exchange.responseStarted = true;
        exchange.responseComplete = true;
        exchange.closeClientAfter = !exchange.requestComplete || !exchange.clientKeepAlive;
        front.countError();
        client.writeAndFlush(ErrorResponses.of(status, text, exchange.closeClientAfter, client.alloc()),
                client.newPromise().addListener(exchange));
    }

    /** Lets go of the exchange's backend: its connection is mid-message, so it closes. */
    private void abandonExchange(HttpExchange exchange) {
        if (exchange.link != null) {
            if (exchange.link.serves(exchange)) {
                exchange.link.abandon();
            }
            exchange.link = null;
        }
        exchange.releaseSlot();
    }

    /** The response's last byte reached the client's socket (or could not). */
    void responseWritten(HttpExchange exchange, boolean success) {
        if (exchange == current) {
            finishExchange(exchange, !success || exchange.closeClientAfter || !exchange.requestComplete);
        }
    }

    private void finishExchange(HttpExchange exchange, boolean closeClient) {
        current = null;
        abandonExchange(exchange);
        exchange.releaseBuffers();
        if (closeClient) {
            closing = true;
            releaseHeld();
            client.close();
            return;
        }
        waitingSince = System.nanoTime();
        ByteBuf next = held;
        if (next != null) { // the client's next request, sent early
            held = null;
            clientBytes(next);
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
        if (held != null) {
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
            abandonExchange(exchange); // its response can't be delivered, and the backend is mid-message
            exchange.releaseBuffers();
        }
        releaseHeld();
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection {} failed: {}", clientIp, cause.toString());
        ctx.close();
    }
}
