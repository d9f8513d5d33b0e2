package dev.supervisor.front;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A keep-alive HTTP connection from the front to one backend, on one event loop. It serves one exchange at a time
 * and, between exchanges, waits in that loop's {@link IdleBackendConnections}. No HTTP codec: requests go out as the
 * bytes the client connection prepared, and the bytes that come back go to the exchange's client connection, which
 * reads the response's head and body with this connection's {@link #head} and {@link #body}.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(BackendConnection.class);

    final BackendSlot slot;
    private final IdleBackendConnections idlePool;
    private Channel channel;
    private boolean connected;
    /** The backend did not say Connection: close. */
    private boolean keepAlive = true;
    private HttpExchange exchange;
    /** This read wrote to the client: flush it once the read is over, not per message. */
    private Channel clientToFlush;
    /** The head of the response being read, then its body's framing. */
    final HttpHead head = new HttpHead(false);
    final MessageBody body = new MessageBody(false);
    /** The response's head is done; its body is being read. */
    boolean inBody;
    boolean idle;
    long idleSince;

    private BackendConnection(BackendSlot slot, IdleBackendConnections idlePool) {
        this.slot = slot;
        this.idlePool = idlePool;
    }

    /** Starts connecting on the given loop (the client's, so both ends of an exchange share one thread). */
    static BackendConnection open(HttpFront front, BackendSlot slot, EventLoop loop, IdleBackendConnections idle) {
        BackendConnection connection = new BackendConnection(slot, idle);
        ChannelFuture connecting = front.backendBootstrap().clone(loop)
                .handler(connection)
                .connect(slot.backend().address());
        connection.channel = connecting.channel();
        slot.track(connection.channel);
        connecting.addListener((ChannelFutureListener) connection::connectDone);
        return connection;
    }

    Channel channel() {
        return channel;
    }

    boolean isConnected() {
        return connected;
    }

    boolean serves(HttpExchange candidate) {
        return exchange == candidate;
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    /** Hands this connection an exchange; its request goes out as soon as the connection is up. */
    void assign(HttpExchange next) {
        exchange = next;
        head.reset();
        inBody = false;
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
        if (connected) {
            next.owner.linkReady(next, this);
        }
    }

    /** Drops the exchange without finishing it: the connection's state is unknown, so it closes. */
    void abandon() {
        exchange = null;
        channel.close();
    }

    void write(ByteBuf message) {
        channel.write(message, channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    void pauseReading() {
        channel.config().setAutoRead(false);
    }

    void resumeReading() {
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }

    void clientWritten(Channel client) {
        clientToFlush = client;
    }

    /**
     * The backend sent the end of its response. The connection serves the next exchange if the backend keeps it
     * open, the request went out whole and the backend is still in the pool; otherwise it closes.
     */
    void responseDone(boolean requestComplete) {
        exchange = null;
        if (keepAlive && requestComplete && !slot.removed() && channel.isActive() && idlePool.offer(this)) {
            resumeReading(); // idle connections must read, to notice the backend closing them
            return;
        }
        channel.close();
    }

    /** The connection now carries another protocol (a relay first in its pipeline); it is never reused for HTTP. */
    void becomeTunnel() {
        exchange = null;
    }

    void keepAlive(boolean value) {
        keepAlive = value;
    }

    void close() {
        channel.close();
    }

    private void connectDone(ChannelFuture future) {
        if (future.isSuccess()) {
            connected = true;
            if (exchange != null) {
                exchange.owner.linkReady(exchange, this);
            } else if (slot.removed() || !idlePool.offer(this)) { // its exchange went away while connecting
                channel.close();
            }
            return;
        }
        channel.close();
        HttpExchange failed = exchange;
        exchange = null;
        if (failed != null) {
            failed.owner.backendFailed(failed, this, future.cause(), true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        HttpExchange current = exchange;
        if (current == null) { // bytes nobody asked for: the connection's framing can't be trusted any more
            ReferenceCountUtil.release(msg);
            channel.close();
            return;
        }
        current.owner.backendBytes(current, this, (ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel client = clientToFlush;
        if (client != null) {
            clientToFlush = null;
            client.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        HttpExchange current = exchange;
        if (current != null) {
            current.owner.updateReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connected = false;
        if (idle) {
            idlePool.remove(this);
        }
        HttpExchange current = exchange;
        exchange = null;
        if (current != null && inBody && body.isUntilClose()) {
            current.owner.backendClosedAtEnd(current, this); // the close is how that response ends
        } else if (current != null) {
            current.owner.backendFailed(current, this, null, false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection to backend {} failed: {}", slot, cause.toString());
        ctx.close();
    }
}
