package dev.supervisor.readiness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NotifySocketProbeTest extends ProbeTestSupport {
    private static final String SEND = "import socket,os,time\n"
            + "def send(msg):\n"
            + "    s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(msg, os.environ['NOTIFY_SOCKET']); s.close()\n";

    @TempDir
    Path dir;

    @Test
    void readyWhenTheChildSendsReady() throws Exception {
        NotifySocketProbe probe = track(new NotifySocketProbe(dir.resolve("run"), "api-0", scheduler));
        assertThat(probe.environment()).containsEntry("NOTIFY_SOCKET", probe.socketPath().toString());
        assertThat(probe.socketPath()).exists().hasParent(dir.resolve("run"));

        Process child = python(SEND + "send(b'STATUS=starting')\ntime.sleep(0.3)\n"
                + "send(b'STATUS=up\\nMAINPID=1\\nREADY=1\\n')\ntime.sleep(30)", probe.environment());

        Duration took = ready(probe.await(child, LONG));
        assertThat(took).isLessThan(LONG);
    }

    @Test
    void readyAlsoWhenTheMessageCameBeforeAwait() throws Exception {
        NotifySocketProbe probe = track(new NotifySocketProbe(dir, "early", scheduler));
        Process child = python(SEND + "send(b'READY=1')\nprint('sent', flush=True)\ntime.sleep(30)", probe.environment());
        assertThat(firstLine(child)).isEqualTo("sent");
        // the datagram waited in the socket until the probe read it
        ready(probe.await(child, LONG));
    }

    @Test
    void otherMessagesAreNotReadinessAndTheTimeoutSaysTheLastStatus() throws Exception {
        NotifySocketProbe probe = track(new NotifySocketProbe(dir, "slow", scheduler));
        Process child = python(SEND + "send(b'STATUS=warming up')\nsend(b'READY=0')\nprint('sent', flush=True)\n"
                + "time.sleep(30)", probe.environment());
        assertThat(firstLine(child)).isEqualTo("sent");

        String message = failure(probe.await(child, Duration.ofMillis(300)));

        assertThat(message).startsWith("not ready after 300 ms: waited for READY=1 on NOTIFY_SOCKET " + probe.socketPath())
                .contains("last STATUS: warming up");
    }

    @Test
    void failsFastWhenTheChildExitsWithoutNotifying() throws Exception {
        NotifySocketProbe probe = track(new NotifySocketProbe(dir, "crash", scheduler));
        Process child = python(SEND + "send(b'STATUS=about to fail')\nraise SystemExit(7)", probe.environment());

        assertThat(failure(probe.await(child, LONG))).contains("exited with code 7 before it was ready");
    }

    @Test
    void systemdNotifyWorksToo() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-notify")), "systemd-notify not installed");
        NotifySocketProbe probe = track(new NotifySocketProbe(dir, "systemd", scheduler));
        Process child = spawn(probe.environment(), "/bin/sh", "-c", "/usr/bin/systemd-notify --ready; exec sleep 30");

        ready(probe.await(child, LONG));
    }

    @Test
    void aDirectoryTooLongForASocketFallsBackToTmpAndCloseCleansUp() throws Exception {
        Path deep = dir.resolve("d".repeat(60)).resolve("e".repeat(60));
        NotifySocketProbe probe = track(new NotifySocketProbe(deep, "long", scheduler));
        Path socket = probe.socketPath();
        assertThat(socket.toString()).startsWith("/tmp/sv-notify-");
        assertThat(socket.toString().length()).isLessThanOrEqualTo(NotifySocketProbe.MAX_SOCKET_PATH_BYTES);

        Process child = python(SEND + "send(b'READY=1')\ntime.sleep(30)", probe.environment());
        ready(probe.await(child, LONG));

        probe.close();
        assertThat(socket).doesNotExist();
        assertThat(socket.getParent()).doesNotExist();
    }

    @Test
    void closeDeletesTheSocketFile() throws Exception {
        NotifySocketProbe probe = new NotifySocketProbe(dir, "name with spaces/and slashes", scheduler);
        Path socket = probe.socketPath();
        assertThat(socket.getFileName().toString()).startsWith("name_with_spaces_and_slashes-").endsWith(".sock");
        assertThat(socket).exists();
        probe.close();
        probe.close(); // idempotent
        assertThat(socket).doesNotExist();
    }
}
