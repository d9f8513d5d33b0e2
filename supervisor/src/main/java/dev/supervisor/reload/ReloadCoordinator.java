package dev.supervisor.reload;

import dev.supervisor.god.App;
import dev.supervisor.god.SupervisorEvents;
import dev.supervisor.mbeans.NotificationTypes;
import dev.supervisor.mbeans.ReloadResult;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The per-app reload lock and state machine, in the daemon, shared by every trigger (CLI, JMX, Jolokia,
 * hawtio, timers). One reload runs at a time; a second is refused at once unless forced, in which case it
 * queues behind the running one. The lock is released in a {@code finally}-equivalent: whatever the
 * pipeline does, the chain moves on (pm2 #2951, #5104).
 */
public final class ReloadCoordinator {
    private static final Logger LOG = LogManager.getLogger(ReloadCoordinator.class);

    /** Built by the God for each app, so that the App need not know the pipeline's collaborators. */
    @FunctionalInterface
    public interface Factory {
        ReloadCoordinator create(App app);
    }

    private final App app;
    private final ReloadPipeline pipeline;
    private final Executor executor;
    private final SupervisorEvents events;

    private ReloadState state = ReloadState.IDLE;
    private int queued;
    private CompletableFuture<ReloadResult> tail = CompletableFuture.completedFuture(null);
    private LocalTime startedAt;
    private volatile String step = "";
    private volatile ReloadResult last;

    public ReloadCoordinator(App app, ReloadPipeline pipeline, Executor executor, SupervisorEvents events) {
        this.app = app;
        this.pipeline = pipeline;
        this.executor = executor;
        this.events = events;
    }

    /**
     * Starts (or, forced, queues) a reload; the future completes with its result, never exceptionally.
     *
     * @throws ReloadInProgressException when one runs and the request is not forced
     */
    public synchronized CompletableFuture<ReloadResult> submit(ReloadRequest request, ReloadListener listener) {
        if (state != ReloadState.IDLE && !request.force()) {
            throw new ReloadInProgressException("reload of " + app.name() + " already in progress (started at "
                    + startedAt.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_TIME)
                    + (step.isEmpty() ? "" : ", step " + step) + "); use --force to queue another");
        }
        if (state != ReloadState.IDLE) {
            queued++;
            listener.line(app.name(), "queued behind the running reload of " + app.name());
        } else {
            enter(ReloadState.RUNNING);
        }
        CompletableFuture<ReloadResult> result = tail.handle((r, e) -> null)
                .thenApplyAsync(ignored -> runOne(request, listener), executor);
        tail = result;
        return result;
    }

    private ReloadResult runOne(ReloadRequest request, ReloadListener listener) {
        synchronized (this) {
            if (state != ReloadState.RUNNING) {
                enter(ReloadState.RUNNING);
            }
        }
        ReloadListener tracking = (name, line) -> {
            step = line;
            listener.line(name, line);
            events.reloadEvent(NotificationTypes.RELOAD_STEP, name, line);
        };
        ReloadResult result;
        events.reloadEvent(NotificationTypes.RELOAD_STARTED, app.name(), "reload of " + app.name() + " started");
        try {
            result = pipeline.run(app, request, tracking);
        } catch (RuntimeException e) {
            LOG.error("reload of {} failed unexpectedly", app.name(), e);
            result = new ReloadResult(app.name(), "failed", 0, 1, 0, "internal error: " + e, List.of());
        } finally {
            synchronized (this) {
                step = "";
                if (queued > 0) {
                    queued--;
                    enter(ReloadState.QUEUED);
                } else {
                    enter(ReloadState.IDLE);
                }
            }
        }
        last = result;
        events.reloadEvent(result.isSuccess() ? NotificationTypes.RELOAD_DONE : NotificationTypes.RELOAD_FAILED,
                app.name(), result.toString());
        LOG.info("reload {}", result);
        return result;
    }

    /** Every change of the app's reload state goes through here, and is logged. */
    private void enter(ReloadState next) {
        LOG.info("reload of {}: {} -> {}", app.name(), state.label(), next.label());
        state = next;
        if (next == ReloadState.RUNNING) {
            startedAt = LocalTime.now();
        }
    }

    public synchronized ReloadState state() {
        return state;
    }

    public String step() {
        return step;
    }

    public ReloadResult lastResult() {
        return last;
    }
}
