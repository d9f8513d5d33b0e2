package dev.supervisor.front;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A keep-alive HTTP connection from the front to one backend, on one event loop. It serves one exchange at a time
 * and, between exchanges, waits in that loop's {@link IdleBackendConnections}.
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
    /** After a 101: bytes the codec still hands up go straight to the client, past its HTTP codec. */
    private ChannelOutboundInvoker tunnelToClient;
    boolean idle;
    long idleSince;

    private BackendConnection(BackendSlot slot, IdleBackendConnections idlePool) {
        this.slot = slot;
        this.idlePool = idlePool;
    }

    /** Starts connecting on the given loop (the client's, so both ends of an exchange share one thread). */
    static BackendConnection open(HttpFront front, BackendSlot slot, EventLoop loop, IdleBackendConnections idle) {
        BackendConnection connection = new BackendConnection(slot, idle);
        HttpDecoderConfig decoderConfig = HttpFront.backendDecoderConfig();
        ChannelFuture connecting = front.backendBootstrap().clone(loop)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(decoderConfig, false, false), connection);
                    }
                })
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

    void write(Object message) {
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

    /** The connection now carries another protocol; it is never reused for HTTP. */
    void becomeTunnel(Channel client, ChannelOutboundInvoker toClient) {
        exchange = null;
        clientToFlush = client;
        tunnelToClient = toClient;
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
        if (tunnelToClient != null) { // left over in the HTTP decoder when the protocol switched
            tunnelToClient.write(msg, tunnelToClient.voidPromise());
            return;
        }
        HttpExchange current = exchange;
        if (current == null) { // bytes nobody asked for: the connection's framing can't be trusted any more
            ReferenceCountUtil.release(msg);
            channel.close();
            return;
        }
        current.owner.backendMessage(current, this, (HttpObject) msg);
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
        if (current != null) {
            current.owner.backendFailed(current, this, null, false);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection to backend {} failed: {}", slot, cause.toString());
        ctx.close();
    }
}
