package dev.supervisor.readiness;

import dev.supervisor.config.LogPolicy;
import dev.supervisor.logs.LineOptions;
import dev.supervisor.logs.LogPump;
import dev.supervisor.logs.RotatingLogFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ReadyPatternProbeTest extends ProbeTestSupport {
    private static final Pattern LISTENING = Pattern.compile("listening on \\d+");

    @TempDir
    Path dir;

    @Test
    void readyOnAMatchingLineAfterAwait() throws Exception {
        Process child = sh("exec sleep 30");
        ReadyPatternProbe probe = track(new ReadyPatternProbe(LISTENING, scheduler));
        CompletableFuture<Duration> wait = probe.await(child, LONG);

        probe.onStdoutLine("starting");
        probe.onStdoutLine("still listening on port"); // no digits: no match
        assertThat(wait).isNotDone();
        probe.onStdoutLine("[app] listening on 8080 (pid 12)");

        assertThat(ready(wait)).isLessThan(LONG);
    }

    @Test
    void aLineSeenBeforeAwaitIsRemembered() throws Exception {
        Process child = sh("exec sleep 30");
        ReadyPatternProbe probe = track(new ReadyPatternProbe(LISTENING, scheduler));
        probe.onStdoutLine("listening on 3000");

        assertThat(ready(probe.await(child, LONG))).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void noMatchingLineTimesOutNamingThePattern() throws Exception {
        Process child = sh("exec sleep 30");
        ReadyPatternProbe probe = track(new ReadyPatternProbe(LISTENING, scheduler));
        probe.onStdoutLine("listening soon");

        assertThat(failure(probe.await(child, Duration.ofMillis(200))))
                .isEqualTo("not ready after 200 ms: waited for a stdout line matching /listening on \\d+/");
    }

    @Test
    void aChildsStdoutReachesTheProbeThroughTheLogPump() throws Exception {
        ReadyPatternProbe probe = track(new ReadyPatternProbe(LISTENING, scheduler));
        Process child = spawn(Map.of(), "/bin/sh", "-c", "echo starting; sleep 0.2; echo 'listening on 4000'; exec sleep 30");
        Path logFile = dir.resolve("out.log");
        try (RotatingLogFile log = new RotatingLogFile(logFile, LogPolicy.DEFAULT)) {
            LogPump pump = LogPump.start("app-out", child.getInputStream(), log,
                    LineOptions.NONE.withLineListener(probe::onStdoutLine));

            ready(probe.await(child, LONG));
            pump.removeLineListener();
            child.destroy();
            assertThat(pump.join(LONG)).isTrue();
        }
        assertThat(Files.readString(logFile)).isEqualTo("starting\nlistening on 4000\n");
    }
}
