package dev.supervisor.reload;

import dev.supervisor.config.AppConfig;
import dev.supervisor.config.FrontKind;
import dev.supervisor.config.LogPolicy;
import dev.supervisor.front.DrainResult;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.mbeans.ReloadStep;
import dev.supervisor.readiness.ReadinessException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reload pipeline against a fake of the interfaces it drives: each undoable step failing in turn leaves the
 * old state exactly (instances, config, front membership); a cancel does too; a failed apps-file reload leaves
 * every instance on the old config.
 */
class ReloadStepsTest {
    private final ExecutorService owner = Executors.newSingleThreadExecutor();
    private final ExecutorService batches = Executors.newCachedThreadPool();

    @AfterEach
    void shutdown() {
        owner.shutdownNow();
        batches.shutdownNow();
    }

    static AppConfig config(String version) {
        return new AppConfig("web", "default", List.of("/bin/true", version), Path.of("/"), Map.of("VERSION", version), 2, 8080,
                FrontKind.HTTP, true, 16, Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO, Duration.ofMillis(1600), "SIGINT",
                Set.of(), false, Duration.ofSeconds(3), Optional.empty(), Optional.empty(), Duration.ofSeconds(8), Optional.empty(),
                Optional.empty(), false, Optional.empty(), LogPolicy.DEFAULT, 0, "SUPERVISOR_INSTANCE", Optional.empty(),
                "{\"name\":\"web\",\"version\":\"" + version + "\"}", true, Optional.empty(), Optional.empty(),
                dev.supervisor.config.WatchSpec.OFF, Map.of(), Optional.empty());
    }

    static final class FakeReplica implements Replica {
        final int id;
        final int generation;
        AppConfig config;
        String status;
        long pid;

        FakeReplica(int id, int generation, AppConfig config, String status, long pid) {
            this.id = id;
            this.generation = generation;
            this.config = config;
            this.status = status;
            this.pid = pid;
        }

        @Override public int id() { return id; }
        @Override public long pid() { return pid; }
        @Override public boolean isServing() { return status.equals("online"); }
        @Override public String statusLabel() { return status; }
        @Override public AppConfig config() { return config; }

        String key() {
            return id + "#" + generation;
        }

        @Override
        public String toString() {
            return key() + ":" + config.env().get("VERSION") + ":" + status;
        }
    }

    /** An app in memory; {@code failAt} makes one step fail, on the instance {@code failOn} (-1: any). */
    final class FakeSet implements ReplicaSet {
        final TreeMap<Integer, FakeReplica> serving = new TreeMap<>();
        final List<FakeReplica> aside = new ArrayList<>();
        final Set<String> front = new TreeSet<>();
        AppConfig config;
        ReloadStep failAt = ReloadStep.NONE;
        int failOn = -1;
        boolean hangReady;
        long nextPid = 1000;
        /** Per instance id, the readiness its candidate reports (tests complete it); others are ready at once. */
        final Map<Integer, CompletableFuture<Duration>> readyFor = new java.util.concurrent.ConcurrentHashMap<>();
        /** What happened, in order ("launch 0", "join 0", "leave 0", "stop 0"), and the smallest pool seen. */
        final List<String> events = new ArrayList<>();
        int minFront = Integer.MAX_VALUE;
        /** Tasks the owner ran so far; which of them launched each candidate, joined and left each instance. */
        int visits;
        final List<Integer> launchVisits = new ArrayList<>();
        final Map<Integer, Integer> joinVisit = new TreeMap<>();
        final Map<Integer, Integer> leaveVisit = new TreeMap<>();
        /** Per instance id, when its candidate's warm-up in the front is over (tests complete it); others at once. */
        final Map<Integer, CompletableFuture<Void>> warmFor = new java.util.concurrent.ConcurrentHashMap<>();
        /** Runs inside JOIN_FRONT (on the owner), after the join. */
        Runnable onJoin = () -> { };

        FakeSet(AppConfig config, int instances) {
            this.config = config;
            for (int id = 0; id < instances; id++) {
                FakeReplica r = new FakeReplica(id, 1, config, "online", nextPid++);
                serving.put(id, r);
                front.add(r.key());
            }
        }

        private boolean fails(ReloadStep step, int id) {
            return failAt == step && (failOn < 0 || failOn == id);
        }

