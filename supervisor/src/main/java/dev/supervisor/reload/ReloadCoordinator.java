package dev.supervisor.reload;

import dev.supervisor.config.AppConfig;
import dev.supervisor.mbeans.NotificationTypes;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.mbeans.ReloadState;
import dev.supervisor.mbeans.ReloadStep;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One app's reload state machine (idle -> running -> rolling back -> idle; queued between forced reloads), shared
 * by every trigger: CLI, JMX, Jolokia, hawtio, max_memory_restart. {@link #submit} and {@link #cancel} are called
 * on the app's owner, so "is a reload running?" and "start one" cannot interleave with another operation. The
 * pipeline runs on a driver thread and posts each step to the owner.
 */
public final class ReloadCoordinator {
    private static final Logger LOG = LogManager.getLogger(ReloadCoordinator.class);
    private static final Map<ReloadState, Set<ReloadState>> ALLOWED = Map.of(
            ReloadState.IDLE, EnumSet.of(ReloadState.RUNNING),
            ReloadState.RUNNING, EnumSet.of(ReloadState.ROLLING_BACK, ReloadState.IDLE, ReloadState.QUEUED),
            ReloadState.ROLLING_BACK, EnumSet.of(ReloadState.IDLE, ReloadState.QUEUED),
            ReloadState.QUEUED, EnumSet.of(ReloadState.RUNNING));

    private record Pending(ReloadRequest request, ReloadListener listener, CompletableFuture<ReloadResult> result) {
    }

    private final ReplicaSet set;
    private final ReloadPipeline pipeline;
    private final Executor driver;
    private final ReloadEvents events;

    // Changed on the owner only (submit, cancel, finished); volatile for readers elsewhere.
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private volatile ReloadState state = ReloadState.IDLE;
    private volatile ReloadStep step = ReloadStep.NONE;
    private volatile String detail = "";
    private volatile ReloadResult last;
    private volatile AppConfig configBefore;
    private ReloadPipeline.Run current;
    private CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);
    private LocalTime startedAt;

    public ReloadCoordinator(ReplicaSet set, ReloadPipeline pipeline, Executor driver, ReloadEvents events) {
        this.set = set;
        this.pipeline = pipeline;
        this.driver = driver;
        this.events = events;
    }

    /**
     * On the owner: starts a reload, or (forced) queues it behind the running one. The future completes with its
     * result, never exceptionally.
     *
     * @throws ReloadInProgressException when one runs and the request is not forced
     */
    public CompletableFuture<ReloadResult> submit(ReloadRequest request, ReloadListener listener) {
        if (state != ReloadState.IDLE && !request.force()) {
            throw new ReloadInProgressException("reload of " + set.name() + " already in progress (" + describeRunning()
                    + "); use --force to queue another");
        }
        Pending p = new Pending(request, listener, new CompletableFuture<>());
        queue.add(p);
        if (state == ReloadState.IDLE) {
            idle = new CompletableFuture<>();
            startNext();
        } else {
            listener.line(set.name(), "queued behind the running reload of " + set.name());
        }
        return p.result();
    }

    /** "started at 12:00:01, step AWAIT_READY" for messages that refuse an operation while a reload runs. */
    public String describeRunning() {
        LocalTime at = startedAt;
        return "started at " + (at == null ? "?" : at.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_TIME))
                + ", step " + step;
    }

    private void startNext() {
        Pending p = queue.poll();
        if (p == null) {
            enter(ReloadState.IDLE);
            step = ReloadStep.NONE;
            detail = "";
            configBefore = null;
            idle.complete(null);
            return;
        }
        enter(ReloadState.RUNNING);
        startedAt = LocalTime.now();
        configBefore = set.config();
        ReloadPipeline.Run run = new ReloadPipeline.Run(this::stepped);
        current = run;
        driver.execute(() -> drive(p, run));
    }

    /** On the driver thread: runs the pipeline, sends the events, then hands the end back to the owner. */
    private void drive(Pending p, ReloadPipeline.Run run) {
        ReloadListener tracking = (name, line) -> {
            detail = line;
            p.listener().line(name, line);
            events.reloadEvent(NotificationTypes.RELOAD_STEP, name, line, step);
        };
        events.reloadEvent(NotificationTypes.RELOAD_STARTED, set.name(), "reload of " + set.name() + " started", ReloadStep.NONE);
        ReloadResult result;
        try {
            result = pipeline.run(set, p.request(), tracking, run);
        } catch (RuntimeException e) {
            LOG.error("reload of {} failed unexpectedly", set.name(), e);
            result = new ReloadResult(set.name(), "failed", 0, 1, 0, "internal error: " + e, List.of());
        }
        ReloadResult r = result;
        events.reloadEvent(r.isSuccess() ? NotificationTypes.RELOAD_DONE : NotificationTypes.RELOAD_FAILED, set.name(), r.toString(),
                step);
        LOG.info("reload {}", r);
        set.owner().execute(() -> finished(p, run, r));
    }

    private void finished(Pending p, ReloadPipeline.Run run, ReloadResult result) {
        if (current == run) {
            current = null;
        }
        last = result;
        if (!queue.isEmpty()) {
            enter(ReloadState.QUEUED);
        }
        startNext();
        // Last: whoever waits on the result sees the state machine already moved on.
        p.result().complete(result);
    }

    /** Called by the pipeline (driver thread) at each step; the only writer of the step while a run goes. */
    private void stepped(ReloadStep next) {
        if (next == ReloadStep.ROLLING_BACK && state == ReloadState.RUNNING) {
            enter(ReloadState.ROLLING_BACK);
        }
        if (next != step) {
            LOG.info("reload of {}: step {} -> {}", set.name(), step, next);
        }
        step = next;
        events.reloadEvent(NotificationTypes.RELOAD_STEP, set.name(), set.name() + ": " + next, next);
    }

    /**
     * On the owner: cancels the running reload (it rolls back) and drops the queued ones. The future completes on
     * the owner once the app is back in a clean state: the caller then acts (stop, delete).
     */
    public CompletableFuture<Void> cancel(String why) {
        Pending p;
        while ((p = queue.poll()) != null) {
            p.result().complete(new ReloadResult(set.name(), "failed", 0, 0, 0, "cancelled before it started: " + why, List.of()));
        }
        ReloadPipeline.Run run = current;
        if (run == null) {
            return CompletableFuture.completedFuture(null);
        }
        LOG.info("reload of {} cancelled at step {}: {}", set.name(), step, why);
        run.cancel(why);
        return idle;
    }

    /** The one place the reload state changes: checked and logged. */
    private void enter(ReloadState next) {
        ReloadState from = state;
        if (from == next) {
            return;
        }
        if (!ALLOWED.get(from).contains(next)) {
            throw new IllegalStateException("reload of " + set.name() + ": " + from.label() + " -> " + next.label() + " is not allowed");
        }
        LOG.info("reload of {}: {} -> {}", set.name(), from.label(), next.label());
        state = next;
    }

    public ReloadState state() {
        return state;
    }

    public boolean isIdle() {
        return state == ReloadState.IDLE;
    }

    public ReloadStep step() {
        return step;
    }

    public String detail() {
        return detail;
    }

    public ReloadResult lastResult() {
        return last;
    }

    /** While a reload runs: the config the app had before it (what a rollback returns to). */
    public Optional<AppConfig> configBeforeReload() {
        return Optional.ofNullable(configBefore);
    }
}
