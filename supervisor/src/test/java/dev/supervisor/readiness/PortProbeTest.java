package dev.supervisor.readiness;

import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortProbeTest extends ProbeTestSupport {
    private static final Duration POLL = Duration.ofMillis(5);

    @Test
    void readyOnceTheChildAcceptsConnections() throws Exception {
        int port = freePort();
        Process child = python("import socket,time; time.sleep(0.3); s=socket.socket();"
                + " s.bind(('127.0.0.1'," + port + ")); s.listen(); time.sleep(30)");
        PortProbe probe = track(new PortProbe("127.0.0.1", port, POLL, scheduler));

        Duration took = ready(probe.await(child, LONG));

        assertThat(took).isPositive().isLessThan(LONG);
        try (Socket s = new Socket("127.0.0.1", port)) {
            assertThat(s.isConnected()).isTrue();
        }
    }

    @Test
    void aTimeoutIsAFailureThatNamesThePort() throws Exception {
        int port = freePort();
        Process child = python("import time; time.sleep(30)");
        PortProbe probe = track(new PortProbe("127.0.0.1", port, POLL, scheduler));

        String message = failure(probe.await(child, Duration.ofMillis(300)));

        assertThat(message).isEqualTo("not ready after 300 ms: waited for port " + port + " to accept connections");
        assertThat(child.isAlive()).isTrue();
    }

    @Test
    void failsFastWithTheExitCodeWhenTheChildExitsFirst() throws Exception {
        Process child = sh("sleep 0.1; exit 3");
        PortProbe probe = track(new PortProbe("127.0.0.1", freePort(), POLL, scheduler));

        long start = System.nanoTime();
        String message = failure(probe.await(child, LONG));

        assertThat(message).contains("exited with code 3 before it was ready")
                .contains("process " + child.pid()).contains("port");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aBareHandleCannotTellTheExitCode() throws Exception {
        Process child = sh("exit 4");
        PortProbe probe = track(new PortProbe("127.0.0.1", freePort(), POLL, scheduler));

        String message = failure(probe.await(child.toHandle(), LONG));

        assertThat(message).contains("process " + child.pid() + " exited before it was ready");
    }

    @Test
    void theExitCodeCanComeFromTheCaller() throws Exception {
        Process child = sh("exit 5");
        PortProbe probe = track(new PortProbe("127.0.0.1", freePort(), POLL, scheduler));

        String message = failure(probe.await(child.toHandle(), child.onExit().thenApply(Process::exitValue), LONG));

        assertThat(message).contains("exited with code 5 before it was ready");
    }

    @Test
    void closingTheProbeEndsAWaitAndAProbeWaitsOnlyOnce() throws Exception {
        Process child = python("import time; time.sleep(30)");
        PortProbe probe = track(new PortProbe("127.0.0.1", freePort(), POLL, scheduler));
        CompletableFuture<Duration> wait = probe.await(child, LONG);

        assertThatThrownBy(() -> probe.await(child, LONG)).isInstanceOf(IllegalStateException.class);
        probe.close();

        assertThat(failure(wait)).contains("closed before it was ready");
    }
}
