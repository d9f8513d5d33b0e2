package dev.supervisor.front;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Balances whole TCP connections over an app's instances, for protocols other than HTTP. Each new connection goes to
 * the next backend in turn and stays there; removing a backend lets its connections finish (up to the drain timeout,
 * then they are closed).
 */
public final class TcpFront extends PooledFront {
    private static final Logger LOG = LogManager.getLogger(TcpFront.class);

    public TcpFront(String appName, InetSocketAddress bind, FrontEventLoops loops) {
        this(appName, bind, loops, FrontSettings.defaults());
    }

    public TcpFront(String appName, InetSocketAddress bind, FrontEventLoops loops, FrontSettings settings) {
        super(appName, bind, loops, settings, "tcp");
    }

    @Override
    Bootstrap configureBackends(Bootstrap bootstrap) {
        return bootstrap.option(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    @Override
    ServerBootstrap configureClients(ServerBootstrap bootstrap) {
        // Not read until its backend connection is up: nowhere to put the bytes before.
        return bootstrap.childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }

    @Override
    void initClient(SocketChannel channel) {
        channel.pipeline().addLast(new TcpClientConnection(this));
    }

    /** Connections still open at the drain timeout are closed. */
    @Override
    void drained(BackendSlot slot, DrainResult result, Duration drainTimeout) {
        if (result.timedOut()) {
            LOG.warn("app {}: closing the connections to backend {} still open after {} ms", appName(), slot.backend(),
                    drainTimeout.toMillis());
            for (Channel channel : slot.channels()) {
                channel.close();
            }
        }
    }

    @Override
    String workInProgress() {
        return "connections open";
    }

    /** Connections open to the backend now (also while it drains). */
    public int openConnections(Backend backend) {
        return pool().active(backend);
    }
}
