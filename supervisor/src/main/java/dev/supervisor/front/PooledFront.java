package dev.supervisor.front;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the HTTP and TCP fronts share: the public port, the pool of backends with their drain bookkeeping, the
 * client connections and the bootstrap for backend connections. Subclasses say how a client connection is
 * handled and what is left to do once a backend has drained.
 */
abstract class PooledFront implements Front {
    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final FrontCounters counters = new FrontCounters() {
        @Override public long requests() { return requests.sum(); }
        @Override public long errors() { return errors.sum(); }
        @Override public int inFlight() { return pool().allTracked().stream().mapToInt(BackendSlot::active).sum(); }
    };
    private static final Logger LOG = LogManager.getLogger(PooledFront.class);

    private final String appName;
    private final InetSocketAddress bind;
    private final FrontEventLoops loops;
    private final FrontSettings settings;
    private final String protocol;
    private final BackendPool pool;
    private final Set<Channel> clients = ConcurrentHashMap.newKeySet();
    private final Bootstrap backendBootstrap;
    private volatile Channel server;

    PooledFront(String appName, InetSocketAddress bind, FrontEventLoops loops, FrontSettings settings, String protocol) {
        this(appName, bind, loops, settings, protocol, System::nanoTime);
    }

    /** @param clock System.nanoTime, or a test's (the pool's warm-ups run on it) */
    PooledFront(String appName, InetSocketAddress bind, FrontEventLoops loops, FrontSettings settings, String protocol,
                LongSupplier clock) {
        this.appName = appName;
        this.bind = bind;
        this.loops = loops;
        this.settings = settings;
        this.protocol = protocol;
        this.pool = new BackendPool(settings.warmUp(), clock);
        this.backendBootstrap = configureBackends(new Bootstrap()
                .group(loops.group())
                .channel(loops.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.ALLOCATOR, loops.allocator())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis()));
    }

    /** Protocol-specific options for connections to backends. */
    Bootstrap configureBackends(Bootstrap bootstrap) {
        return bootstrap;
    }

    /** Protocol-specific options for accepted client connections. */
    ServerBootstrap configureClients(ServerBootstrap bootstrap) {
        return bootstrap;
    }

    /** Adds the handlers of one accepted client connection. */
    abstract void initClient(SocketChannel channel);

    /** Runs once a removed backend has drained (or its drain timed out), off the event loops. */
    abstract void drained(BackendSlot slot, DrainResult result, Duration drainTimeout);

    /** "requests in flight" or "connections open", for log lines. */
    abstract String workInProgress();

    @Override
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException("the front of app " + appName + " is already started");
        }
        ServerBootstrap bootstrap = configureClients(ServerBinding.serverBootstrap(loops))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        ch.closeFuture().addListener(f -> clients.remove(ch));
                        initClient(ch);
                    }
                });
        server = ServerBinding.bind(bootstrap, bind, appName);
        LOG.info("app {}: {} front listening on {}", appName, protocol, address());
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

    @Override
    public CompletableFuture<Void> warmedUp(Backend backend) {
        long left = pool.warmUpLeftNanos(backend);
        if (left <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> warmed = new CompletableFuture<>();
        loops.group().schedule(() -> warmed.complete(null), left, TimeUnit.NANOSECONDS);
        return warmed;
    }

    @Override
    public CompletableFuture<DrainResult> removeBackend(Backend backend, Duration drainTimeout) {
        BackendSlot slot = pool.remove(backend);
        if (slot == null) {
            return BackendPool.nothingToDrain();
        }
        LOG.info("app {}: backend {} left the front, {} {}", appName, backend, slot.active(), workInProgress());
        // Async: the drain ends on an event loop, and the caller's follow-up (signal and wait for the old process)
        // must not run, let alone block, there.
        return slot.startDrain(drainTimeout, loops.group()).thenApplyAsync(result -> {
            pool.forget(slot);
            drained(slot, result, drainTimeout);
            return result;
        });
    }

    @Override
    public FrontCounters counters() {
        return counters;
    }

    void countRequest() {
        requests.increment();
    }

    void countError() {
        errors.increment();
    }

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
        LOG.info("app {}: {} front closed", appName, protocol);
    }

    String appName() {
        return appName;
    }

    FrontSettings settings() {
        return settings;
    }

    FrontEventLoops loops() {
        return loops;
    }

    BackendPool pool() {
        return pool;
    }

    Bootstrap backendBootstrap() {
        return backendBootstrap;
    }
}
