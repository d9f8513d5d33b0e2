package dev.supervisor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.process.SocketOwners;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The recovery after an unclean daemon death signals only the processes the record names, by pid and start time. */
class RecoveryTest {
    private Process child;

    @AfterEach
    void cleanUp() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    /** A process leading its own group, as an instance does. */
    private Process spawn() throws Exception {
        child = new ProcessBuilder("/usr/bin/setsid", "sleep", "60").start();
        await().until(() -> SocketOwners.processGroup(child.pid()).orElse(-1) == child.pid());
        return child;
    }

    private static JsonNode record(long pid, long ticks) throws Exception {
        return new ObjectMapper().readTree("{\"apps\":[{\"name\":\"web\",\"killSignal\":\"SIGTERM\",\"killTimeoutMillis\":1000,"
                + "\"processes\":[{\"id\":0,\"pid\":" + pid + ",\"pgid\":" + pid + ",\"startTicks\":" + ticks + "}]}]}");
    }

    @Test
    void aPidWhoseStartTimeDoesNotMatchIsNeverSignalled() throws Exception {
        Process p = spawn();
        long ticks = SocketOwners.startTime(p.pid()).orElseThrow();
        assertThat(Recovery.groupMembers(p.pid(), ticks + 1)).isEmpty();
        int[] counts = Recovery.stopLeftovers(record(p.pid(), ticks + 1));
        assertThat(counts[0]).isZero();
        assertThat(p.isAlive()).as("another process that reused the pid is left alone").isTrue();
    }

    @Test
    void aRecordedProcessWithItsStartTimeIsStopped() throws Exception {
        Process p = spawn();
        long ticks = SocketOwners.startTime(p.pid()).orElseThrow();
        assertThat(Recovery.groupMembers(p.pid(), ticks)).containsExactly(p.pid());
        int[] counts = Recovery.stopLeftovers(record(p.pid(), ticks));
        assertThat(counts[0]).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> !p.isAlive());
    }
}
