package dev.supervisor.reload;

import dev.supervisor.mbeans.ReloadState;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.front.Front;
import dev.supervisor.god.App;
import dev.supervisor.god.MemoryLimit;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import dev.supervisor.testing.LoadLoop;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The hard reload pipeline with real processes behind a real front, under real keep-alive load. */
class ReloadPipelineTest {
    private static TestDaemon daemon;

    @BeforeAll
    static void start() {
        // The new instances' lower priority is opt-in (SUPERVISOR_RELOAD_NICE, or this property for a daemon in this
        // JVM, read when it starts): every reload here runs with it, and newInstancesStartAtALowerPriority... checks it.
        System.setProperty("supervisor.reload.nice", "10");
        try {
            daemon = TestDaemon.start();
        } finally {
            System.clearProperty("supervisor.reload.nice");
        }
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    @AfterEach
    void clean() {
        if (!daemon.god().apps().isEmpty()) {
            daemon.god().delete("all");
        }
    }

    private static Map<String, Object> web(String name, int port, int instances, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("listen");
        Map<String, Object> app = Fixtures.app(name, all.toArray(String[]::new));
        app.put("port", port);
        app.put("instances", instances);
        app.put("listen_timeout", "20s");
        return app;
    }

    private static Path file(Map<String, Object> app) {
        return Fixtures.appsFile(daemon.home().resolve("apps"), app);
    }

    private static Set<Long> onlinePids(String app) {
        return daemon.list().stream().filter(p -> p.getName().equals(app) && p.getStatus().equals("online"))
                .map(ProcessInfo::getPid).collect(Collectors.toSet());
    }

    private static void startAndAwaitOnline(Map<String, Object> app, int instances) {
        daemon.godBean().start(file(app).toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> onlinePids((String) app.get("name")).size() == instances);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void zeroFailedRequestsUnderKeepAliveLoad(int instances) throws Exception {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("web" + instances, port, instances), instances);
        Set<Long> before = onlinePids("web" + instances);
        try (LoadLoop load = new LoadLoop(port, 8, 200_000)) {
            await().until(() -> load.ok() > 500);
            ReloadResult result = daemon.appBean("web" + instances).reload();
            assertThat(result.getOutcome()).as(result.toString()).isEqualTo("done");
            assertThat(result.getReplaced()).isEqualTo(instances);
            int afterReload = load.ok();
            await().until(() -> load.ok() > afterReload + 500);
            load.stop();
            assertThat(load.failed()).as(load.errors().toString()).isZero();
            assertThat(load.non2xx()).as(load.errors().toString()).isZero();
            Set<Long> after = onlinePids("web" + instances);
            assertThat(after).hasSize(instances).doesNotContainAnyElementsOf(before);
            Set<String> served = load.bodies();
            assertThat(served).anyMatch(b -> before.stream().anyMatch(pid -> b.equals("pid " + pid)));
            assertThat(served).anyMatch(b -> after.stream().anyMatch(pid -> b.equals("pid " + pid)));
        }
    }

    @Test
    void eachReloadStepIsAJmxNotificationOnTheApp() throws Exception {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("told", port, 1), 1);
        List<String> types = new java.util.concurrent.CopyOnWriteArrayList<>();
        javax.management.NotificationListener listener = (n, handback) -> types.add(n.getType());
        javax.management.ObjectName app = dev.supervisor.mbeans.ObjectNames.app("told");
        java.lang.management.ManagementFactory.getPlatformMBeanServer().addNotificationListener(app, listener, null, null);
        try {
            assertThat(daemon.appBean("told").reload().getOutcome()).isEqualTo("done");
            await().until(() -> types.contains(dev.supervisor.mbeans.NotificationTypes.RELOAD_DONE));
            assertThat(types).containsSubsequence(dev.supervisor.mbeans.NotificationTypes.RELOAD_STARTED,
                    dev.supervisor.mbeans.NotificationTypes.RELOAD_STEP, dev.supervisor.mbeans.NotificationTypes.RELOAD_DONE);
            assertThat(daemon.appBean("told").getLastReload().getOutcome()).isEqualTo("done");
            assertThat(daemon.appBean("told").getReloadState()).isEqualTo("idle");
        } finally {
            java.lang.management.ManagementFactory.getPlatformMBeanServer().removeNotificationListener(app, listener);
        }
    }

