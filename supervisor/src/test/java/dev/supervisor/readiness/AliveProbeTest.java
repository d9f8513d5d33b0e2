package dev.supervisor.readiness;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class AliveProbeTest extends ProbeTestSupport {
    @Test
    void readyWhenStillAliveAfterMinUptime() throws Exception {
        Process child = sh("exec sleep 30");
        AliveProbe probe = track(new AliveProbe(Duration.ofMillis(300), scheduler));

        assertThat(ready(probe.await(child, LONG))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(child.isAlive()).isTrue();
    }

    @Test
    void failsFastWhenTheChildDiesBeforeMinUptime() throws Exception {
        Process child = sh("sleep 0.1; exit 2");
        AliveProbe probe = track(new AliveProbe(Duration.ofSeconds(20), scheduler));

        long start = System.nanoTime();
        assertThat(failure(probe.await(child, LONG))).contains("exited with code 2 before it was ready")
                .contains("the process to stay up 20000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aTimeoutShorterThanMinUptimeIsAFailureNotSuccess() throws Exception {
        Process child = sh("exec sleep 30");
        AliveProbe probe = track(new AliveProbe(Duration.ofSeconds(5), scheduler));

        assertThat(failure(probe.await(child, Duration.ofMillis(100))))
                .isEqualTo("not ready after 100 ms: waited for the process to stay up 5000 ms");
    }
}
