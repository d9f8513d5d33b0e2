package dev.supervisor.front;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.Errors;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** Binding a front's public port, the same way for every kind of front. */
final class ServerBinding {
    private ServerBinding() {
    }

    static ServerBootstrap serverBootstrap(FrontEventLoops loops) {
        return new ServerBootstrap()
                .group(loops.group())
                .channel(loops.serverChannel())
                // SO_REUSEADDR: a restarted daemon can rebind while old connections sit in TIME_WAIT.
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.ALLOCATOR, loops.allocator())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.ALLOCATOR, loops.allocator());
    }

    static Channel bind(ServerBootstrap bootstrap, InetSocketAddress address, String appName) {
        try {
            return bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) { // syncUninterruptibly rethrows the checked BindException undeclared
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException || isNativeAddressInUse(t)) {
                    throw new PortInUseException("port " + address.getPort() + " on " + address.getHostString()
                            + " is already in use (app " + appName + "'s front)", e);
                }
            }
            throw e;
        }
    }

    /** The epoll transport reports EADDRINUSE (98) as its own IOException, not as a BindException. */
    private static boolean isNativeAddressInUse(Throwable t) {
        return t instanceof Errors.NativeIoException n && Math.abs(n.expectedErr()) == EADDRINUSE;
    }

    private static final int EADDRINUSE = 98;

    /**
     * Closes the listening socket and returns once the port is free. The JDK defers closing a socket registered with
     * a selector until the selector next runs; a task scheduled after the close runs only after that.
     */
    static void unbind(Channel server) {
        server.close().syncUninterruptibly();
        server.eventLoop().schedule(() -> { }, 1, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
