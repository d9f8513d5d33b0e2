package dev.supervisor.front;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.concurrent.TimeUnit;

/**
 * The Netty event loops every front of the daemon shares. The daemon's main creates one and passes it to each front;
 * a handful of threads serve all apps, since a proxy thread is busy only while bytes move.
 *
 * <p>Netty's native epoll transport when its library loads (Linux x86_64): fewer syscalls and less garbage per
 * proxied request than the JDK's selector; NIO otherwise, or with {@code -Dsupervisor.front.transport=nio}.
 */
public final class FrontEventLoops implements AutoCloseable {
    /**
     * Half the cores, at least one: the front shares the machine with its backends (and, here, the load generator).
     * Measured on 2 cores (docs/BENCHMARKS.md, h13-front): one loop's p99 was below two loops' in three of four
     * interleaved runs (4.4 against 9.2 ms in the clearest). One thread moves ~50k req/s here; two loops on two cores
     * add a wake-up per event to a core that is already busy, and the tail is their wait for it. The price, measured
     * on a quiet, faster machine (2026-12-02): the backends spent ~3 us more CPU per request behind one loop (why is
     * not known), so throughput was 0.86x nginx's with one loop and 1.00x with two, whose p99 had spikes.
     */
    public static final int DEFAULT_THREADS = defaultThreads(Runtime.getRuntime().availableProcessors(),
            System.getProperty("supervisor.front.threads"));
    private static final Logger LOG = LogManager.getLogger(FrontEventLoops.class);

    private final EventLoopGroup group;
    private final ByteBufAllocator allocator;
    private final boolean epoll;

    /** {@link #DEFAULT_THREADS} event loops ({@code -Dsupervisor.front.threads=N} sets another count). */
    public FrontEventLoops() {
        this(DEFAULT_THREADS);
    }

    /** Half the cores, at least one; {@code property} (when set) instead. */
    static int defaultThreads(int cores, String property) {
        if (property != null && !property.isBlank()) {
            try {
                return Integer.parseInt(property.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("supervisor.front.threads must be a whole number of event loop "
                        + "threads, not '" + property + "'", e);
            }
        }
        return Math.max(1, cores / 2);
    }

    public FrontEventLoops(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a front needs at least one event loop thread, not " + threads);
        }
        // Daemon threads: the supervisor's own shutdown closes this explicitly; a forgotten close must not keep the
        // JVM alive.
        epoll = !"nio".equals(System.getProperty("supervisor.front.transport")) && Epoll.isAvailable();
        if (!epoll && !"nio".equals(System.getProperty("supervisor.front.transport"))) {
            LOG.info("fronts use NIO: Netty's native epoll is unavailable ({})", String.valueOf(Epoll.unavailabilityCause()));
        }
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("front-io", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        // Measured against Netty's adaptive and unpooled allocators (docs/BENCHMARKS.md, h13-front): same p99,
        // 10 % less throughput.
        allocator = new PooledByteBufAllocator(true);
    }

    public EventLoopGroup group() {
        return group;
    }

    /** The listening socket's channel class for this transport. */
    public Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The outgoing (backend) connection's channel class for this transport. */
    public Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public String transport() {
        return epoll ? "epoll" : "nio";
    }

    /** Pooled direct buffers: socket reads and writes then need no copy and no per-request garbage. */
    public ByteBufAllocator allocator() {
        return allocator;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
