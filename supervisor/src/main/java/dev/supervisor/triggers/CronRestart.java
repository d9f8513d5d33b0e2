package dev.supervisor.triggers;

import dev.supervisor.config.CronExpressions;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.quartz.CronExpression;

import java.util.Date;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** pm2's {@code cron_restart}: at each time the expression names, the app is reloaded (not killed). */
public final class CronRestart implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(CronRestart.class);

    private final String app;
    private final String expression;
    private final CronExpression cron;
    private final ScheduledExecutorService scheduler;
    private final AppReloader reloader;
    private ScheduledFuture<?> next;
    private boolean closed;

    public CronRestart(String app, String expression, ScheduledExecutorService scheduler, AppReloader reloader) {
        this.app = app;
        this.expression = expression;
        this.cron = CronExpressions.parse(expression);
        this.scheduler = scheduler;
        this.reloader = reloader;
    }

    public synchronized CronRestart start() {
        scheduleNext(new Date());
        return this;
    }

    private synchronized void scheduleNext(Date after) {
        if (closed) {
            return;
        }
        Date at = cron.getNextValidTimeAfter(after);
        if (at == null) {
            LOG.info("{}: cron_restart '{}' has no future time; no more cron reloads", app, expression);
            return;
        }
        long delay = Math.max(0, at.getTime() - System.currentTimeMillis());
        next = scheduler.schedule(() -> fire(at), delay, TimeUnit.MILLISECONDS);
    }

    private void fire(Date at) {
        // The reload runs on the reload executor; the timer thread only asks for it.
        try {
            LOG.info("{}: cron_restart '{}' fired: reloading", app, expression);
            reloader.reloadApp(app, "cron_restart '" + expression + "'", false);
        } catch (RuntimeException e) {
            LOG.warn("{}: cron_restart reload not started: {}", app, e.getMessage());
        } finally {
            // Never fire twice for the same time, even if the timer woke a little early.
            scheduleNext(new Date(Math.max(at.getTime(), System.currentTimeMillis())));
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
    }
}
