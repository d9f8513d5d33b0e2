package dev.supervisor.front;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A new client connection of a TCP front: picks a backend in turn, connects to it (trying the others when it refuses,
 * waiting a little when none is there) and then becomes a {@link TcpRelay}. The client is not read until then.
 */
final class TcpClientConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(TcpClientConnection.class);
    private static final long BACKEND_RETRY_PAUSE_MILLIS = 10;

    private final TcpFront front;
    private Channel client;
    private long deadline;
    private List<BackendSlot> failed;

    TcpClientConnection(TcpFront front) {
        this.front = front;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        front.countRequest();
        deadline = System.nanoTime() + front.settings().backendWait().toNanos();
        connectBackend();
        ctx.fireChannelActive();
    }

    private void connectBackend() {
        if (!client.isActive()) {
            return;
        }
        BackendSlot slot;
        do {
            slot = front.pool().pickRoundRobin(failed);
        } while (slot != null && !slot.tryAcquire());
        if (slot == null) {
            if (System.nanoTime() - deadline >= 0) {
                LOG.info("app {}: no backend accepted a connection from {}", front.appName(), client.remoteAddress());
                front.countError();
                client.close();
                return;
            }
            if (failed != null) {
                failed.clear();
            }
            client.eventLoop().schedule(this::connectBackend, BACKEND_RETRY_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        BackendSlot chosen = slot;
        ChannelFuture connecting = front.backendBootstrap().clone(client.eventLoop())
                .handler(new TcpRelay(client))
                .connect(chosen.backend().address());
        Channel backend = connecting.channel();
        chosen.track(backend);
        connecting.addListener(done -> {
            if (done.isSuccess()) {
                backend.closeFuture().addListener(closed -> chosen.release());
                relay(backend);
            } else {
                chosen.release();
                LOG.debug("app {}: backend {} refused a connection: {}", front.appName(), chosen, done.cause().toString());
                if (failed == null) {
                    failed = new ArrayList<>(2);
                }
                failed.add(chosen);
                connectBackend();
            }
        });
    }

    private void relay(Channel backend) {
        if (!client.isActive()) {
            backend.close();
            return;
        }
        client.pipeline().replace(this, "relay", new TcpRelay(backend));
        client.config().setAutoRead(true);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("tcp front client {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
