package dev.supervisor.god;

import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.mbeans.ReloadState;
import dev.supervisor.mbeans.ReloadStep;
import dev.supervisor.reload.ReloadListener;
import dev.supervisor.reload.ReloadRequest;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What each operation does while a reload of the same app runs: stop and delete cancel it, roll it back, then
 * act, within kill_timeout plus a few seconds; restart and scale are refused with a message saying why. Never an
 * undone stop, never an untracked process.
 */
class ReloadConflictsTest {
    private static TestDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        daemon = TestDaemon.start();
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }

    @AfterEach
    void deleteApps() {
        if (!daemon.god().apps().isEmpty()) {
            daemon.god().delete("all");
        }
    }

    private static Map<String, Object> web(String name, int port, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("listen");
        Map<String, Object> app = Fixtures.app(name, all.toArray(String[]::new));
        app.put("port", port);
        app.put("instances", 2);
        app.put("listen_timeout", "30s");
        app.put("kill_timeout", "1500ms");
        return app;
    }

    private static Path file(Map<String, Object> app) {
        return Fixtures.appsFile(daemon.home().resolve("apps"), app);
    }

    /** Starts the app, then a reload whose new instance never gets ready; returns once it waits at AWAIT_READY. */
    private static CompletableFuture<ReloadResult> stuckReload(String name, int port) {
        daemon.god().start(file(web(name, port)), "");
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.god().requireApp(name).onlineCount() == 2);
        List<CompletableFuture<ReloadResult>> r = daemon.god().beginReload(file(web(name, port, "start-delay=600000")).toString(),
                ReloadRequest.Kind.HARD, 0, false, "", ReloadListener.NONE);
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.god().requireApp(name).reloads().step() == ReloadStep.AWAIT_READY);
        return r.get(0);
    }

    private static Set<Long> pids(String name) {
        Set<Long> out = new TreeSet<>();
        daemon.god().list().stream().filter(p -> p.getName().equals(name)).map(ProcessInfo::getPid).filter(p -> p != 0).forEach(out::add);
        return out;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void stopCancelsTheReloadRollsItBackThenStopsEverything() {
        int port = Fixtures.freePort();
        CompletableFuture<ReloadResult> reload = stuckReload("halt", port);
        Set<Long> all = pids("halt");
        assertThat(all).as("two old instances and one candidate").hasSize(3);
        long t0 = System.nanoTime();
        daemon.god().stop("halt");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500).plus(God.STOP_SLACK));
        ReloadResult r = reload.join();
        assertThat(r.getOutcome()).isEqualTo("failed");
        assertThat(r.getReason()).contains("cancelled: stop");
        App app = daemon.god().requireApp("halt");
        assertThat(app.reloads().state()).isEqualTo(ReloadState.IDLE);
        assertThat(app.asideInstances()).isEmpty();
        assertThat(app.instances()).hasSize(2).allMatch(i -> i.status().label().equals("stopped"));
        assertThat(app.config().command()).doesNotContain("start-delay=600000");
        await().atMost(Duration.ofSeconds(10)).until(() -> all.stream().noneMatch(ReloadConflictsTest::alive));
        // The stop is not undone: a moment later everything is still stopped.
        assertThat(daemon.god().requireApp("halt").instances()).allMatch(i -> i.pid() == 0);
    }

    @Test
    void deleteCancelsTheReloadAndLeavesNoProcessWithinItsDeadline() {
        int port = Fixtures.freePort();
        CompletableFuture<ReloadResult> reload = stuckReload("gone", port);
        Set<Long> all = pids("gone");
        long t0 = System.nanoTime();
        daemon.god().delete("gone");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(1500).plus(God.STOP_SLACK));
        assertThat(reload.join().getOutcome()).isEqualTo("failed");
        assertThat(daemon.god().app("gone")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> all.stream().noneMatch(ReloadConflictsTest::alive));
    }

    @Test
    void restartAndScaleAreRefusedWhileAReloadRunsAndTheReloadGoesOn() throws Exception {
        int port = Fixtures.freePort();
        CompletableFuture<ReloadResult> reload = stuckReload("busy", port);
        assertThatThrownBy(() -> daemon.god().restart("busy"))
                .hasMessageContaining("cannot restart busy while it reloads").hasMessageContaining("AWAIT_READY");
        assertThatThrownBy(() -> daemon.god().scale("busy", 3))
                .hasMessageContaining("cannot scale busy while it reloads");
        assertThat(daemon.god().requireApp("busy").reloads().step()).isEqualTo(ReloadStep.AWAIT_READY);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").status()).isEqualTo(200);
        daemon.god().stop("busy");
        assertThat(reload.join().getOutcome()).isEqualTo("failed");
    }
}