        /** Everything a rollback must give back, read on the owner. */
        String snapshot() throws Exception {
            return owner.submit(() -> "config=" + config.env().get("VERSION") + " serving=" + serving.values() + " aside=" + aside
                    + " front=" + front).get(5, TimeUnit.SECONDS);
        }

        @Override public String name() { return "web"; }
        @Override public java.util.concurrent.Executor owner() {
            return task -> owner.execute(() -> {
                visits++;
                task.run();
            });
        }
        @Override public AppConfig config() { return config; }
        @Override public void useConfig(AppConfig c) { config = c; }
        @Override public List<Integer> ids() { return List.copyOf(serving.keySet()); }
        @Override public Optional<Replica> replica(int id) { return Optional.ofNullable(serving.get(id)); }

        @Override
        public Replica setAside(Replica old, AppConfig c, Object reservation) {
            FakeReplica o = (FakeReplica) old;
            if (fails(ReloadStep.SET_ASIDE, o.id)) {
                throw new IllegalStateException("set aside failed");
            }
            o.status = "replacing";
            aside.add(o);
            FakeReplica fresh = new FakeReplica(o.id, o.generation + 1, c, "stopped", 0);
            serving.put(o.id, fresh);
            return fresh;
        }

        @Override
        public void putBack(Replica old, Replica candidate, Object reservation) {
            FakeReplica o = (FakeReplica) old;
            aside.remove(o);
            serving.put(o.id, o);
            o.status = "online";
        }

        @Override
        public CompletableFuture<Duration> launchCandidate(Replica candidate) {
            FakeReplica c = (FakeReplica) candidate;
            if (fails(ReloadStep.LAUNCH_CANDIDATE, c.id)) {
                throw new IllegalStateException("cannot launch web[" + c.id + "]: fork failed");
            }
            c.status = "launching";
            c.pid = nextPid++;
            events.add("launch " + c.id);
            launchVisits.add(visits);
            if (readyFor.containsKey(c.id)) {
                return readyFor.get(c.id).thenApply(d -> {
                    c.status = "online";
                    return d;
                });
            }
            if (hangReady) {
                return new CompletableFuture<>();
            }
            if (fails(ReloadStep.AWAIT_READY, c.id)) {
                return CompletableFuture.failedFuture(new ReadinessException("exited with code 1 before it was ready"));
            }
            c.status = "online";
            return CompletableFuture.completedFuture(Duration.ofMillis(5));
        }

