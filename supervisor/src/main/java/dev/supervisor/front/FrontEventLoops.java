package dev.supervisor.front;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * The Netty event loops every front of the daemon shares. The daemon's main creates one and passes it to each front;
 * a handful of threads serve all apps, since a proxy thread is busy only while bytes move.
 */
public final class FrontEventLoops implements AutoCloseable {
    public static final int DEFAULT_THREADS = 2;

    private final EventLoopGroup group;
    private final ByteBufAllocator allocator;

    public FrontEventLoops() {
        this(DEFAULT_THREADS);
    }

    public FrontEventLoops(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a front needs at least one event loop thread, not " + threads);
        }
        // Daemon threads: the supervisor's own shutdown closes this explicitly; a forgotten close must not keep the
        // JVM alive.
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("front-io", true),
                NioIoHandler.newFactory());
        allocator = new PooledByteBufAllocator(true);
    }

    public EventLoopGroup group() {
        return group;
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
