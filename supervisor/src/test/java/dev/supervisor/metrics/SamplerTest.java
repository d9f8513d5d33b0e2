package dev.supervisor.metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sampler against real process groups with a known load. */
class SamplerTest {
    private final List<Process> started = new ArrayList<>();
    private final List<ProcessGroups.Group> groups = new CopyOnWriteArrayList<>();

    @AfterEach
    void killGroups() throws Exception {
        for (Process p : started) {
            new ProcessBuilder("kill", "-KILL", "--", "-" + p.pid()).start().waitFor();
            p.destroyForcibly();
        }
    }

    /** A session and process group of its own, as the supervisor starts instances (pgid == pid). */
    private Process group(String app, int id, String shell) throws IOException {
        Process p = new ProcessBuilder("/usr/bin/setsid", "sh", "-c", shell).redirectErrorStream(true).start();
        started.add(p);
        groups.add(new ProcessGroups.Group(app, id, p.pid()));
        return p;
    }

    /**
     * A busy loop reads the share of a core it really got: ~100 % on a quiet machine, less when other work takes
     * the CPUs (the test shares 2 cores with other builds). "Really got" is measured independently, from the
     * JDK's ProcessHandle, over the same window as the sampler's two samples.
     */
    @Test
    void aBusyLoopReadsTheShareOfACoreItGetsAndAnIdleProcessNearZero() throws Exception {
        Process busy = group("busy", 0, "while :; do :; done");
        Process idle = group("idle", 1, "sleep 600");
        Sampler sampler = new Sampler(() -> groups, Duration.ofMillis(500), 1);
        sampler.sampleOnce();
        double jdkCpu0 = cpuSeconds(busy);
        long t0 = System.nanoTime();
        await().pollInterval(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - t0 >= 2_000_000_000L);
        GroupUsage b = sampler.sampleOnce().get(busy.pid());
        double got = 100 * (cpuSeconds(busy) - jdkCpu0) / ((System.nanoTime() - t0) / 1e9);

        assertThat(got).as("the busy loop got some CPU at all").isGreaterThan(20);
        assertThat(b.cpuPercent()).as("sampled vs. the JDK's %.1f %%", got).isCloseTo(got, org.assertj.core.data.Offset.offset(8.0));
        assertThat(b.cpuPercent()).isLessThanOrEqualTo(105.0); // one thread cannot use more than one core
        assertThat(b.cpuSecondsTotal()).isCloseTo(cpuSeconds(busy), org.assertj.core.data.Offset.offset(0.1 + 0.05 * cpuSeconds(busy)));
        assertThat(b.app()).isEqualTo("busy");
        assertThat(b.processes()).isEqualTo(1);
        GroupUsage i = sampler.usage(idle.pid()).orElseThrow();
        assertThat(i.cpuPercent()).isLessThan(5.0);
        assertThat(i.rssBytes()).isPositive();
    }

    private static double cpuSeconds(Process p) {
        return p.toHandle().info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
    }

    @Test
    void memoryCountsAnAllocationInAGrandchildOfTheGroup() throws Exception {
        int mb = 120;
        // The leader is a shell; the allocation happens in its child, which must be counted too.
        Process p = group("mem", 3, "python3 -c \"import sys, time; b = b'\\x01' * (" + mb + " << 20); "
                + "print('ready', flush=True); time.sleep(600)\" & wait");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        Sampler sampler = new Sampler(() -> groups, Duration.ofSeconds(2), 1);
        GroupUsage u = sampler.sampleOnce().get(p.pid());
        assertThat(u.processes()).isEqualTo(2);
        assertThat(u.rssBytes()).isGreaterThanOrEqualTo((long) mb << 20);
        assertThat(u.memoryBytes()).isEqualTo(u.rssBytes());
        assertThat(u.pssBytes()).isGreaterThanOrEqualTo((long) mb << 20);
        assertThat(u.threads()).isGreaterThanOrEqualTo(2);
        assertThat(u.openFds()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void detailsAreCarriedOverBetweenDetailedSamplesAndGoneGroupsLeave() throws Exception {
        Process p = group("fds", 0, "exec 7</dev/null 8</dev/null; sleep 600");
        Sampler sampler = new Sampler(() -> groups, Duration.ofSeconds(2), 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            GroupUsage u = sampler.sampleOnce().get(p.pid());
            return u != null && u.openFds() >= 5;
        });
        GroupUsage second = sampler.sampleOnce().get(p.pid());
        assertThat(second.openFds()).isGreaterThanOrEqualTo(5);
        assertThat(second.pssBytes()).isPositive();

        groups.clear();
        assertThat(sampler.sampleOnce()).isEmpty();
        assertThat(sampler.usage(p.pid())).isEmpty();
    }

    @Test
    void samplesOnItsOwnThreadAndAccountsForItsCost() throws Exception {
        Process p = group("t", 0, "sleep 600");
        try (Sampler sampler = new Sampler(() -> groups, Duration.ofMillis(100))) {
            sampler.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> sampler.cost().samples() >= 3 && sampler.usage(p.pid()).isPresent());
            assertThat(sampler.cost().cpuNanos()).isPositive();
            assertThat(sampler.cost().lastProcesses()).isEqualTo(sampler.usage(p.pid()).orElseThrow().processes());
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("supervisor-sampler"));
        }
    }
}