        @Override
        public CompletableFuture<Void> killCandidate(Replica candidate) {
            FakeReplica c = (FakeReplica) candidate;
            c.status = "stopped";
            c.pid = 0;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> joinFront(Replica candidate) {
            FakeReplica c = (FakeReplica) candidate;
            if (fails(ReloadStep.JOIN_FRONT, c.id)) {
                throw new IllegalStateException("the new instance is errored, not online");
            }
            front.add(c.key());
            events.add("join " + c.id);
            joinVisit.put(c.id, visits);
            onJoin.run();
            return warmFor.getOrDefault(c.id, CompletableFuture.completedFuture(null));
        }

        @Override
        public void leaveFront(Replica candidate) {
            front.remove(((FakeReplica) candidate).key());
        }

        @Override
        public CompletableFuture<DrainResult> leaveFrontAndDrain(Replica old, Object reservation) {
            FakeReplica o = (FakeReplica) old;
            front.remove(o.key());
            minFront = Math.min(minFront, front.size());
            events.add("leave " + o.id);
            leaveVisit.put(o.id, visits);
            o.status = "draining";
            return fails(ReloadStep.LEAVE_FRONT_AND_DRAIN, o.id) ? CompletableFuture.failedFuture(new IllegalStateException("drain failed"))
                    : CompletableFuture.completedFuture(new DrainResult(0, false));
        }

        @Override
        public void rejoinFront(Replica old, Object reservation) {
            FakeReplica o = (FakeReplica) old;
            front.add(o.key());
            o.status = "replacing";
        }

        @Override
        public CompletableFuture<Void> stopOld(Replica old, boolean graceful, Object reservation) {
            ((FakeReplica) old).status = "stopped";
            ((FakeReplica) old).pid = 0;
            events.add("stop " + old.id());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void dropOld(Replica old, Object reservation) {
            aside.remove(old);
        }

        @Override
        public CompletableFuture<Duration> restartInPlace(int id, AppConfig c) {
            FakeReplica r = serving.get(id);
            r.config = c;
            r.status = "online";
            return CompletableFuture.completedFuture(Duration.ofMillis(5));
        }

        @Override
        public void assignConfig(int id, AppConfig c) {
            serving.get(id).config = c;
        }

        @Override
        public CompletableFuture<Void> scaleTo(int instances) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private ReloadResult reload(FakeSet set, Optional<AppConfig> newConfig, ReloadPipeline.Run run) {
        return new ReloadPipeline(batches).run(set, new ReloadRequest(ReloadRequest.Kind.HARD, Set.of(), 0, false, newConfig),
                ReloadListener.NONE, run);
    }

    private ReloadResult surge(FakeSet set, Optional<AppConfig> newConfig, ReloadPipeline.Run run) {
        return new ReloadPipeline(batches).run(set, new ReloadRequest(ReloadRequest.Kind.HARD, Set.of(), 0, false, newConfig, true),
                ReloadListener.NONE, run);
    }

    private static ReloadPipeline.Run run(List<ReloadStep> steps) {
        return new ReloadPipeline.Run(s -> {
            synchronized (steps) {
                steps.add(s);
            }
        });
    }

    @Test
    void aReloadWithoutFailuresReplacesEveryInstanceWithTheNewConfig() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 2);
        List<ReloadStep> steps = new ArrayList<>();
        ReloadResult r = reload(set, Optional.of(config("v2")), run(steps));
        assertThat(r.getOutcome()).as(r.getSteps().toString()).isEqualTo("done");
        assertThat(set.snapshot()).isEqualTo("config=v2 serving=[0#2:v2:online, 1#2:v2:online] aside=[] front=[0#2, 1#2]");
        assertThat(steps).containsSubsequence(ReloadStep.APPLY_CONFIG, ReloadStep.SET_ASIDE, ReloadStep.LAUNCH_CANDIDATE,
                ReloadStep.AWAIT_READY, ReloadStep.JOIN_FRONT, ReloadStep.LEAVE_FRONT_AND_DRAIN, ReloadStep.STOP_OLD, ReloadStep.DROP_OLD);
        String v2 = ConfigIds.of(config("v2"));
        assertThat(r.getInstanceConfigs()).containsExactly("instance 0: config " + v2 + " (new)", "instance 1: config " + v2 + " (new)");
    }

    @ParameterizedTest
    @EnumSource(value = ReloadStep.class, names = {"SET_ASIDE", "LAUNCH_CANDIDATE", "AWAIT_READY", "JOIN_FRONT", "LEAVE_FRONT_AND_DRAIN"})
    void aStepFailingLeavesTheOldStateExactly(ReloadStep failing) throws Exception {
        FakeSet set = new FakeSet(config("v1"), 2);
        String before = set.snapshot();
        set.failAt = failing;
        List<ReloadStep> steps = new ArrayList<>();
        ReloadResult r = reload(set, Optional.of(config("v2")), run(steps));
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReason()).contains("rolled back");
        assertThat(set.snapshot()).isEqualTo(before);
        assertThat(steps).contains(failing);
        assertThat(steps.indexOf(ReloadStep.STOP_OLD)).as("nothing old was stopped").isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(value = ReloadStep.class, names = {"SET_ASIDE", "LAUNCH_CANDIDATE", "AWAIT_READY", "JOIN_FRONT", "LEAVE_FRONT_AND_DRAIN"})
    void aStepFailingOnALaterInstanceTakesTheNewConfigBackFromEveryInstance(ReloadStep failing) throws Exception {
        FakeSet set = new FakeSet(config("v1"), 2);
        set.failAt = failing;
        set.failOn = 1;
        ReloadResult r = reload(set, Optional.of(config("v2")), run(new ArrayList<>()));
        assertThat(r.getOutcome()).isEqualTo("failed");
        // Instance 0 was replaced with v2, then replaced again with v1 by the rollback; instance 1 never changed.
        assertThat(set.snapshot()).isEqualTo("config=v1 serving=[0#3:v1:online, 1#1:v1:online] aside=[] front=[0#3, 1#1]");
        String v1 = ConfigIds.of(config("v1"));
        assertThat(r.getInstanceConfigs()).containsExactly("instance 0: config " + v1 + " (previous)", "instance 1: config " + v1 + " (previous)");
    }