    @Test
    void aNewInstanceThatExitsAtStartIsRolledBack() {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("fragile", port, 1), 1);
        long oldPid = onlinePids("fragile").iterator().next();
        Map<String, Object> broken = Fixtures.app("fragile", "exit=0:7");
        broken.put("port", port);
        List<ReloadResult> results = daemon.godBean().reload(file(broken).toString());
        assertThat(results).hasSize(1);
        ReloadResult r = results.get(0);
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReason()).contains("exit", "7", "rolled back", "old pid " + oldPid + " kept serving");
        assertThat(onlinePids("fragile")).containsExactly(oldPid);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).isEqualTo("pid " + oldPid + "\n");
        assertThat(daemon.list()).hasSize(1);
    }

    @Test
    void aNewInstanceThatNeverGetsReadyIsRolledBack() {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("sleepy", port, 1), 1);
        long oldPid = onlinePids("sleepy").iterator().next();
        Map<String, Object> slow = web("sleepy", port, 1, "start-delay=60000");
        slow.put("listen_timeout", "1s");
        ReloadResult r = daemon.godBean().reload(file(slow).toString()).get(0);
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReason()).contains("not ready after").contains("kept serving");
        assertThat(onlinePids("sleepy")).containsExactly(oldPid);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").status()).isEqualTo(200);
        assertThat(daemon.god().requireApp("sleepy").config().listenTimeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aSecondReloadIsRefusedAndForceQueuesIt() {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("busy", port, 1, "start-delay=1500"), 1);
        List<CompletableFuture<ReloadResult>> first = daemon.god().beginReload("busy", ReloadRequest.Kind.HARD, 0, false, "", ReloadListener.NONE);
        await().until(() -> daemon.god().requireApp("busy").reloads().state() == ReloadState.RUNNING);
        assertThatThrownBy(() -> daemon.godBean().reload("busy"))
                .hasMessageContaining("reload of busy already in progress (started at").hasMessageContaining("--force");
        List<CompletableFuture<ReloadResult>> queued = daemon.god().beginReload("busy", ReloadRequest.Kind.HARD, 0, true, "", ReloadListener.NONE);
        assertThat(first.get(0).join().getOutcome()).isEqualTo("done");
        assertThat(queued.get(0).join().getOutcome()).isEqualTo("done");
        assertThat(daemon.god().requireApp("busy").reloads().state()).isEqualTo(ReloadState.IDLE);
        assertThat(daemon.process("busy", 0).getRestarts()).isEqualTo(2);
    }

    @Test
    void readinessBySdNotify() {
        Map<String, Object> app = new java.util.LinkedHashMap<>();
        app.put("name", "notifier");
        app.put("script", "/usr/bin/python3");
        app.put("interpreter", "none");
        app.put("args", List.of("-c", "import os,socket,time\ntime.sleep(0.3)\n"
                + "s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(b'STATUS=warming\\nREADY=1', os.environ['NOTIFY_SOCKET'])\n"
                + "print('notified', flush=True)\ntime.sleep(600)\n"));
        app.put("wait_ready", true);
        app.put("min_uptime", "100ms");
        startAndAwaitOnline(app, 1);
        ReloadResult r = daemon.appBean("notifier").reload();
        assertThat(r.getOutcome()).as(r.toString()).isEqualTo("done");
        assertThat(String.join("\n", r.getSteps())).contains("ready in");
    }

    @Test
    void readinessByUrlAndByPattern() {
        int port = Fixtures.freePort();
        Map<String, Object> url = web("byurl", port, 1);
        url.put("ready_url", "http://127.0.0.1:${PORT}/health");
        startAndAwaitOnline(url, 1);
        assertThat(daemon.appBean("byurl").reload().getOutcome()).isEqualTo("done");

        Map<String, Object> pattern = Fixtures.app("bypattern", "start-delay=300", "say=WARMED-UP");
        pattern.put("ready_pattern", "WARMED-UP$");
        startAndAwaitOnline(pattern, 1);
        ReloadResult r = daemon.appBean("bypattern").reload();
        assertThat(r.getOutcome()).as(r.toString()).isEqualTo("done");
    }

    @Test
    void batchesKeepTheMinimumServing() throws Exception {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("fleet", port, 3), 3);
        App app = daemon.god().requireApp("fleet");
        Front front = app.front().orElseThrow();
        AtomicInteger minBackends = new AtomicInteger(Integer.MAX_VALUE);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> minBackends.accumulateAndGet(front.backends().size(), Math::min), 0, 1, TimeUnit.MILLISECONDS);
        ReloadResult byDefault = daemon.appBean("fleet").reload();
        assertThat(byDefault.getOutcome()).isEqualTo("done");
        assertThat(minBackends.get()).isGreaterThanOrEqualTo(2);
        assertThat(byDefault.getSteps().get(0)).contains("1 at a time");

        List<String> lines = new ArrayList<>();
        List<CompletableFuture<ReloadResult>> wide = daemon.god().beginReload("fleet", ReloadRequest.Kind.HARD, 5, false, "",
                (a, line) -> lines.add(line));
        assertThat(wide.get(0).join().getOutcome()).isEqualTo("done");
        sampler.shutdownNow();
        assertThat(lines.get(0)).contains("2 at a time");
        assertThat(minBackends.get()).isGreaterThanOrEqualTo(1);
    }

    /**
     * A surge reload of 3 instances that take ~300 ms to start: every candidate is launched before the first old
     * one stops (so the reload takes about one start, not three), the pool never holds fewer than 3, and not one
     * request fails under keep-alive load. Structure, not time: the time is bench/perf.sh's.
     */
    @Test
    void aSurgeReloadStartsEveryCandidateBesideTheOldOnesAndKeepsCapacity() throws Exception {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("surge", port, 3, "start-delay=300"), 3);
        Set<Long> before = onlinePids("surge");
        Front front = daemon.god().requireApp("surge").front().orElseThrow();
        List<Integer> poolSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (LoadLoop load = new LoadLoop(port, 8, 200_000)) {
            await().until(() -> load.ok() > 500);
            sampler.scheduleAtFixedRate(() -> poolSizes.add(front.backends().size()), 0, 1, TimeUnit.MILLISECONDS);
            List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
            ReloadResult result = daemon.god().beginReload("surge", ReloadRequest.Kind.HARD, 0, false, "", true,
                    (a, line) -> lines.add(line)).get(0).join();
            sampler.shutdownNow();
            assertThat(result.getOutcome()).as(result.toString()).isEqualTo("done");
            assertThat(result.getReplaced()).isEqualTo(3);
            int lastLaunch = -1;
            int firstStop = Integer.MAX_VALUE;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains("launched, waiting")) {
                    lastLaunch = i;
                }
                if (lines.get(i).contains("and stopped")) {
                    firstStop = Math.min(firstStop, i);
                }
            }
            assertThat(lastLaunch).as(lines.toString()).isGreaterThanOrEqualTo(0).isLessThan(firstStop);
            assertThat(lines.stream().filter(l -> l.contains("launched, waiting")).count()).isEqualTo(3);
            assertThat(poolSizes).as("pool sizes during the reload").isNotEmpty();
            assertThat(java.util.Collections.min(poolSizes)).as("pool size never below the old count").isGreaterThanOrEqualTo(3);
            int afterReload = load.ok();
            await().until(() -> load.ok() > afterReload + 500);
            load.stop();
            assertThat(load.failed()).as(load.errors().toString()).isZero();
            assertThat(load.non2xx()).as(load.errors().toString()).isZero();
        } finally {
            sampler.shutdownNow();
        }
        assertThat(onlinePids("surge")).hasSize(3).doesNotContainAnyElementsOf(before);
    }

    @Test
    void aSurgeReportsItsSwitchTimeAndTheSlowestStart() {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("timed", port, 2, "start-delay=200"), 2);
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        ReloadResult result = daemon.god().beginReload("timed", ReloadRequest.Kind.HARD, 0, false, "", true,
                (a, line) -> lines.add(line)).get(0).join();
        assertThat(result.getOutcome()).as(result.toString()).isEqualTo("done");
        // Each new instance waits 200 ms before it listens: its start (launch -> ready) is at least that.
        assertThat(result.getSlowestStartMillis()).as(result.toString()).isGreaterThanOrEqualTo(200);
        // The last switch comes after the slowest start, and the whole reload (old ones stopped) after the switch.
        assertThat(result.getSwitchedMillis()).isGreaterThanOrEqualTo(result.getSlowestStartMillis())
                .isLessThanOrEqualTo(result.getDurationMillis());
        String summary = lines.get(lines.size() - 1);
        assertThat(summary).contains("reload done", "switched in " + result.getSwitchedMillis() + " ms",
                "slowest new instance ready in " + result.getSlowestStartMillis() + " ms", "one start + ");
        assertThat(daemon.appBean("timed").getLastReload().getSwitchedMillis()).isEqualTo(result.getSwitchedMillis());
        assertThat(daemon.god().describe("timed")).contains("last reload", "switched in " + result.getSwitchedMillis() + " ms");
    }

    /** The nice value of each thread of a process; empty once it is gone. */
    private static List<Integer> threadNices(long pid) {
        List<Integer> out = new ArrayList<>();
        try (var tasks = java.nio.file.Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                String stat = java.nio.file.Files.readString(t.resolve("stat"));
                out.add(Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]));
            }
        } catch (java.io.IOException | RuntimeException e) {
            return List.of();
        }
        return out;
    }

    @Test
    void newInstancesStartAtALowerPriorityAndServeAtTheDaemonsOwn() throws Exception {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("niced", port, 2), 2);
        int own = dev.supervisor.process.ProcessPriority.own();
        boolean lowered = dev.supervisor.process.ProcessPriority.canRestore();
        Path gate = daemon.home().resolve("niced-gate");
        App app = daemon.god().requireApp("niced");
        CompletableFuture<ReloadResult> reload = daemon.god().beginReload(
                file(web("niced", port, 2, "await-file=" + gate)).toString(), ReloadRequest.Kind.HARD, 0, false, "", true,
                ReloadListener.NONE).get(0);
        // Both candidates wait on the gate: while they start, every thread of theirs runs at the daemon's nice + 10
        // (this daemon's setting; only where the daemon may give the priority back, else at the daemon's own).
        int starting = lowered ? Math.min(19, own + 10) : own;
        await().atMost(Duration.ofSeconds(30)).until(() -> app.instances().stream()
                .filter(i -> i.status().label().equals("launching") && i.pid() != 0).count() == 2);
        List<Long> candidates = app.instances().stream().map(i -> i.pid()).toList();
        for (long pid : candidates) {
            await().atMost(Duration.ofSeconds(10)).until(() -> threadNices(pid).size() > 1);
            assertThat(threadNices(pid)).as("nice of pid " + pid + "'s threads while it starts").containsOnly(starting);
        }
        java.nio.file.Files.writeString(gate, "go");
        ReloadResult result = reload.get(60, TimeUnit.SECONDS);
        assertThat(result.getOutcome()).as(result.toString()).isEqualTo("done");
        // Switched in: they serve at the daemon's priority, every thread (those started later inherit it).
        assertThat(onlinePids("niced")).containsExactlyInAnyOrderElementsOf(candidates);
        for (long pid : candidates) {
            assertThat(threadNices(pid)).as("nice of pid " + pid + "'s threads once it serves").containsOnly(own);
        }
    }

    @Test
    void reloadThroughJolokiaExecAndTheCli() throws Exception {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("remote", port, 1), 1);
        long pid0 = onlinePids("remote").iterator().next();
        Http.Response r = Http.get(daemon.jolokiaUrl() + "/exec/supervisor:type=App,name=remote/reload", daemon.user(), daemon.password());
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.get("status").asInt()).as(r.body()).isEqualTo(200);
        assertThat(body.get("value").get("outcome").asText()).isEqualTo("done");
        long pid1 = onlinePids("remote").iterator().next();
        assertThat(pid1).isNotEqualTo(pid0);

        TestDaemon.CliResult cli = daemon.cli("reload", "remote");
        assertThat(cli.code()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("instance", "old pid " + pid1, "drained", "and stopped", "reload done");
        assertThat(onlinePids("remote")).doesNotContain(pid1).hasSize(1);
    }

    @Test
    void reloadOfAnAppsFileAppliesNewEnvAndInstances() {
        int port = Fixtures.freePort();
        Map<String, Object> v1 = web("config", port, 1, "show-env=COLOR");
        v1.put("env", Map.of("COLOR", "blue"));
        startAndAwaitOnline(v1, 1);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("COLOR=blue");
        Map<String, Object> v2 = web("config", port, 2, "show-env=COLOR");
        v2.put("env", Map.of("COLOR", "green"));
        Map<String, Object> newcomer = Fixtures.app("newcomer");
        List<ReloadResult> results = daemon.godBean().reload(Fixtures.appsFile(daemon.home().resolve("apps"), v2, newcomer).toString());
        assertThat(results).hasSize(1);
        ReloadResult r = results.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> onlinePids("newcomer").size() == 1);
        assertThat(r.getOutcome()).as(r.toString()).isEqualTo("done");
        await().until(() -> onlinePids("config").size() == 2);
        for (int i = 0; i < 6; i++) {
            assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).contains("COLOR=green");
        }
    }

    @Test
    void softReloadLetsTheOldInstanceExitByItself() throws Exception {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("gentle", port, 1), 1);
        long before = onlinePids("gentle").iterator().next();
        try (LoadLoop load = new LoadLoop(port, 4, 200_000)) {
            await().until(() -> load.ok() > 200);
            ReloadResult r = daemon.appBean("gentle").softReload();
            assertThat(r.getOutcome()).as(r.toString()).isEqualTo("done");
            assertThat(r.getSteps().get(0)).contains("(soft)");
            load.stop();
            assertThat(load.failed()).as(load.errors().toString()).isZero();
            assertThat(load.non2xx()).isZero();
        }
        assertThat(onlinePids("gentle")).hasSize(1).doesNotContain(before);
        assertThat(ProcessHandle.of(before).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void scaleAddsAndRemovesInstancesWithoutDroppingRequests() throws Exception {
        int port = Fixtures.freePort();
        startAndAwaitOnline(web("elastic", port, 1), 1);
        try (LoadLoop load = new LoadLoop(port, 4, 200_000)) {
            await().until(() -> load.ok() > 200);
            daemon.appBean("elastic").scale(3);
            assertThat(onlinePids("elastic")).hasSize(3);
            daemon.appBean("elastic").scale(1);
            assertThat(onlinePids("elastic")).hasSize(1);
            int now = load.ok();
            await().until(() -> load.ok() > now + 200);
            load.stop();
            assertThat(load.failed()).as(load.errors().toString()).isZero();
            assertThat(load.non2xx()).isZero();
        }
    }

    @Test
    void anInstanceOverMaxMemoryRestartIsReloaded() {
        int port = Fixtures.freePort();
        Map<String, Object> app = web("hungry", port, 1, "alloc=200");
        app.put("max_memory_restart", "150M");
        startAndAwaitOnline(app, 1);
        long before = onlinePids("hungry").iterator().next();
        MemoryLimit limit = new MemoryLimit(daemon.god());
        ReloadCoordinator reloads = daemon.god().requireApp("hungry").reloads();
        List<Integer> started = limit.checkOnce();
        if (started.isEmpty()) {
            // The daemon's own 30 s check got there first: its reload of the instance is the one running.
            assertThat(reloads.state() != ReloadState.IDLE || reloads.lastResult() != null).as("a memory reload ran").isTrue();
        } else {
            assertThat(started).containsExactly(daemon.process("hungry", 0).getId());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> reloads.lastResult() != null);
        assertThat(daemon.god().requireApp("hungry").reloads().lastResult().getOutcome()).isEqualTo("done");
        assertThat(onlinePids("hungry")).hasSize(1).doesNotContain(before);
        daemon.god().delete("hungry");

        Map<String, Object> modest = web("modest", Fixtures.freePort(), 1);
        modest.put("max_memory_restart", "2G");
        startAndAwaitOnline(modest, 1);
        assertThat(limit.checkOnce()).isEmpty();
    }

    @Test
    void withoutAFrontAReloadIsARestartOnThePublicPort() {
        int port = Fixtures.freePort();
        Map<String, Object> app = web("bare", port, 1);
        app.put("front", "none");
        startAndAwaitOnline(app, 1);
        long before = onlinePids("bare").iterator().next();
        assertThat(daemon.god().requireApp("bare").front()).isEmpty();
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).isEqualTo("pid " + before + "\n");
        ReloadResult r = daemon.appBean("bare").reload();
        assertThat(r.getOutcome()).as(r.toString()).isEqualTo("done");
        assertThat(String.join("\n", r.getSteps())).contains("front: none", "restarted (old pid " + before + ")");
        long after = onlinePids("bare").iterator().next();
        assertThat(after).isNotEqualTo(before);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").body()).isEqualTo("pid " + after + "\n");
    }

    @Test
    void tcpFrontWithARawEchoApp() throws Exception {
        int port = Fixtures.freePort();
        Map<String, Object> app = Fixtures.app("echo", "echo");
        app.put("port", port);
        app.put("front", "tcp");
        startAndAwaitOnline(app, 1);
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            out.write("ping\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("ping");
            CompletableFuture<ReloadResult> reload = CompletableFuture.supplyAsync(() -> daemon.appBean("echo").reload());
            // The open connection keeps working while the old instance drains.
            out.write("still here\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("still here");
            s.close();
            assertThat(reload.join().getOutcome()).isEqualTo("done");
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write("after\n".getBytes(StandardCharsets.UTF_8));
            assertThat(new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine()).isEqualTo("after");
        }
    }
}
