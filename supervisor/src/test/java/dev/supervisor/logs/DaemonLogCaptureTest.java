package dev.supervisor.logs;

import dev.supervisor.mbeans.GodMXBean;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Log capture through the daemon's own wiring (one reaper, one pipe loop), on real app instances. */
class DaemonLogCaptureTest {
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

    @Test
    void mergedDatedLogsOfSeveralInstancesKeepEveryLineWholeWithoutAThreadPerStream() throws Exception {
        Map<String, Object> app = Fixtures.app("dated", "lines=20000");
        app.put("instances", 3);
        app.put("merge_logs", true);
        app.put("log_date_format", "YYYY-MM-DD HH:mm:ss.SSS");
        god.start(Fixtures.appsFile(daemon.home().resolve("apps"), app).toString());
        ProcessInfo p = await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("dated", 0),
                i -> i.getStatus().equals("online"));
        Path out = Path.of(p.getOutLog());
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).lines()
                .filter(l -> l.contains("line 20000 of 20000")).count() == 3);

        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(60000);
        assertThat(lines).allMatch(l -> l.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}: line \\d+ of 20000 from pid \\d+"));
        Set<String> pids = lines.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).collect(Collectors.toSet());
        assertThat(pids).hasSize(3);

        Set<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
        assertThat(threads).contains("log-pipes", "child-reaper");
        assertThat(threads).noneMatch(t -> t.startsWith("dated-")); // no LogPump thread per stream
        god.delete("dated");
    }
}