    @Test
    void aCancelEndsTheWaitAndRollsBackExactly() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 2);
        String before = set.snapshot();
        set.hangReady = true;
        List<ReloadStep> steps = new ArrayList<>();
        ReloadPipeline.Run run = run(steps);
        Future<ReloadResult> result = batches.submit(() -> reload(set, Optional.empty(), run));
        await().until(() -> {
            synchronized (steps) {
                return steps.contains(ReloadStep.AWAIT_READY);
            }
        });
        run.cancel("stop");
        ReloadResult r = result.get(5, TimeUnit.SECONDS);
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReason()).contains("reload cancelled: stop");
        assertThat(set.snapshot()).isEqualTo(before);
    }

    @Test
    void batchesNeverTakeEveryInstance() {
        assertThat(ReloadPipeline.batchSize(0, 4)).isEqualTo(1);
        assertThat(ReloadPipeline.batchSize(10, 4)).isEqualTo(3);
        assertThat(ReloadPipeline.batchSize(2, 1)).isEqualTo(1);
    }

    // ---- surge ---------------------------------------------------------------------------------------------------

    @Test
    void aSurgeLaunchesEveryCandidateBeforeTheFirstSwitchAndNeverShrinksThePool() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 3);
        ReloadResult r = surge(set, Optional.of(config("v2")), run(new ArrayList<>()));
        assertThat(r.getOutcome()).as(r.getSteps().toString()).isEqualTo("done");
        assertThat(r.getReplaced()).isEqualTo(3);
        assertThat(r.getSteps().get(0)).contains("all at once");
        assertThat(set.snapshot()).isEqualTo("config=v2 serving=[0#2:v2:online, 1#2:v2:online, 2#2:v2:online] aside=[] front=[0#2, 1#2, 2#2]");
        List<String> events = owner.submit(() -> List.copyOf(set.events)).get(5, TimeUnit.SECONDS);
        int lastLaunch = events.lastIndexOf("launch 2");
        for (String e : events) {
            if (!e.startsWith("launch")) {
                assertThat(events.indexOf(e)).as(events.toString()).isGreaterThan(Math.max(lastLaunch,
                        Math.max(events.indexOf("launch 0"), events.indexOf("launch 1"))));
            }
        }
        assertThat(set.minFront).as("the pool never held fewer than the old count").isGreaterThanOrEqualTo(3);
    }

    /** One instance's step fails while its siblings wait for readiness: every candidate goes, every old one stays. */
    @ParameterizedTest
    @EnumSource(value = ReloadStep.class, names = {"SET_ASIDE", "LAUNCH_CANDIDATE", "AWAIT_READY", "JOIN_FRONT", "LEAVE_FRONT_AND_DRAIN"})
    void aSurgeStepFailingOnOneInstanceLeavesTheOldStateExactly(ReloadStep failing) throws Exception {
        FakeSet set = new FakeSet(config("v1"), 3);
        String before = set.snapshot();
        set.failAt = failing;
        set.failOn = 1;
        set.readyFor.put(0, new CompletableFuture<>());
        set.readyFor.put(2, new CompletableFuture<>());
        List<ReloadStep> steps = new ArrayList<>();
        ReloadResult r = surge(set, Optional.of(config("v2")), run(steps));
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getFailed()).isEqualTo(3);
        assertThat(r.getReason()).contains("instance 1").doesNotContain("another instance failed");
        assertThat(set.snapshot()).isEqualTo(before);
        assertThat(steps).contains(failing);
        assertThat(steps.indexOf(ReloadStep.STOP_OLD)).as("nothing old was stopped").isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(value = ReloadStep.class, names = {"SET_ASIDE", "LAUNCH_CANDIDATE", "AWAIT_READY", "JOIN_FRONT", "LEAVE_FRONT_AND_DRAIN"})
    void aSurgeStepFailingOnEveryInstanceLeavesTheOldStateExactly(ReloadStep failing) throws Exception {
        FakeSet set = new FakeSet(config("v1"), 3);
        String before = set.snapshot();
        set.failAt = failing;
        ReloadResult r = surge(set, Optional.empty(), run(new ArrayList<>()));
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(set.snapshot()).isEqualTo(before);
    }

    @Test
    void aCancelEndsEverySurgeWaitAndRollsBackExactly() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 3);
        String before = set.snapshot();
        set.hangReady = true;
        List<ReloadStep> steps = new ArrayList<>();
        ReloadPipeline.Run run = run(steps);
        Future<ReloadResult> result = batches.submit(() -> surge(set, Optional.empty(), run));
        await().until(() -> owner.submit(() -> set.events.size()).get() == 3);
        run.cancel("stop");
        ReloadResult r = result.get(5, TimeUnit.SECONDS);
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReason()).contains("reload cancelled: stop");
        assertThat(set.snapshot()).isEqualTo(before);
    }

    /** Each hop to the owner waits for a core on a loaded machine: a surge makes one for all its launches. */
    @Test
    void aSurgeSetsAsideAndLaunchesEveryCandidateInOneVisit() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 4);
        ReloadResult r = surge(set, Optional.empty(), run(new ArrayList<>()));
        assertThat(r.getOutcome()).as(r.getSteps().toString()).isEqualTo("done");
        owner.submit(() -> {
            assertThat(set.launchVisits).hasSize(4);
            assertThat(Set.copyOf(set.launchVisits)).as("one visit launched all").hasSize(1);
        }).get(5, TimeUnit.SECONDS);
        assertThat(set.minFront).isGreaterThanOrEqualTo(4);
    }

    /**
     * In batch mode the old instance leaves in the visit its replacement joins in (one hop less per instance), but
     * for the last batch's, which hands over (the next test).
     */
    @Test
    void aBatchReloadJoinsAndLeavesEachInstanceInOneVisitButTheLast() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 3);
        ReloadResult r = reload(set, Optional.empty(), run(new ArrayList<>()));
        assertThat(r.getOutcome()).as(r.getSteps().toString()).isEqualTo("done");
        owner.submit(() -> {
            assertThat(set.joinVisit).hasSize(3);
            assertThat(set.leaveVisit).hasSize(3);
            for (int id : new int[] {0, 1}) {
                assertThat(set.leaveVisit.get(id)).as("join and leave of instance " + id + " in one visit")
                        .isEqualTo(set.joinVisit.get(id));
            }
            assertThat(set.leaveVisit.get(2)).as("the last one's leave comes in a later visit").isGreaterThan(set.joinVisit.get(2));
        }).get(5, TimeUnit.SECONDS);
    }

    /**
     * The last batch's old instance serves beside its replacement until the replacement's warm-up is over: leaving
     * at the join, it would leave only newcomers in the pool (with one instance: one cold process), every request on
     * a process that has just started.
     */
    @Test
    void aBatchReloadsLastOldInstanceLeavesOnlyOnceItsReplacementIsWarm() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 2);
        CompletableFuture<Void> warm = new CompletableFuture<>();
        set.warmFor.put(1, warm);
        set.warmFor.put(0, new CompletableFuture<>()); // not the last batch: its old one leaves at the join anyway
        Future<ReloadResult> result = batches.submit(() -> reload(set, Optional.empty(), run(new ArrayList<>())));
        await().until(() -> owner.submit(() -> set.events.contains("join 1")).get());
        owner.submit(() -> {
            assertThat(set.events).as("old 0 left at its replacement's join").contains("leave 0");
            assertThat(set.events).as("old 1 still serves").doesNotContain("leave 1");
            assertThat(set.front).as("old and new 1 side by side").contains("1#1", "1#2");
        }).get(5, TimeUnit.SECONDS);
        assertThat(result.isDone()).isFalse();
        warm.complete(null);
        ReloadResult r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.getOutcome()).as(r.getSteps().toString()).isEqualTo("done");
        assertThat(set.snapshot()).isEqualTo("config=v1 serving=[0#2:v1:online, 1#2:v1:online] aside=[] front=[0#2, 1#2]");
        assertThat(set.minFront).as("the pool never held fewer than the old count").isGreaterThanOrEqualTo(2);
    }

    /**
     * A surge's old instance serves beside its replacement until the replacement's warm-up is over: were it to leave
     * at the join, the pool would hold only cold newcomers whose warm-ups weigh the same.
     */
    @Test
    void aSurgeOldInstanceLeavesOnlyOnceItsReplacementIsWarm() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 2);
        CompletableFuture<Void> warm = new CompletableFuture<>();
        set.warmFor.put(0, warm);
        Future<ReloadResult> result = batches.submit(() -> surge(set, Optional.empty(), run(new ArrayList<>())));
        await().until(() -> owner.submit(() -> set.events.contains("join 0") && set.events.contains("stop 1")).get());
        owner.submit(() -> {
            assertThat(set.events).as("old 0 still serves").doesNotContain("leave 0");
            assertThat(set.front).as("old and new 0 side by side").contains("0#1", "0#2");
        }).get(5, TimeUnit.SECONDS);
        assertThat(result.isDone()).isFalse();
        warm.complete(null);
        ReloadResult r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.getOutcome()).as(r.getSteps().toString()).isEqualTo("done");
        List<String> events = owner.submit(() -> List.copyOf(set.events)).get(5, TimeUnit.SECONDS);
        assertThat(events.indexOf("leave 0")).isGreaterThan(events.indexOf("join 0"));
        assertThat(set.snapshot()).isEqualTo("config=v1 serving=[0#2:v1:online, 1#2:v1:online] aside=[] front=[0#2, 1#2]");
    }

    /** A cancel during the hand-over: the newcomer leaves again and the old instance, which never left, stays. */
    @Test
    void aCancelDuringASurgeHandOverUndoesTheJoinExactly() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 2);
        String before = set.snapshot();
        set.warmFor.put(0, new CompletableFuture<>());
        set.warmFor.put(1, new CompletableFuture<>());
        ReloadPipeline.Run run = run(new ArrayList<>());
        Future<ReloadResult> result = batches.submit(() -> surge(set, Optional.empty(), run));
        await().until(() -> owner.submit(() -> set.events.contains("join 0") && set.events.contains("join 1")).get());
        run.cancel("stop");
        ReloadResult r = result.get(5, TimeUnit.SECONDS);
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReason()).contains("reload cancelled: stop");
        assertThat(set.snapshot()).isEqualTo(before);
        assertThat(owner.submit(() -> List.copyOf(set.events)).get(5, TimeUnit.SECONDS)).doesNotContain("leave 0", "leave 1");
    }

    /** The first failure in the surge's launch visit stops it: no candidate is launched for the instances after it. */
    @Test
    void aSurgeLaunchesNothingAfterTheFirstFailedLaunch() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 3);
        String before = set.snapshot();
        set.failAt = ReloadStep.LAUNCH_CANDIDATE;
        set.failOn = 1;
        ReloadResult r = surge(set, Optional.empty(), run(new ArrayList<>()));
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReason()).contains("instance 1").contains("fork failed");
        List<String> events = owner.submit(() -> List.copyOf(set.events)).get(5, TimeUnit.SECONDS);
        assertThat(events).contains("launch 0").doesNotContain("launch 2");
        assertThat(set.snapshot()).isEqualTo(before);
    }

    /** A cancel that arrives while the new instance joins: the old one never leaves, the new one leaves again. */
    @Test
    void aCancelDuringTheJoinUndoesItAndTheOldOneNeverLeaves() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 2);
        String before = set.snapshot();
        ReloadPipeline.Run run = run(new ArrayList<>());
        set.onJoin = () -> run.cancel("stop");
        ReloadResult r = reload(set, Optional.empty(), run);
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReason()).contains("reload cancelled: stop");
        assertThat(set.snapshot()).isEqualTo(before);
        assertThat(owner.submit(() -> List.copyOf(set.events)).get(5, TimeUnit.SECONDS)).doesNotContain("leave 0", "leave 1");
    }

    /**
     * As in batch mode when a later batch fails: an instance already switched keeps the new version, except that
     * an apps file's new config is taken back from it (it is replaced again with the previous one).
     */
    @Test
    void aSurgeFailureAfterAnotherInstanceSwitchedRevertsItsConfigLikeTheBatchMode() throws Exception {
        FakeSet set = new FakeSet(config("v1"), 2);
        CompletableFuture<Duration> late = new CompletableFuture<>();
        set.readyFor.put(1, late);
        Future<ReloadResult> result = batches.submit(() -> surge(set, Optional.of(config("v2")), run(new ArrayList<>())));
        await().until(() -> owner.submit(() -> set.events.contains("stop 0") && set.aside.stream().noneMatch(a -> a.id == 0)).get());
        late.completeExceptionally(new ReadinessException("exited with code 1 before it was ready"));
        ReloadResult r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReplaced()).isEqualTo(1);
        assertThat(r.getReason()).contains("instance 1").contains("exited with code 1");
        assertThat(set.snapshot()).isEqualTo("config=v1 serving=[0#3:v1:online, 1#1:v1:online] aside=[] front=[0#3, 1#1]");
    }
}
