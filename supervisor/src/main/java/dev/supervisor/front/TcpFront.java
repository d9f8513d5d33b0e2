package dev.supervisor.front;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Balances whole TCP connections over an app's instances, for protocols other than HTTP. Each new connection goes to
 * the next backend in turn and stays there; removing a backend lets its connections finish (up to the drain timeout,
 * then they are closed).
 */
public final class TcpFront implements Front {
    private static final Logger LOG = LogManager.getLogger(TcpFront.class);

    private final String appName;
    private final InetSocketAddress bind;
    private final FrontEventLoops loops;
    private final FrontSettings settings;
    private final BackendPool pool = new BackendPool();
    private final Set<Channel> clients = ConcurrentHashMap.newKeySet();
    private final Bootstrap backendBootstrap;
    private volatile Channel server;

    public TcpFront(String appName, InetSocketAddress bind, FrontEventLoops loops) {
        this(appName, bind, loops, FrontSettings.defaults());
    }

    public TcpFront(String appName, InetSocketAddress bind, FrontEventLoops loops, FrontSettings settings) {
        this.appName = appName;
        this.bind = bind;
        this.loops = loops;
        this.settings = settings;
        this.backendBootstrap = new Bootstrap()
                .group(loops.group())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.ALLOCATOR, loops.allocator())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis());
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("the front of app " + appName + " is already started");
        }
        ServerBootstrap bootstrap = ServerBinding.serverBootstrap(loops)
                // Not read until its backend connection is up: nowhere to put the bytes before.
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        ch.closeFuture().addListener(f -> clients.remove(ch));
                        ch.pipeline().addLast(new TcpClientConnection(TcpFront.this));
                    }
                });
        server = ServerBinding.bind(bootstrap, bind, appName);
        LOG.info("app {}: tcp front listening on {}", appName, address());
    }

    @Override
    public InetSocketAddress address() {
        Channel current = server;
        return current == null ? bind : (InetSocketAddress) current.localAddress();
    }

    @Override
    public void addBackend(Backend backend) {
        if (pool.add(backend)) {
            LOG.info("app {}: backend {} joined the front", appName, backend);
        }
    }

    /**
     * {@inheritDoc} The future completes off the event loops (on the common pool); connections still open at the
     * timeout are closed.
     */
    @Override
    public CompletableFuture<DrainResult> removeBackend(Backend backend, Duration drainTimeout) {
        BackendSlot slot = pool.remove(backend);
        if (slot == null) {
            return BackendPool.nothingToDrain();
        }
        LOG.info("app {}: backend {} left the front, {} connections open", appName, backend, slot.active());
        // Async: the drain ends on an event loop, and the caller's follow-up (signal and wait for the old process)
        // must not run, let alone block, there.
        return slot.startDrain(drainTimeout, loops.group()).thenApplyAsync(result -> {
            pool.forget(slot);
            if (result.timedOut()) {
                LOG.warn("app {}: closing the connections to backend {} still open after {} ms", appName, backend,
                        drainTimeout.toMillis());
                for (Channel channel : slot.channels()) {
                    channel.close();
                }
            }
            return result;
        });
    }

    /** Connections open to the backend now (also while it drains). */
    public int openConnections(Backend backend) {
        return pool.active(backend);
    }

    @Override
    public List<Backend> backends() {
        return pool.backends();
    }

    @Override
    public void close() {
        Channel current = server;
        if (current != null) {
            ServerBinding.unbind(current);
        }
        for (Channel client : clients) {
            client.close();
        }
        for (BackendSlot slot : pool.allTracked()) {
            for (Channel channel : slot.channels()) {
                channel.close();
            }
        }
        LOG.info("app {}: tcp front closed", appName);
    }

    String appName() {
        return appName;
    }

    FrontSettings settings() {
        return settings;
    }

    BackendPool pool() {
        return pool;
    }

    Bootstrap backendBootstrap() {
        return backendBootstrap;
    }
}
