package dev.supervisor.readiness;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * For apps that give no readiness signal: ready once the process is still alive {@code minUptime} after await
 * was called. The await timeout must be longer than minUptime, or the wait times out.
 */
public final class AliveProbe extends AbstractReadinessProbe {
    private final Duration minUptime;
    private volatile ScheduledFuture<?> timer;

    public AliveProbe(Duration minUptime, ScheduledExecutorService scheduler) {
        super(scheduler);
        if (minUptime.isNegative()) {
            throw new IllegalArgumentException("min_uptime must not be negative, got " + minUptime);
        }
        this.minUptime = minUptime;
    }

    @Override
    protected void startWatching(ProcessHandle process) {
        timer = scheduler.schedule(() -> {
            if (process.isAlive()) {
                markReady();
            } // else the exit callback reports "exited ... before it was ready"
        }, minUptime.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void stopWatching() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    @Override
    public String describe() {
        return "the process to stay up " + minUptime.toMillis() + " ms";
    }
}
