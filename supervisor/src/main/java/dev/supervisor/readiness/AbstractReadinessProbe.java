package dev.supervisor.readiness;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The plumbing every probe shares: the await future, the timeout (a timeout is never success), failing fast when
 * the process exits first, and cleanup. A subclass only says when to start looking ({@link #startWatching}),
 * calls {@link #markReady()} when it sees readiness, and stops in {@link #stopWatching()}.
 *
 * <p>Readiness seen before {@code await} (an early stdout line) is remembered. Timers and polling run on the
 * {@link ScheduledExecutorService} passed in, shared by all probes of the daemon.
 */
public abstract class AbstractReadinessProbe implements ReadinessProbe {
    protected final ScheduledExecutorService scheduler;
    private final CompletableFuture<Void> readySignal = new CompletableFuture<>();
    private final CompletableFuture<Duration> result = new CompletableFuture<>();
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    protected AbstractReadinessProbe(ScheduledExecutorService scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** The exit code is unknown with a bare handle: the failure then says "exited before it was ready". */
    @Override
    public final CompletableFuture<Duration> await(ProcessHandle process, Duration timeout) {
        return await(process, process.onExit().thenApply(p -> null), timeout);
    }

    @Override
    public final CompletableFuture<Duration> await(Process process, Duration timeout) {
        return await(process.toHandle(), process.onExit().thenApply(Process::exitValue), timeout);
    }

    /**
     * The general form, for callers that learn the exit code their own way.
     *
     * @param exit completes when the process has exited, with its exit code or null if unknown
     * @throws IllegalStateException if called twice: one probe watches one spawn
     */
    public final CompletableFuture<Duration> await(ProcessHandle process, CompletionStage<Integer> exit,
                                                   Duration timeout) {
        Objects.requireNonNull(process, "process");
        Objects.requireNonNull(exit, "exit");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("readiness timeout must not be negative, got " + timeout);
        }
        if (!armed.compareAndSet(false, true)) {
            throw new IllegalStateException("await() was already called on this probe (" + describe() + ")");
        }
        long start = System.nanoTime();
        ScheduledFuture<?> timer = scheduler.schedule(
                () -> fail("not ready after " + timeout.toMillis() + " ms: waited for " + describe()),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((ready, failure) -> {
            timer.cancel(false);
            stopWatching();
        });
        // Exit is registered before readiness: a process that is already gone at this point is not ready.
        exit.whenComplete((code, error) -> fail("process " + process.pid() + " exited"
                + (code == null ? "" : " with code " + code) + " before it was ready (waited for " + describe() + ")"));
        readySignal.thenRun(() -> result.complete(Duration.ofNanos(System.nanoTime() - start)));
        if (closed.get()) {
            fail("the readiness probe was closed before it was ready (" + describe() + ")");
        }
        if (!result.isDone()) {
            try {
                startWatching(process);
            } catch (IOException | RuntimeException e) {
                fail("cannot watch for " + describe() + ": " + e);
            }
        }
        return result;
    }

    /** Begin looking for readiness (called once, from await). Poll on {@link #scheduler}; never block here. */
    protected abstract void startWatching(ProcessHandle process) throws IOException;

    /** Stop polling; called once the await future is done (ready, failed, timed out) and on close. */
    protected void stopWatching() {
    }

    /** Release what the probe holds (sockets, files); called once, from close. */
    protected void release() {
    }

    /** The process is ready. Harmless after the wait ended or before await was called (remembered). */
    protected final void markReady() {
        readySignal.complete(null);
    }

    /** Ends the wait with a failure unless it already ended; a subclass uses it when it cannot watch any more. */
    protected final void fail(String message) {
        result.completeExceptionally(new ReadinessException(message));
    }

    /** True once the wait ended or readiness was seen: pollers can stop early. */
    protected final boolean isSettled() {
        return result.isDone() || readySignal.isDone();
    }

    /** Idempotent. A wait still running fails ("closed before it was ready"); then resources are released. */
    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        fail("the readiness probe was closed before it was ready (" + describe() + ")");
        stopWatching();
        release();
    }
}
