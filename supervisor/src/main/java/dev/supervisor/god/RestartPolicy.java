package dev.supervisor.god;

import dev.supervisor.config.AppConfig;

import java.time.Duration;

/**
 * What to do when an instance exits by itself, exactly as pm2 decides it: no restart when autorestart is off
 * or the code is a stop_exit_code; an exit within min_uptime is unstable, and max_restarts unstable exits
 * make it errored; else restart after restart_delay, or after an exponential backoff (×1.5, capped at 15 s,
 * reset after 30 s of good uptime).
 */
public final class RestartPolicy {
    static final Duration BACKOFF_CAP = Duration.ofSeconds(15);
    static final Duration BACKOFF_RESET_AFTER = Duration.ofSeconds(30);

    public enum Action { RESTART, STOP, ERRORED }

    /**
     * @param unstableRestarts the instance's count after this exit
     * @param backoff          the backoff to use next time (ZERO when not backing off)
     */
    public record Decision(Action action, Duration delay, int unstableRestarts, Duration backoff, String reason) {
    }

    private RestartPolicy() {
    }

    /**
     * @param uptime          how long the process ran
     * @param unstableRestarts the count before this exit
     * @param lastBackoff     the delay used for the previous restart (ZERO if none)
     */
    public static Decision decide(AppConfig app, int exitValue, Duration uptime, int unstableRestarts, Duration lastBackoff) {
        if (!app.autorestart()) {
            return new Decision(Action.STOP, Duration.ZERO, unstableRestarts, Duration.ZERO, "autorestart is off");
        }
        if (app.stopExitCodes().contains(exitValue)) {
            return new Decision(Action.STOP, Duration.ZERO, unstableRestarts, Duration.ZERO,
                    "exit code " + exitValue + " is in stop_exit_codes");
        }
        int unstable = unstableRestarts;
        if (uptime.compareTo(app.minUptime()) < 0) {
            unstable++;
        }
        if (unstable >= app.maxRestarts() && uptime.compareTo(app.minUptime()) < 0) {
            return new Decision(Action.ERRORED, Duration.ZERO, unstable, Duration.ZERO,
                    "restart overlimit: " + unstable + " exits within min_uptime " + app.minUptime().toMillis() + " ms");
        }
        if (!app.expBackoffRestartDelay().isZero()) {
            Duration next;
            if (lastBackoff.isZero() || uptime.compareTo(BACKOFF_RESET_AFTER) >= 0) {
                next = app.expBackoffRestartDelay();
            } else {
                next = Duration.ofMillis(Math.min(BACKOFF_CAP.toMillis(), Math.round(lastBackoff.toMillis() * 1.5)));
            }
            return new Decision(Action.RESTART, next, unstable, next, "backoff " + next.toMillis() + " ms");
        }
        return new Decision(Action.RESTART, app.restartDelay(), unstable, Duration.ZERO,
                app.restartDelay().isZero() ? "restart" : "restart_delay " + app.restartDelay().toMillis() + " ms");
    }
}
