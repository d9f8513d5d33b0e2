package dev.supervisor.god;

import dev.supervisor.mbeans.AppMXBean;
import dev.supervisor.mbeans.GodMXBean;
import dev.supervisor.mbeans.NotificationTypes;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The God with real child processes, driven through its MBeans as JConsole or Jolokia would. */
class SupervisorCoreTest {
    private static TestDaemon daemon;
    private static GodMXBean god;

    @BeforeAll
    static void startDaemon() {
        daemon = TestDaemon.start();
        god = daemon.godBean();
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }

    @AfterEach
    void deleteApps() {
        if (!god.getAppNames().isEmpty()) {
            god.delete("all");
        }
    }

    private Path appsFile(Map<String, Object> app) {
        return Fixtures.appsFile(daemon.home().resolve("apps"), app);
    }

    private ProcessInfo awaitStatus(String app, int index, String status) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process(app, index), p -> p.getStatus().equals(status));
    }

    @Test
    void startStopRestartDeleteThroughTheMBeans() {
        Map<String, Object> app = Fixtures.app("svc");
        app.put("instances", 2);
        assertThat(god.start(appsFile(app).toString())).containsExactly("svc");
        ProcessInfo first = awaitStatus("svc", 0, "online");
        awaitStatus("svc", 1, "online");
        AppMXBean bean = daemon.appBean("svc");
        assertThat(bean.getInstancesOnline()).isEqualTo(2);
        assertThat(bean.getPids()).hasSize(2).allMatch(pid -> ProcessHandle.of(pid).isPresent());

        List<Long> pids = bean.getPids();
        bean.stop();
        assertThat(daemon.process("svc", 0).getStatus()).isEqualTo("stopped");
        assertThat(daemon.process("svc", 0).getPid()).isZero();
        await().until(() -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));

        bean.restart();
        ProcessInfo restarted = awaitStatus("svc", 0, "online");
        assertThat(restarted.getPid()).isNotEqualTo(first.getPid()).isNotZero();

        god.restart("svc");
        assertThat(awaitStatus("svc", 0, "online").getPid()).isNotEqualTo(restarted.getPid());

        bean.delete();
        assertThat(god.getAppNames()).doesNotContain("svc");
        assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(ObjectNames.app("svc"))).isFalse();
        assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(ObjectNames.processesOf("svc"), null)).isEmpty();
    }

    @Test
    void everyStatusChangeIsAJmxNotification() throws Exception {
        List<javax.management.Notification> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        javax.management.NotificationListener listener = (n, handback) -> seen.add(n);
        ManagementFactory.getPlatformMBeanServer().addNotificationListener(ObjectNames.god(), listener, null, null);
        try {
            god.start(appsFile(Fixtures.app("noisy")).toString());
            awaitStatus("noisy", 0, "online");
            god.stop("noisy");
            await().until(() -> seen.stream().anyMatch(n -> "stopped".equals(n.getUserData())));
            List<Object> statuses = seen.stream().filter(n -> n.getType().equals(NotificationTypes.PROCESS_STATUS)
                    && n.getMessage().startsWith("noisy[")).map(javax.management.Notification::getUserData).toList();
            assertThat(statuses).containsSubsequence("launching", "online", "stopping", "stopped");
        } finally {
            ManagementFactory.getPlatformMBeanServer().removeNotificationListener(ObjectNames.god(), listener);
        }
    }

    @Test
    void aKilledInstanceIsRestarted() throws Exception {
        god.start(appsFile(Fixtures.app("crashy")).toString());
        ProcessInfo before = awaitStatus("crashy", 0, "online");
        new ProcessBuilder("kill", "-9", Long.toString(before.getPid())).start().waitFor();
        ProcessInfo after = await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("crashy", 0),
                p -> p.getStatus().equals("online") && p.getPid() != before.getPid());
        assertThat(after.getRestarts()).isEqualTo(1);
        assertThat(after.getLastExit()).isEqualTo("signal SIGKILL");
    }

    @Test
    void aCrashLoopEndsErroredAfterMaxRestarts() {
        Map<String, Object> app = Fixtures.app("loop", "exit=0:1");
        app.put("max_restarts", 3);
        app.put("min_uptime", "20s");
        god.start(appsFile(app).toString());
        ProcessInfo p = awaitStatus("loop", 0, "errored");
        assertThat(p.getUnstableRestarts()).isEqualTo(3);
        assertThat(p.getRestarts()).isEqualTo(2);
        assertThat(p.getLastExit()).isEqualTo("exit code 1");
    }

    @Test
    void backoffPutsTheInstanceInWaitingRestart() {
        Map<String, Object> app = Fixtures.app("backoff", "exit=0:1");
        app.put("exp_backoff_restart_delay", 2000);
        god.start(appsFile(app).toString());
        ProcessInfo waiting = awaitStatus("backoff", 0, "waiting restart");
        assertThat(waiting.getPid()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("backoff", 0).getRestarts() >= 2);
    }

    @Test
    void stopExitCodesDoNotRestart() {
        Map<String, Object> app = Fixtures.app("done", "exit=0:3");
        app.put("stop_exit_codes", List.of(3));
        god.start(appsFile(app).toString());
        ProcessInfo p = awaitStatus("done", 0, "stopped");
        assertThat(p.getRestarts()).isZero();
        assertThat(p.getLastExit()).isEqualTo("exit code 3");
    }

    @Test
    void aChildIgnoringSigintIsKilledAfterKillTimeout() {
        Map<String, Object> app = Fixtures.app("stubborn", "ignore-sigint", "say=ready");
        app.put("kill_timeout", "500ms");
        god.start(appsFile(app).toString());
        ProcessInfo p = awaitStatus("stubborn", 0, "online");
        god.stop("stubborn");
        ProcessInfo stopped = daemon.process("stubborn", 0);
        assertThat(stopped.getStatus()).isEqualTo("stopped");
        assertThat(stopped.getLastExit()).isEqualTo("signal SIGKILL");
        assertThat(ProcessHandle.of(p.getPid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void theGrandchildDiesWithItsGroup() throws IOException {
        Path pidFile = daemon.home().resolve("grandchild.pid");
        god.start(appsFile(Fixtures.app("family", "grandchild=" + pidFile)).toString());
        awaitStatus("family", 0, "online");
        await().until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        long grandchild = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(grandchild)).isPresent();
        god.stop("family");
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(grandchild).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void logsRotateWithRetention() throws IOException {
        Map<String, Object> app = Fixtures.app("chatty", "lines=60000");
        app.put("log_max_size", "64K");
        app.put("log_retain", 2);
        god.start(appsFile(app).toString());
        ProcessInfo p = awaitStatus("chatty", 0, "online");
        Path out = Path.of(p.getOutLog());
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(Path.of(out + ".2"))
                && Files.readString(out).contains("line 60000 of 60000"));
        assertThat(Files.exists(Path.of(out + ".3"))).isFalse();
        for (Path f : List.of(out, Path.of(out + ".1"), Path.of(out + ".2"))) {
            assertThat(Files.size(f)).isLessThanOrEqualTo(64 * 1024);
        }
    }

    @Test
    void linesSentToStdinReachTheApp() {
        god.start(appsFile(Fixtures.app("talk", "stdin-echo")).toString());
        ProcessInfo p = awaitStatus("talk", 0, "online");
        daemon.god().requireApp("talk").instances().get(0).sendLine("hello there");
        await().until(() -> Files.readString(Path.of(p.getOutLog())).contains("stdin: hello there"));
    }

    @Test
    void unknownTargetsAreNamedAndDisturbNothing() {
        god.start(appsFile(Fixtures.app("steady")).toString());
        ProcessInfo p = awaitStatus("steady", 0, "online");
        assertThatThrownBy(() -> god.stop("nosuchapp")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nosuchapp' not found");
        assertThatThrownBy(() -> god.restart("/[/")).hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> god.start("/no/such/apps.yml")).hasMessageContaining("/no/such/apps.yml: apps file not found");
        assertThat(daemon.process("steady", 0).getPid()).isEqualTo(p.getPid());
        assertThat(daemon.process("steady", 0).getStatus()).isEqualTo("online");
    }

    @Test
    void targetsResolveLikePm2() {
        Map<String, Object> a = Fixtures.app("alpha");
        a.put("namespace", "team");
        Map<String, Object> b = Fixtures.app("beta");
        b.put("namespace", "team");
        god.start(Fixtures.appsFile(daemon.home().resolve("apps"), a, b).toString());
        awaitStatus("alpha", 0, "online");
        awaitStatus("beta", 0, "online");
        int alphaId = daemon.process("alpha", 0).getId();
        assertThat(god.stop("team")).hasSize(2);
        assertThat(god.restart("/^al/")).containsExactly(alphaId);
        assertThat(god.stop(Integer.toString(alphaId))).containsExactly(alphaId);
    }
}
