package dev.supervisor.reload;

import dev.supervisor.config.AppConfig;
import dev.supervisor.config.FrontKind;
import dev.supervisor.front.DrainResult;
import dev.supervisor.god.App;
import dev.supervisor.god.Instance;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.process.ProcessStatus;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The hard reload of one app, instance by instance (in batches): set the old instance aside, launch the new
 * one under the same id, wait until it is ready, switch traffic (the new one joins the front when ready, the
 * old one leaves it), drain the old one, then stop it. A new instance that exits or is not ready in time is
 * killed and the old one is put back, still serving; the rollout stops there. A timeout is never success.
 */
public final class ReloadPipeline {
    private static final Logger LOG = LogManager.getLogger(ReloadPipeline.class);
    private static final Duration READY_SLACK = Duration.ofSeconds(5);

    /** Changes the number of instances of an app (the God owns id allocation). */
    @FunctionalInterface
    public interface Scaler {
        void scale(App app, int instances);
    }

    private final Scaler scaler;
    private final Executor steps;

    /** @param steps runs the instance replacements of one batch side by side (blocking tasks) */
    public ReloadPipeline(Scaler scaler, Executor steps) {
        this.scaler = scaler;
        this.steps = steps;
    }

    public ReloadResult run(App app, ReloadRequest request, ReloadListener out) {
        long t0 = System.nanoTime();
        AppConfig previous = app.config();
        request.newConfig().ifPresent(app::updateConfig);
        AppConfig config = app.config();
        List<Instance> targets = new ArrayList<>();
        for (Instance i : app.instances()) {
            if (request.ids().isEmpty() || request.ids().contains(i.id())) {
                targets.add(i);
            }
        }
        int total = targets.size();
        int batch = batchSize(request.parallel(), app.instances().size());
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ReloadListener recording = (name, line) -> {
            lines.add(line);
            out.line(name, line);
        };
        recording.line(app.name(), "reloading " + app.name() + ": " + total + " instance(s), " + batch + " at a time"
                + (request.kind() == ReloadRequest.Kind.SOFT ? " (soft)" : ""));
        int replaced = 0;
        int failed = 0;
        String reason = "";
        for (int start = 0; start < total && failed == 0; start += batch) {
            List<Instance> slice = targets.subList(start, Math.min(total, start + batch));
            List<CompletableFuture<StepResult>> running = new ArrayList<>();
            int stepNo = start;
            for (Instance old : slice) {
                int n = ++stepNo;
                running.add(CompletableFuture.supplyAsync(() -> replaceOne(app, old, request.kind(), n + "/" + total, recording), steps));
            }
            for (CompletableFuture<StepResult> f : running) {
                StepResult r = f.join();
                if (r.ok()) {
                    replaced++;
                } else {
                    failed++;
                    reason = reason.isEmpty() ? r.reason() : reason;
                }
            }
        }
        if (failed == 0 && request.newConfig().isPresent() && app.instances().size() != config.instances()) {
            recording.line(app.name(), "scaling " + app.name() + " from " + app.instances().size() + " to " + config.instances() + " instance(s)");
            scaler.scale(app, config.instances());
        }
        if (failed > 0 && request.newConfig().isPresent()) {
            // Rollback covers the config too: a later crash-restart must not pick up the failed one.
            app.updateConfig(previous);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        String outcome = failed == 0 ? "done" : "failed";
        String summary = app.name() + ": reload " + outcome + ", " + replaced + " replaced, " + failed + " failed in " + ms + " ms"
                + (reason.isEmpty() ? "" : " (" + reason + ")");
        recording.line(app.name(), summary);
        return new ReloadResult(app.name(), outcome, replaced, failed, ms, reason, List.copyOf(lines));
    }

    /** Keeps at least instances-1 serving by default; never replaces every instance at once. */
    static int batchSize(int parallel, int instances) {
        int cap = Math.max(1, instances - 1);
        return parallel <= 0 ? 1 : Math.min(parallel, cap);
    }

    private record StepResult(boolean ok, String reason) {
    }

    private StepResult replaceOne(App app, Instance old, ReloadRequest.Kind kind, String stepNo, ReloadListener out) {
        String who = "instance " + old.id();
        if (old.status() != ProcessStatus.ONLINE) {
            // Nothing is serving under this id: a restart is all there is to do (pm2 does the same).
            return restartInPlace(app, old, "was " + old.status().label(), stepNo, out);
        }
        AppConfig config = old.config();
        if (config.port() > 0 && config.front() == FrontKind.NONE) {
            // The app binds the public port itself: the new one cannot listen (nor be told apart) while the old
            // one holds it, so this reload is a restart with a short gap, as documented for front: none.
            return restartInPlace(app, old, "front: none, port " + config.port() + " had no listener during the restart", stepNo, out);
        }
        long oldPid = old.pid();
        out.line(app.name(), stepNo + " " + who + ": starting a new instance beside pid " + oldPid);
        Instance fresh = app.replaceWithNew(old);
        CompletableFuture<Duration> ready = fresh.launch(Instance.Mode.CANDIDATE);
        out.line(app.name(), stepNo + " " + who + ": new pid " + fresh.pid() + " launched, waiting until it is ready");
        Duration took;
        try {
            took = await(ready, fresh.config());
        } catch (Exception e) {
            String why = message(e);
            long newPid = fresh.pid();
            fresh.stop("rollback").join();
            app.restore(old, fresh);
            String line = who + ": new pid " + (newPid == 0 ? "(none)" : newPid) + " failed: " + why
                    + "; rolled back, old pid " + oldPid + " kept serving";
            out.line(app.name(), stepNo + " " + line);
            LOG.warn("reload of {}: {}", app.name(), line);
            return new StepResult(false, line);
        }
        out.line(app.name(), stepNo + " " + who + ": new pid " + fresh.pid() + " ready in " + took.toMillis() + " ms, switching traffic");
        DrainResult drained = old.drain(old.config().killTimeout()).join();
        if (kind == ReloadRequest.Kind.SOFT) {
            old.stopGracefully("soft reload: replaced by pid " + fresh.pid()).join();
        } else {
            old.stop("reload: replaced by pid " + fresh.pid()).join();
        }
        app.dropAside(old);
        String line = who + ": new pid " + fresh.pid() + " ready in " + took.toMillis() + " ms, old pid " + oldPid
                + " drained (" + drained.inFlight() + " in-flight" + (drained.timedOut() ? ", drain timed out" : "") + ") and stopped";
        out.line(app.name(), stepNo + " " + line);
        return new StepResult(true, "");
    }

    private StepResult restartInPlace(App app, Instance old, String why, String stepNo, ReloadListener out) {
        String who = "instance " + old.id();
        long oldPid = old.pid();
        old.stop("reload: " + why).join();
        try {
            Duration took = await(old.launch(Instance.Mode.NORMAL), old.config());
            out.line(app.name(), stepNo + " " + who + ": " + why + "; restarted"
                    + (oldPid == 0 ? "" : " (old pid " + oldPid + ")") + " as pid " + old.pid() + ", ready in " + took.toMillis() + " ms");
            return new StepResult(true, "");
        } catch (Exception e) {
            String line = who + ": " + why + "; restart failed: " + message(e);
            out.line(app.name(), stepNo + " " + line);
            return new StepResult(false, line);
        }
    }

    private static Duration await(CompletableFuture<Duration> ready, AppConfig config)
            throws InterruptedException, ExecutionException, TimeoutException {
        return ready.get(config.readinessTimeout().plus(READY_SLACK).toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String message(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof TimeoutException) {
            return "not ready in time";
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
