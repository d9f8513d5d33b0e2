package dev.supervisor.daemon;

import dev.supervisor.front.FrontEventLoops;

import java.util.function.Supplier;

/**
 * The fronts' shared event loops, made when the first front starts: a daemon whose apps have no front never loads
 * Netty (its ~230 classes, the native epoll library and the pooled allocator's arenas, ~2 MiB of an idle daemon).
 * The daemon's main owns this holder and closes it; once closed it makes no loops, so a front that starts during
 * the shutdown is refused instead of leaving threads behind.
 */
final class FrontLoopsOnDemand implements Supplier<FrontEventLoops>, AutoCloseable {
    private final Supplier<FrontEventLoops> factory;
    private FrontEventLoops loops;
    private boolean closed;

    FrontLoopsOnDemand(Supplier<FrontEventLoops> factory) {
        this.factory = factory;
    }

    /**
     * The loops, made on the first call. The lock is held while they are made (class loading and the native
     * library, once, no thread started: Netty starts a loop's thread on its first task) so that two fronts starting
     * together share one group.
     * @throws IllegalStateException once closed
     */
    @Override
    public synchronized FrontEventLoops get() {
        if (closed) {
            throw new IllegalStateException("the daemon is shutting down: no new front");
        }
        if (loops == null) {
            loops = factory.get();
        }
        return loops;
    }

    /** Whether a front has made the loops (for tests and the architecture's claim that idle means no Netty). */
    synchronized boolean made() {
        return loops != null;
    }

    @Override
    public void close() {
        FrontEventLoops l;
        synchronized (this) {
            closed = true;
            l = loops;
        }
        if (l != null) {
            l.close(); // waits for the loops outside the lock
        }
    }
}
