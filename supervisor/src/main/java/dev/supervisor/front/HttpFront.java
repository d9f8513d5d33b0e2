package dev.supervisor.front;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP/1.1 reverse proxy on an app's public port. Every request goes to the least busy backend in the pool at that
 * moment; bodies stream through in both directions. A request whose backend refuses or drops it before answering is
 * sent to another backend when it can be repeated, so a reload (add the new instance, remove the old one, wait for
 * its drain) loses no request.
 */
public final class HttpFront implements Front {
    private static final Logger LOG = LogManager.getLogger(HttpFront.class);

    private final String appName;
    private final InetSocketAddress bind;
    private final FrontEventLoops loops;
    private final FrontSettings settings;
    private final BackendPool pool = new BackendPool();
    private final Map<EventLoop, IdleBackendConnections> idleByLoop = new ConcurrentHashMap<>();
    private final Set<Channel> clients = ConcurrentHashMap.newKeySet();
    private final Bootstrap backendBootstrap;
    private volatile Channel server;

    public HttpFront(String appName, InetSocketAddress bind, FrontEventLoops loops) {
        this(appName, bind, loops, FrontSettings.defaults());
    }

    public HttpFront(String appName, InetSocketAddress bind, FrontEventLoops loops, FrontSettings settings) {
        this.appName = appName;
        this.bind = bind;
        this.loops = loops;
        this.settings = settings;
        this.backendBootstrap = new Bootstrap()
                .group(loops.group())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, loops.allocator())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis());
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("the front of app " + appName + " is already started");
        }
        ServerBootstrap bootstrap = ServerBinding.serverBootstrap(loops)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        ch.closeFuture().addListener(f -> clients.remove(ch));
                        ch.pipeline().addLast(new HttpServerCodec(clientDecoderConfig()), new HttpClientConnection(HttpFront.this));
                    }
                });
        server = ServerBinding.bind(bootstrap, bind, appName);
        LOG.info("app {}: http front listening on {}", appName, address());
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
     * {@inheritDoc} The future completes off the event loops (on the common pool), once the idle connections to the
     * backend are being closed; requests still running at the timeout are left to finish or fail with the process.
     */
    @Override
    public CompletableFuture<DrainResult> removeBackend(Backend backend, Duration drainTimeout) {
        BackendSlot slot = pool.remove(backend);
        if (slot == null) {
            return BackendPool.nothingToDrain();
        }
        LOG.info("app {}: backend {} left the front, {} requests in flight", appName, backend, slot.active());
        // Async: the drain ends on an event loop, and the caller's follow-up (signal and wait for the old process)
        // must not run, let alone block, there.
        return slot.startDrain(drainTimeout, loops.group()).thenApplyAsync(result -> {
            pool.forget(slot);
            closeIdleConnections(slot);
            if (result.timedOut()) {
                LOG.warn("app {}: backend {} still had requests in flight after {} ms", appName, backend,
                        drainTimeout.toMillis());
            }
            return result;
        });
    }

    /** Requests the backend is serving now (also while it drains). */
    public int inFlight(Backend backend) {
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
        LOG.info("app {}: http front closed", appName);
    }

    private void closeIdleConnections(BackendSlot slot) {
        idleByLoop.forEach((loop, idle) -> loop.execute(() -> idle.closeAll(slot)));
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

    IdleBackendConnections idleConnections(EventLoop loop) {
        return idleByLoop.computeIfAbsent(loop, l -> new IdleBackendConnections(settings.maxIdlePerBackend(),
                settings.backendIdleTimeout().toNanos()));
    }

    /** Larger chunks than Netty's 8 KiB default: fewer messages per streamed body. */
    static HttpDecoderConfig clientDecoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(16384)
                .setMaxChunkSize(64 * 1024);
    }

    /** Backends are the supervisor's own apps: their headers are not checked character by character again. */
    static HttpDecoderConfig backendDecoderConfig() {
        return clientDecoderConfig().setValidateHeaders(false);
    }
}
