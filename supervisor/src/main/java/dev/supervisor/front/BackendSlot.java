package dev.supervisor.front;

import io.netty.channel.Channel;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend's bookkeeping inside one front: the work it has in flight (HTTP requests or TCP connections), its open
 * channels, and its drain once it leaves the pool. Touched by every event loop and by the thread removing it.
 */
final class BackendSlot {
    private final Backend backend;
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<DrainResult> drained = new CompletableFuture<>();
    private volatile boolean removed;
    private int activeAtRemoval;
    /** When it joined, and how long its share of new work grows from then (0: full at once). */
    private final long joinedNanos;
    private final long warmUpNanos;

    BackendSlot(Backend backend) {
        this(backend, 0, Duration.ZERO);
    }

    /** @param warmUp how long its share of new work ramps up from a tenth to full after {@code joinedNanos} */
    BackendSlot(Backend backend, long joinedNanos, Duration warmUp) {
        this.backend = backend;
        this.joinedNanos = joinedNanos;
        this.warmUpNanos = warmUp.toNanos();
    }

    /** It has been a member for at least {@code period}. */
    boolean settled(long nowNanos, long periodNanos) {
        return nowNanos - joinedNanos >= periodNanos;
    }

    /**
     * Its weight now, 100..1000 permille: a tenth when it joins, growing linearly to full over its warm-up (nginx's
     * slow_start). A new JVM serves its first requests interpreted and loading classes; full traffic at once makes
     * them the tail of every client's latency.
     */
    int weightPermille(long nowNanos) {
        long age = nowNanos - joinedNanos;
        if (warmUpNanos <= 0 || age >= warmUpNanos) {
            return 1000;
        }
        return (int) (100 + 900 * Math.max(0, age) / warmUpNanos);
    }

    /** How long until it has its full share of new work: 0 once it has. */
    long warmUpLeftNanos(long nowNanos) {
        return Math.max(0, warmUpNanos - Math.max(0, nowNanos - joinedNanos));
    }

    Backend backend() {
        return backend;
    }

    int active() {
        return active.get();
    }

    boolean removed() {
        return removed;
    }

    /**
     * Counts new work for this backend; false when it has just been removed. Incrementing before checking the flag
     * means the remover either sees this work in its count or this caller sees the flag: the work is never lost.
     */
    boolean tryAcquire() {
        active.incrementAndGet();
        if (removed) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (active.decrementAndGet() == 0 && removed) {
            finishDrain(false);
        }
    }

    /** Remembers a backend-side channel so that a drain timeout or the front's close can reach it. */
    void track(Channel channel) {
        channels.add(channel);
        channel.closeFuture().addListener(f -> channels.remove(channel));
    }

    Set<Channel> channels() {
        return channels;
    }

    /** Call after the slot left the pool's member list. */
    synchronized CompletableFuture<DrainResult> startDrain(Duration timeout, ScheduledExecutorService timer) {
        removed = true;
        activeAtRemoval = active.get();
        if (activeAtRemoval == 0) {
            finishDrain(false);
        } else {
            timer.schedule(() -> finishDrain(true), Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        }
        return drained;
    }

    CompletableFuture<DrainResult> drained() {
        return drained;
    }

    private synchronized void finishDrain(boolean timedOut) {
        if (!drained.isDone()) {
            drained.complete(new DrainResult(activeAtRemoval, timedOut));
        }
    }

    @Override
    public String toString() {
        return backend.toString();
    }
}
