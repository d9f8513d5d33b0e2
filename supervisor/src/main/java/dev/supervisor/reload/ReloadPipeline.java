package dev.supervisor.reload;

import dev.supervisor.config.AppConfig;
import dev.supervisor.config.FrontKind;
import dev.supervisor.front.DrainResult;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.mbeans.ReloadStep;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The hard reload of one app as one visible list of steps, instance by instance (in batches):
 *
 * <ol>
 *   <li>SET_ASIDE: the old instance is reserved (replacing) and a new entry takes its id — undo: put back;</li>
 *   <li>LAUNCH_CANDIDATE: fork the new process — undo: kill it;</li>
 *   <li>AWAIT_READY: within listen_timeout; a timeout is never success;</li>
 *   <li>JOIN_FRONT: the new one takes traffic — undo: it leaves;</li>
 *   <li>LEAVE_FRONT_AND_DRAIN: the old one takes no new work and finishes its own — undo: it rejoins;</li>
 *   <li>STOP_OLD, DROP_OLD: past the point of no return; a failure there rolls forward.</li>
 * </ol>
 *
 * A step that fails, or a cancel (stop, delete, kill of the app), runs the undos newest first, which leaves the old
 * instance exactly as it was (its id, its config, its place in the front). An apps file's new config that fails on
 * one instance is also taken back from the instances already replaced: every instance ends on the old config.
 *
 * <p><b>Surge</b> ({@link ReloadRequest#surge()}): every instance is one batch, and each replacement waits, after its
 * LAUNCH_CANDIDATE, until every candidate has been launched, so all new processes start side by side and the reload
 * takes about one app start for any N. Each new instance joins the front before its old one leaves, so the pool never
 * holds fewer than the old count. A failure of any replacement before its commit (the old one drained) aborts every
 * sibling not yet committed: each runs its own undos, so its candidate is killed and its old instance keeps serving.
 * Siblings already committed stay on the new version, as instances of earlier batches do when a later batch fails
 * (with an apps file, the revert pass then gives them the previous config back).
 *
 * <p><b>Hand-over</b>: in a surge and in the batch mode's last batch the old instance serves beside its replacement
 * until the replacement's warm-up in the front is over, and only then leaves: else the pool would hold only
 * processes that have just started.
 *
 * <p>Every change is a step posted to the app's owner ({@link ReplicaSet#owner()}); the driver thread running this
 * class only waits, each wait with a deadline.
 */
public final class ReloadPipeline {
    private static final Logger LOG = LogManager.getLogger(ReloadPipeline.class);
    static final Duration READY_SLACK = Duration.ofSeconds(5);
    /** An owner step is quick (no waits there); this only bounds a wedged owner. */
    static final Duration OWNER_STEP_LIMIT = Duration.ofSeconds(30);
    /** SIGKILL, then the exit: bounds the wait for a killed candidate. */
    static final Duration KILL_LIMIT = Duration.ofSeconds(5);

    /**
     * How much lower (nice) the new instances start by default: 0, at the daemon's own priority. A higher value
     * (SUPERVISOR_RELOAD_NICE) makes their start-up compete less with the instances serving until they join the
     * front; measured, it did not lower the front's p99 during a reload (docs/BENCHMARKS.md), so it is opt-in.
     */
    public static final int CANDIDATE_NICE = 0;

    private final Executor batches;
    private final int candidateNice;

    /** @param batches runs the replacements of one batch side by side (each blocks on its waits) */
    public ReloadPipeline(Executor batches) {
        this(batches, CANDIDATE_NICE);
    }

    /** @param candidateNice how much lower the new instances start (0: at the daemon's own priority) */
    public ReloadPipeline(Executor batches, int candidateNice) {
        if (candidateNice < 0 || candidateNice > 19) {
            throw new IllegalArgumentException("candidate nice increment must be 0..19, got " + candidateNice);
        }
        this.batches = batches;
        this.candidateNice = candidateNice;
    }

    /** One run of the pipeline: how it reports its step, and how it is cancelled. */
    public static final class Run {
        private final CompletableFuture<Void> cancelled = new CompletableFuture<>();
        private final Consumer<ReloadStep> stepListener;
        private volatile long startedNanos = System.nanoTime();
        private final AtomicLong lastSwitchNanos = new AtomicLong();
        private final AtomicLong slowestStartNanos = new AtomicLong();
        private volatile String cancelReason = "";

        public Run(Consumer<ReloadStep> stepListener) {
            this.stepListener = stepListener;
        }

        void begin(long nanos) {
            startedNanos = nanos;
        }

        /** A new instance serves in its old one's place (both in the pool, or the old one just left it). */
        void switched() {
            lastSwitchNanos.accumulateAndGet(System.nanoTime() - startedNanos, Math::max);
        }

        /** A new instance was ready this long after its launch (the app's own start time). */
        void started(Duration took) {
            slowestStartNanos.accumulateAndGet(took.toNanos(), Math::max);
        }

        /** From the run's start to its last switch; 0 when nothing was switched. */
        long switchedMillis() {
            return TimeUnit.NANOSECONDS.toMillis(lastSwitchNanos.get());
        }

        long slowestStartMillis() {
            return TimeUnit.NANOSECONDS.toMillis(slowestStartNanos.get());
        }

        /** Ends every wait of the run at once; the run then rolls back. Harmless when it is over. */
        public void cancel(String why) {
            cancelReason = why;
            cancelled.complete(null);
        }

        public boolean isCancelled() {
            return cancelled.isDone();
        }

        void step(ReloadStep step) {
            stepListener.accept(step);
        }

        void checkCancelled() {
            if (isCancelled()) {
                throw new ReloadCancelledException(cancelReason);
            }
        }
    }

    public ReloadResult run(ReplicaSet set, ReloadRequest request, ReloadListener out, Run run) {
        long t0 = System.nanoTime();
        run.begin(t0);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        ReloadListener recording = (name, line) -> {
            lines.add(line);
            out.line(name, line);
        };
        String app = set.name();
        // One visit to the owner for what the run starts from: every hop there is two thread wake-ups, which a loaded
        // machine makes slow, and the surge's figure is "one start + what the pipeline adds".
        Start start0 = onOwner(set, () -> new Start(set.config(), set.ids()));
        AppConfig previous = start0.config();
        AppConfig config = request.newConfig().orElse(previous);
        if (request.newConfig().isPresent()) {
            run.step(ReloadStep.APPLY_CONFIG);
            onOwner(set, () -> {
                set.useConfig(config);
                return null;
            });
        }
        List<Integer> targets = start0.ids().stream()
                .filter(id -> request.ids().isEmpty() || request.ids().contains(id)).toList();
        int total = targets.size();
        int batch = request.surge() ? Math.max(1, total) : batchSize(request.parallel(), start0.ids().size());
        recording.line(app, "reloading " + app + ": " + total + " instance(s), "
                + (request.surge() ? "all at once beside the old ones (surge)" : batch + " at a time")
                + (request.kind() == ReloadRequest.Kind.SOFT ? " (soft)" : ""));
        Set<Integer> changed = new ConcurrentSkipListSet<>();
        int replaced = 0;
        int failed = 0;
        String reason = "";
        for (int start = 0; start < total && failed == 0 && !run.isCancelled(); start += batch) {
            List<Integer> slice = targets.subList(start, Math.min(total, start + batch));
            List<CompletableFuture<String>> running = new ArrayList<>();
            Surge surge = request.surge() ? new Surge(slice.size()) : null;
            Map<Integer, Prepared> prepared = surge == null ? Map.of() : prepareSurge(set, slice, config, run, surge);
            int stepNo = start;
            // The last batch leaves the pool with new instances only: its old ones hand over (see switchOver).
            boolean handOver = surge != null || start + batch >= total;
            for (int id : slice) {
                String n = ++stepNo + "/" + total;
                running.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return replaceOne(set, id, config, request.kind(), n, recording, run, changed, surge,
                                prepared.get(id), handOver);
                    } finally {
                        if (surge != null) {
                            surge.launched(id);
                        }
                    }
                }, batches));
            }
            for (CompletableFuture<String> f : running) {
                String failure = f.join();
                if (failure.isEmpty()) {
                    replaced++;
                } else {
                    failed++;
                    reason = reason.isEmpty() ? failure : reason;
                }
            }
            if (surge != null && surge.aborted.isDone()) {
                reason = surge.aborted.join();   // the failure itself, not a sibling's "aborted" line
            }
        }
        if (run.isCancelled() && reason.isEmpty()) {
            reason = "cancelled: " + run.cancelReason;
            failed = Math.max(failed, 1);
        }
        if (failed == 0 && request.newConfig().isPresent()) {
            int now = onOwner(set, () -> set.ids().size());
            if (now != config.instances()) {
                run.step(ReloadStep.SCALE);
                recording.line(app, "scaling " + app + " from " + now + " to " + config.instances() + " instance(s)");
                try {
                    waitFor(onOwner(set, () -> set.scaleTo(config.instances())),
                            config.readinessTimeout().plus(config.killTimeout()).plus(READY_SLACK), null);
                } catch (Exception e) {
                    recording.line(app, "scaling " + app + " failed: " + message(e));
                }
            }
        }
        if (failed > 0 && request.newConfig().isPresent()) {
            revert(set, previous, changed, request.kind(), recording, run);
        }
        List<String> configs = onOwner(set, () -> describeConfigs(set, previous, config));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        String outcome = failed == 0 ? "done" : "failed";
        long switchedMs = run.switchedMillis();
        long slowestMs = run.slowestStartMillis();
        // "one start + X ms": how much the pipeline adds to the app's own start, the figure a surge is judged by.
        String timing = switchedMs == 0 ? "" : "; switched in " + switchedMs + " ms"
                + (slowestMs == 0 ? "" : ", slowest new instance ready in " + slowestMs + " ms after its launch"
                + (batch < total ? "" : " (one start + " + Math.max(0, switchedMs - slowestMs) + " ms)"));
        String summary = app + ": reload " + outcome + ", " + replaced + " replaced, " + failed + " failed in " + ms + " ms"
                + timing + (reason.isEmpty() ? "" : " (" + reason + ")");
        recording.line(app, summary);
        return new ReloadResult(app, outcome, replaced, failed, ms, reason, List.copyOf(lines), configs, switchedMs, slowestMs);
    }

    /**
     * A failed (or cancelled) reload with a new config: the app takes the previous config back, and so does every
     * instance that already runs the new one. Cancelled, the processes are about to be stopped: they only get the
     * old config for their next launch, with no relaunch (a stop or delete must not wait for one).
     */
    private void revert(ReplicaSet set, AppConfig previous, Set<Integer> changed, ReloadRequest.Kind kind,
                        ReloadListener out, Run run) {
        run.step(ReloadStep.ROLLING_BACK);
        onOwner(set, () -> {
            set.useConfig(previous);
            return null;
        });
        Run revertRun = new Run(run.stepListener);
        int k = 0;
        for (int id : new TreeSet<>(changed)) {
            k++;
            if (run.isCancelled()) {
                onOwner(set, () -> {
                    set.replica(id).ifPresent(r -> set.assignConfig(id, previous));
                    return null;
                });
                continue;
            }
            String failure = replaceOne(set, id, previous, kind, "rollback " + k + "/" + changed.size(), out, revertRun, null);
            if (!failure.isEmpty()) {
                out.line(set.name(), "instance " + id + " could not go back to the previous config: " + failure);
            }
        }
    }

    private static List<String> describeConfigs(ReplicaSet set, AppConfig previous, AppConfig config) {
        List<String> out = new ArrayList<>();
        for (int id : set.ids()) {
            set.replica(id).ifPresent(r -> {
                String cid = ConfigIds.of(r.config());
                String which = previous == config ? "" : cid.equals(ConfigIds.of(config)) ? " (new)"
                        : cid.equals(ConfigIds.of(previous)) ? " (previous)" : "";
                out.add("instance " + id + ": config " + cid + which);
            });
        }
        return out;
    }

    /** Keeps at least instances-1 serving by default; never replaces every instance at once. */
    static int batchSize(int parallel, int instances) {
        int cap = Math.max(1, instances - 1);
        return parallel <= 0 ? 1 : Math.min(parallel, cap);
    }

    private record Undo(ReloadStep step, Supplier<CompletableFuture<?>> action) {
    }

    /** What a run starts from, read in one visit to the owner. */
    private record Start(AppConfig config, List<Integer> ids) {
    }

    /** The instance under an id as one visit to the owner saw it. */
    private record Seen(Replica replica, boolean serving, long pid) {
    }

    /** A launched candidate: its readiness, and its pid for the messages. */
    private record Launched(CompletableFuture<Duration> ready, long pid) {
    }

    /**
     * What a surge's one visit to the owner did for an instance: what it saw under the id (null: gone), and for an
     * instance serving behind the front, the candidate set aside for it and launched. {@code failure}: the step that
     * failed (SET_ASIDE when {@code candidate} is null, else LAUNCH_CANDIDATE). Neither a candidate nor a failure on a
     * serving instance: skipped, because an earlier one failed.
     */
    private record Prepared(Seen seen, Replica candidate, Launched launched, RuntimeException failure) {
    }

    /**
     * A surge's SET_ASIDE and LAUNCH_CANDIDATE of every instance in one visit to the owner, in id order: one hop
     * instead of three per instance, each of which waits for a core on a loaded machine, and the launches follow one
     * another at fork speed. The first failure stops it: the instances after it are not touched, and the surge is
     * aborted before any replacement runs (each one then undoes what this visit did for it).
     */
    private Map<Integer, Prepared> prepareSurge(ReplicaSet set, List<Integer> ids, AppConfig config, Run run, Surge surge) {
        if (run.isCancelled()) {
            return Map.of(); // each replacement sees the cancel itself
        }
        boolean frontNone = config.port() > 0 && config.front() == FrontKind.NONE;
        Map<Integer, Prepared> prepared = onOwner(set, () -> {
            Map<Integer, Prepared> out = new HashMap<>();
            boolean failed = false;
            for (int id : ids) {
                Replica old = set.replica(id).orElse(null);
                Seen seen = old == null ? null : new Seen(old, old.isServing(), old.pid());
                if (seen == null || !seen.serving() || frontNone || failed) {
                    out.put(id, new Prepared(seen, null, null, null));
                    continue;
                }
                Replica candidate = null;
                try {
                    candidate = set.setAside(old, config, run);
                    Replica launching = candidate;
                    Launched launched = new Launched(set.launchCandidate(launching, candidateNice), launching.pid());
                    out.put(id, new Prepared(seen, candidate, launched, null));
                } catch (RuntimeException e) {
                    out.put(id, new Prepared(seen, candidate, null, e));
                    failed = true;
                }
            }
            return out;
        });
        prepared.forEach((id, p) -> {
            if (p.failure() != null) {
                surge.fail("instance " + id + ": " + message(p.failure()));
            }
        });
        return prepared;
    }

    /**
     * The shared state of one surge batch: every candidate's launch (AWAIT_READY starts once all are launched, so
     * none is switched before all run side by side), and the first failure, which aborts the siblings not yet
     * committed.
     */
    static final class Surge {
        private final Set<Integer> arrived = ConcurrentHashMap.newKeySet();
        private final int size;
        final CompletableFuture<Void> allLaunched = new CompletableFuture<>();
        final CompletableFuture<String> aborted = new CompletableFuture<>();

        Surge(int size) {
            this.size = size;
        }

        /** This replacement's candidate is launched (or will not be); idempotent per id. */
        void launched(int id) {
            if (arrived.add(id) && arrived.size() >= size) {
                allLaunched.complete(null);
            }
        }

        void fail(String why) {
            aborted.complete(why);
        }

        void checkAborted() {
            if (aborted.isDone()) {
                throw new ReloadCancelledException("surge aborted, another instance failed (" + aborted.join() + ")");
            }
        }
    }

    /** Replaces one instance; returns "" on success, else why it failed (the old instance is then back, unchanged). */
    String replaceOne(ReplicaSet set, int id, AppConfig config, ReloadRequest.Kind kind, String stepNo,
                      ReloadListener out, Run run, Set<Integer> changed) {
        return replaceOne(set, id, config, kind, stepNo, out, run, changed, null, null, false);
    }

    /**
     * One replacement's undos and what it made so far: the candidate (once set aside) and its launch. Touched only by
     * the driver thread running the replacement.
     */
    private static final class Replacement {
        final Deque<Undo> undo = new ArrayDeque<>();
        Replica candidate;
        Launched launched;
    }

    /**
     * Replaces one instance, the steps in order: SET_ASIDE and LAUNCH_CANDIDATE (or what a surge's visit did for
     * them), AWAIT_READY, the switch (JOIN_FRONT, LEAVE_FRONT_AND_DRAIN), then past the point of no return STOP_OLD
     * and DROP_OLD. Returns "" on success, else why it failed (the old instance is then back, unchanged).
     *
     * @param surge    the surge batch this replacement belongs to; null in batch mode
     * @param prepared what the surge's visit to the owner did for this instance; null: nothing yet
     * @param handOver the old instance serves beside the new one until the new one's warm-up is over
     */
    String replaceOne(ReplicaSet set, int id, AppConfig config, ReloadRequest.Kind kind, String stepNo,
                      ReloadListener out, Run run, Set<Integer> changed, Surge surge, Prepared prepared,
                      boolean handOver) {
        String app = set.name();
        String who = stepNo + " instance " + id;
        Seen seen = prepared != null ? prepared.seen()
                : onOwner(set, () -> set.replica(id).map(r -> new Seen(r, r.isServing(), r.pid())).orElse(null));
        if (seen == null) {
            out.line(app, who + ": gone meanwhile, skipped");
            return "";
        }
        Replica old = seen.replica();
        boolean frontNone = config.port() > 0 && config.front() == FrontKind.NONE;
        if (!seen.serving() || frontNone) {
            if (surge != null) {
                surge.launched(id);
            }
            String why = !seen.serving() ? "was " + onOwner(set, old::statusLabel)
                    : "front: none, port " + config.port() + " had no listener during the restart";
            String failure = restartInPlace(set, id, config, who, why, out, run, changed);
            if (surge != null && !failure.isEmpty()) {
                surge.fail(failure);
            }
            return failure;
        }
        long oldPid = seen.pid();
        Replacement r = new Replacement();
        Duration took;
        DrainResult drained;
        try {
            Runnable starting = () -> out.line(app, who + ": starting a new instance beside pid " + oldPid);
            if (prepared != null) {
                adoptPrepared(set, old, prepared, run, surge, r, starting);
            } else {
                setAsideAndLaunch(set, old, config, run, surge, r, starting);
            }
            out.line(app, who + ": new pid " + r.launched.pid() + " launched, waiting until it is ready");
            if (surge != null) {
                // No switch before every candidate runs: the start times overlap, whatever the order of readiness.
                surge.launched(id);
                waitFor(surge.allLaunched, OWNER_STEP_LIMIT.plus(OWNER_STEP_LIMIT), run, surge.aborted);
                surge.checkAborted();
            }
            run.step(ReloadStep.AWAIT_READY);
            took = waitFor(r.launched.ready(), config.readinessTimeout().plus(READY_SLACK), run, abortOf(surge));
            run.started(took);
            run.checkCancelled();
            checkAborted(surge);
            CompletableFuture<DrainResult> drain = switchOver(set, old, run, surge, r, handOver);
            // Said once switched: the line (to every follower, a notification) is not on the way to the switch.
            out.line(app, who + ": new pid " + r.launched.pid() + " ready in " + took.toMillis() + " ms, switched traffic");
            drained = waitFor(drain, old.config().killTimeout().plus(READY_SLACK), run, abortOf(surge));
            run.checkCancelled();
            checkAborted(surge);
        } catch (RuntimeException | TimeoutException e) {
            String why = message(e);
            if (surge != null) {
                surge.launched(id);
                if (!(e instanceof ReloadCancelledException)) {
                    surge.fail("instance " + id + ": " + why);
                }
            }
            Replica fresh = r.candidate;
            long newPid = fresh == null ? 0 : onOwner(set, fresh::pid);
            rollback(set, r.undo, run);
            String line = "instance " + id + ": new pid " + (newPid == 0 ? "(none)" : newPid) + " failed: " + why
                    + "; rolled back, old pid " + oldPid + " kept serving";
            out.line(app, stepNo + " " + line);
            LOG.warn("reload of {}: {}", app, line);
            return line;
        }
        // Committed: the new instance serves. What follows rolls forward.
        if (changed != null) {
            changed.add(id);
        }
        long newPid = onOwner(set, r.candidate::pid);
        stopAndDropOld(set, old, oldPid, kind, run, who, out);
        out.line(app, who + ": new pid " + newPid + " ready in " + took.toMillis() + " ms, old pid " + oldPid
                + " drained (" + drained.inFlight() + " in-flight" + (drained.timedOut() ? ", drain timed out" : "") + ") and stopped");
        return "";
    }

    /** SET_ASIDE and LAUNCH_CANDIDATE, one visit each, each followed by its undo. */
    private void setAsideAndLaunch(ReplicaSet set, Replica old, AppConfig config, Run run, Surge surge, Replacement r,
                                   Runnable starting) {
        run.checkCancelled();
        checkAborted(surge);
        run.step(ReloadStep.SET_ASIDE);
        starting.run();
        Replica candidate = onOwner(set, () -> set.setAside(old, config, run));
        r.candidate = candidate;
        r.undo.push(new Undo(ReloadStep.SET_ASIDE, () -> {
            set.putBack(old, candidate, run);
            return CompletableFuture.completedFuture(null);
        }));
        run.checkCancelled();
        run.step(ReloadStep.LAUNCH_CANDIDATE);
        r.launched = onOwner(set, () -> new Launched(set.launchCandidate(candidate, candidateNice), candidate.pid()));
        r.undo.push(new Undo(ReloadStep.LAUNCH_CANDIDATE, () -> set.killCandidate(candidate)));
    }

    /** The same two steps as the surge's visit to the owner did them: their undos first, then their failure if any. */
    private void adoptPrepared(ReplicaSet set, Replica old, Prepared prepared, Run run, Surge surge, Replacement r,
                               Runnable starting) {
        Replica candidate = prepared.candidate();
        if (candidate == null && prepared.failure() == null) {
            surge.checkAborted(); // skipped after a sibling failed: nothing to undo
            throw new IllegalStateException("a surge instance was not prepared"); // unreachable: aborted
        }
        r.candidate = candidate;
        run.step(ReloadStep.SET_ASIDE);
        starting.run();
        if (candidate != null) {
            r.undo.push(new Undo(ReloadStep.SET_ASIDE, () -> {
                set.putBack(old, candidate, run);
                return CompletableFuture.completedFuture(null);
            }));
            run.step(ReloadStep.LAUNCH_CANDIDATE);
        }
        r.launched = prepared.launched();
        if (r.launched != null) {
            r.undo.push(new Undo(ReloadStep.LAUNCH_CANDIDATE, () -> set.killCandidate(candidate)));
        }
        if (prepared.failure() != null) {
            throw prepared.failure();
        }
        run.checkCancelled();
    }

    /**
     * JOIN_FRONT, then LEAVE_FRONT_AND_DRAIN; returns the old instance's drain. A cancel or a sibling's failure seen
     * between them undoes the join: the old instance never left.
     */
    private CompletableFuture<DrainResult> switchOver(ReplicaSet set, Replica old, Run run, Surge surge, Replacement r,
                                                      boolean handOver) throws TimeoutException {
        Replica candidate = r.candidate;
        run.step(ReloadStep.JOIN_FRONT);
        AtomicBoolean joined = new AtomicBoolean();
        CompletableFuture<DrainResult> drain;
        try {
            if (!handOver) {
                // One visit to the owner for both (one hop less per instance): the old one leaves the moment the new
                // one has joined, and the newcomer's warm-up ramps beside the instances of the other batches.
                drain = onOwner(set, () -> {
                    set.joinFront(candidate);
                    joined.set(true);
                    run.checkCancelled();
                    return set.leaveFrontAndDrain(old, run);
                });
            } else {
                // A surge, or the last batch: were each old one to leave as its replacement joins, the pool would
                // hold only newcomers, whose warm-ups weigh the same, and every request would go to cold processes
                // (a single instance's reload: all of them to one). So the old one serves beside its replacement
                // until the replacement's warm-up is over (a hand-over), and then leaves. The new one takes traffic
                // from its join.
                CompletableFuture<Void> warmed = onOwner(set, () -> {
                    CompletableFuture<Void> w = set.joinFront(candidate);
                    joined.set(true);
                    return w;
                });
                run.switched();
                waitFor(warmed, OWNER_STEP_LIMIT, run, abortOf(surge));
                drain = onOwner(set, () -> {
                    run.checkCancelled();
                    checkAborted(surge);
                    return set.leaveFrontAndDrain(old, run);
                });
            }
        } finally {
            if (joined.get()) {
                r.undo.push(new Undo(ReloadStep.JOIN_FRONT, () -> {
                    set.leaveFront(candidate);
                    return CompletableFuture.completedFuture(null);
                }));
            }
        }
        run.step(ReloadStep.LEAVE_FRONT_AND_DRAIN);
        if (!handOver) {
            run.switched();
        }
        r.undo.push(new Undo(ReloadStep.LEAVE_FRONT_AND_DRAIN, () -> {
            set.rejoinFront(old, run);
            return CompletableFuture.completedFuture(null);
        }));
        return drain;
    }

    /** STOP_OLD and DROP_OLD, past the point of no return: a failure is reported and rolls forward. */
    private void stopAndDropOld(ReplicaSet set, Replica old, long oldPid, ReloadRequest.Kind kind, Run run, String who,
                                ReloadListener out) {
        run.step(ReloadStep.STOP_OLD);
        boolean graceful = kind == ReloadRequest.Kind.SOFT;
        Duration stopLimit = (graceful ? old.config().gracefulTimeout() : old.config().killTimeout()).plus(READY_SLACK);
        try {
            waitFor(onOwner(set, () -> set.stopOld(old, graceful, run)), stopLimit, null);
        } catch (RuntimeException | TimeoutException e) {
            out.line(set.name(), who + ": old pid " + oldPid + " did not stop cleanly: " + message(e));
        }
        run.step(ReloadStep.DROP_OLD);
        onOwner(set, () -> {
            set.dropOld(old, run);
            return null;
        });
    }

    private String restartInPlace(ReplicaSet set, int id, AppConfig config, String who, String why, ReloadListener out,
                                  Run run, Set<Integer> changed) {
        String app = set.name();
        try {
            run.checkCancelled();
            run.step(ReloadStep.RESTART_IN_PLACE);
            boolean differs = onOwner(set, () -> set.replica(id).map(r -> r.config() != config).orElse(false));
            long oldPid = onOwner(set, () -> set.replica(id).map(Replica::pid).orElse(0L));
            if (differs && changed != null) {
                changed.add(id);
            }
            CompletableFuture<Duration> ready = onOwner(set, () -> set.restartInPlace(id, config));
            Duration took = waitFor(ready, config.readinessTimeout().plus(config.killTimeout()).plus(READY_SLACK), run);
            long pid = onOwner(set, () -> set.replica(id).map(Replica::pid).orElse(0L));
            out.line(app, who + ": " + why + "; restarted" + (oldPid == 0 ? "" : " (old pid " + oldPid + ")")
                    + " as pid " + pid + ", ready in " + took.toMillis() + " ms");
            return "";
        } catch (RuntimeException | TimeoutException e) {
            String line = "instance " + id + ": " + why + "; restart failed: " + message(e);
            out.line(app, who.substring(0, who.indexOf(' ')) + " " + line);
            return line;
        }
    }

    /** Runs the undos newest first, each on the owner, each wait bounded. An undo that fails is logged, not skipped over. */
    private void rollback(ReplicaSet set, Deque<Undo> undo, Run run) {
        if (undo.isEmpty()) {
            return;
        }
        run.step(ReloadStep.ROLLING_BACK);
        while (!undo.isEmpty()) {
            Undo u = undo.pop();
            try {
                waitFor(onOwner(set, u.action()), KILL_LIMIT.plus(KILL_LIMIT), null);
            } catch (RuntimeException | TimeoutException e) {
                LOG.error("reload of {}: undo of {} failed: {}", set.name(), u.step(), message(e));
            }
        }
    }

    /** Runs one step on the app's owner and returns its value. */
    static <T> T onOwner(ReplicaSet set, Supplier<T> step) {
        try {
            return CompletableFuture.supplyAsync(step, set.owner()).get(OWNER_STEP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the owner of " + set.name() + " did not run a reload step within "
                    + OWNER_STEP_LIMIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReloadCancelledException("interrupted");
        }
    }

    private static CompletableFuture<String> abortOf(Surge surge) {
        return surge == null ? null : surge.aborted;
    }

    private static void checkAborted(Surge surge) {
        if (surge != null) {
            surge.checkAborted();
        }
    }

    /** Waits for a step's future, up to {@code limit}; a cancel of {@code run} (when given) ends the wait at once. */
    static <T> T waitFor(CompletableFuture<T> future, Duration limit, Run run) throws TimeoutException {
        return waitFor(future, limit, run, null);
    }

    /** As above; {@code abort} (when given), a surge sibling's failure, also ends the wait at once. */
    static <T> T waitFor(CompletableFuture<T> future, Duration limit, Run run, CompletableFuture<String> abort)
            throws TimeoutException {
        CompletableFuture<?> any = run == null && abort == null ? future
                : abort == null ? CompletableFuture.anyOf(future, run.cancelled)
                : run == null ? CompletableFuture.anyOf(future, abort)
                : CompletableFuture.anyOf(future, run.cancelled, abort);
        try {
            any.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // reported below through the future itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReloadCancelledException("interrupted");
        } catch (TimeoutException e) {
            throw new TimeoutException("not done within " + limit.toMillis() + " ms");
        }
        if (!future.isDone() && run != null) {
            run.checkCancelled();
        }
        if (!future.isDone() && abort != null && abort.isDone()) {
            throw new ReloadCancelledException("surge aborted, another instance failed (" + abort.join() + ")");
        }
        try {
            return future.getNow(null);
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    static String message(Throwable e) {
        Throwable t = (e instanceof ExecutionException || e instanceof java.util.concurrent.CompletionException) && e.getCause() != null
                ? e.getCause() : e;
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
