package dev.supervisor.mbeans;

import java.beans.ConstructorProperties;
import java.util.List;

/** What a reload of one app did: returned by {@code reload()} and kept as the app's last reload. */
public final class ReloadResult {
    private final String app;
    private final String outcome;
    private final int replaced;
    private final int failed;
    private final long durationMillis;
    private final String reason;
    private final List<String> steps;
    private final List<String> instanceConfigs;
    private final long switchedMillis;
    private final long slowestStartMillis;

    public ReloadResult(String app, String outcome, int replaced, int failed, long durationMillis, String reason,
                        List<String> steps) {
        this(app, outcome, replaced, failed, durationMillis, reason, steps, List.of());
    }

    public ReloadResult(String app, String outcome, int replaced, int failed, long durationMillis, String reason,
                        List<String> steps, List<String> instanceConfigs) {
        this(app, outcome, replaced, failed, durationMillis, reason, steps, instanceConfigs, 0, 0);
    }

    @ConstructorProperties({"app", "outcome", "replaced", "failed", "durationMillis", "reason", "steps", "instanceConfigs",
            "switchedMillis", "slowestStartMillis"})
    public ReloadResult(String app, String outcome, int replaced, int failed, long durationMillis, String reason,
                        List<String> steps, List<String> instanceConfigs, long switchedMillis, long slowestStartMillis) {
        this.switchedMillis = switchedMillis;
        this.slowestStartMillis = slowestStartMillis;
        this.instanceConfigs = List.copyOf(instanceConfigs);
        this.app = app;
        this.outcome = outcome;
        this.replaced = replaced;
        this.failed = failed;
        this.durationMillis = durationMillis;
        this.reason = reason;
        this.steps = List.copyOf(steps);
    }

    public String getApp() { return app; }
    /** "done", "failed" or "running". */
    public String getOutcome() { return outcome; }
    /** Instances replaced by a new, ready one. */
    public int getReplaced() { return replaced; }
    /** Instances whose replacement failed (the old one kept serving). */
    public int getFailed() { return failed; }
    /** The whole reload, from its start to the last old instance stopped (what the CLI waits for). */
    public long getDurationMillis() { return durationMillis; }
    /** From the reload's start to the last switch (a new instance in the front's pool, its old one out); 0 if none. */
    public long getSwitchedMillis() { return switchedMillis; }
    /** The slowest new instance's start: its launch until ready (the app's own start time); 0 if none started. */
    public long getSlowestStartMillis() { return slowestStartMillis; }
    /** Why the reload failed; "" when it did not. */
    public String getReason() { return reason; }
    /** One line per step, in order. */
    public List<String> getSteps() { return steps; }
    /** Which config each instance runs once the reload is over, e.g. "instance 3: config 1a2b3c4d (new)". */
    public List<String> getInstanceConfigs() { return instanceConfigs; }

    public boolean isSuccess() {
        return "done".equals(outcome);
    }

    @Override
    public String toString() {
        return app + ": " + outcome + " (" + replaced + " replaced, " + failed + " failed, " + durationMillis + " ms"
                + (reason.isEmpty() ? "" : ", " + reason) + ")";
    }
}
