package dev.supervisor.readiness;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A probe that looks every {@code interval} on the shared scheduler until it sees readiness or the wait ends.
 * Subclasses only say how to look once ({@link #poll}).
 */
abstract class PollingProbe extends AbstractReadinessProbe {
    private final Duration interval;
    private volatile ScheduledFuture<?> poller;

    PollingProbe(ScheduledExecutorService scheduler, Duration interval) {
        super(scheduler);
        this.interval = interval;
    }

    /** One look; calls {@link #markReady()} when ready. Runs on the scheduler: keep it short. */
    abstract void poll();

    @Override
    protected void startWatching(ProcessHandle process) {
        poller = scheduler.scheduleWithFixedDelay(() -> {
            if (!isSettled()) {
                poll();
            }
        }, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void stopWatching() {
        ScheduledFuture<?> p = poller;
        if (p != null) {
            p.cancel(false);
        }
    }
}
