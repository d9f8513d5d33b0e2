package dev.supervisor.management;

import dev.supervisor.mbeans.GodMXBean;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.mbeans.ProcessMXBean;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.JMX;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sampler's figures and the God's counts where users read them: MBeans, list, describe. */
class ResourceFiguresTest {
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
    void memoryAndCpuReachTheMBeansTheListAndDescribeAndCountsTellACrashFromAStop() throws Exception {
        int mb = 96;
        Map<String, Object> fat = Fixtures.app("fat", "alloc=" + mb);
        Map<String, Object> crashy = Fixtures.app("crashy", "exit=0:3");
        crashy.put("max_restarts", 2);
        crashy.put("min_uptime", "20s");
        god.start(Fixtures.appsFile(daemon.home().resolve("apps"), fat).toString());
        assertThat(god.isHealthy()).isTrue();
        assertThat(god.getOnlineCount()).isEqualTo(1);

        // The sampler runs on its own every 2 s: the figures show up without anyone asking for a sample.
        ProcessInfo p = await().atMost(Duration.ofSeconds(30)).until(() -> daemon.godBean().list().get(0),
                i -> i.getMemoryBytes() >= (long) mb << 20);
        assertThat(p.getPssBytes()).isPositive();
        assertThat(p.getThreads()).isGreaterThan(1);
        assertThat(p.getOpenFds()).isGreaterThanOrEqualTo(3);

        ProcessMXBean proc = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ObjectNames.process("fat", p.getId()),
                ProcessMXBean.class);
        assertThat(proc.getMemoryBytes()).isGreaterThanOrEqualTo((long) mb << 20);
        assertThat(proc.getInfo().getMemoryBytes()).isGreaterThanOrEqualTo((long) mb << 20);
        assertThat(proc.getCpuSeconds()).isPositive(); // a JVM spends CPU starting up
        assertThat(daemon.appBean("fat").getMemoryBytes()).isGreaterThanOrEqualTo((long) mb << 20);
        assertThat(god.getMemoryBytes()).isGreaterThanOrEqualTo((long) mb << 20);

        TestDaemon.CliResult list = daemon.cli("list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("│ cpu", "│ mem").containsPattern("\\d+(\\.\\d)?mb");
        assertThat(daemon.cli("describe", "fat").out()).contains("Resources", "fat[" + p.getId() + "]", "threads", "open fds")
                .containsPattern("mem \\d+(\\.\\d)?mb");

        assertThat(check()).startsWith("0 SUPERVISOR OK - 1 online").contains("| online=1 ", "errored=0");

        god.start(Fixtures.appsFile(daemon.home().resolve("apps"), crashy).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> god.getErroredCount() == 1);
        assertThat(check()).startsWith("2 SUPERVISOR CRITICAL - not running: crashy[").contains("errored=1");
        assertThat(god.isHealthy()).isFalse();
        assertThat(god.getUnhealthy()).contains("crashy[").contains("errored");
        assertThat(god.getOnlineCount()).isEqualTo(1);

        god.stop("crashy");
        assertThat(god.getErroredCount()).isZero();
        assertThat(god.getStoppedCount()).isEqualTo(1);
        assertThat(god.isHealthy()).isTrue();
        assertThat(god.getUnhealthy()).isEmpty();
        assertThat(check()).startsWith("0 SUPERVISOR OK - 1 online, 1 stopped on purpose");
        god.delete("all");
    }

    /** Runs docs/monitoring/check_supervisor; returns "EXITCODE OUTPUT". */
    private static String check() throws Exception {
        Process p = new ProcessBuilder(Fixtures.projectRoot().resolve("docs/monitoring/check_supervisor").toString(),
                "-u", daemon.jolokiaUrl(), "-c", daemon.home().resolve("credentials").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        return p.waitFor() + " " + out;
    }
}
