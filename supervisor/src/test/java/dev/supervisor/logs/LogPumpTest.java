package dev.supervisor.logs;

import dev.supervisor.config.LogPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static dev.supervisor.logs.RotatingLogFileTest.concatenateAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LogPumpTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void everyLineOfAChildEndsUpInTheRotatedFiles() throws Exception {
        Path file = dir.resolve("out.log");
        AtomicBoolean ended = new AtomicBoolean();
        Process child = spawn("for i in $(seq 1 20000); do echo line $i; done");
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(16 * 1024, 1000))) {
            LogPump pump = LogPump.start("test-out", child.getInputStream(), log, LineOptions.NONE, () -> ended.set(true));
            assertThat(pump.join(WAIT)).isTrue();
            assertThat(ended).isTrue();
            assertThat(pump.isRunning()).isFalse();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(concatenateAll(file).lines().toList())
                .isEqualTo(IntStream.rangeClosed(1, 20000).mapToObj(i -> "line " + i).toList());
    }

    @Test
    void stdoutAndStderrOfTwoChildrenShareOneFileLineByLine() throws Exception {
        Path file = dir.resolve("merged.log");
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1 << 20, 10))) {
            List<LogPump> pumps = new ArrayList<>();
            for (String name : List.of("a", "b")) {
                // sed writes block-buffered output: chunks end in the middle of lines
                Process child = spawn("seq 1 50000 | sed 's/^/" + name + " out /' &"
                        + " seq 1 50000 | sed 's/^/" + name + " err /' >&2; wait");
                pumps.add(LogPump.start(name + "-out", child.getInputStream(), log, LineOptions.NONE));
                pumps.add(LogPump.start(name + "-err", child.getErrorStream(), log, LineOptions.NONE));
            }
            for (LogPump pump : pumps) {
                assertThat(pump.join(WAIT)).isTrue();
            }
        }
        List<String> lines = concatenateAll(file).lines().toList();
        assertThat(lines).hasSize(200000);
        for (String stream : List.of("a out ", "a err ", "b out ", "b err ")) {
            assertThat(lines.stream().filter(l -> l.startsWith(stream)).toList())
                    .isEqualTo(IntStream.rangeClosed(1, 50000).mapToObj(i -> stream + i).toList());
        }
    }

    @Test
    void datePrefixIsWrittenBeforeEveryLine() throws Exception {
        Path file = dir.resolve("dated.log");
        Process child = spawn("for i in $(seq 1 3000); do echo line $i; done; printf 'no newline'");
        LineOptions options = LineOptions.datePrefix(LogDateFormat.parse("YYYY-MM-DD HH:mm:ss Z"));
        try (RotatingLogFile log = new RotatingLogFile(file, LogPolicy.DEFAULT)) {
            assertThat(LogPump.start("dated", child.getInputStream(), log, options).join(WAIT)).isTrue();
        }
        List<String> lines = concatenateAll(file).lines().toList();
        assertThat(lines).hasSize(3001);
        String date = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} [+-]\\d{2}:\\d{2}: ";
        for (int i = 0; i < 3000; i++) {
            assertThat(lines.get(i)).matches(date + "line " + (i + 1));
        }
        assertThat(lines.get(3000)).matches(date + "no newline");
    }

    @Test
    void lineListenerSeesEveryCompleteLineAndLongLinesAreCut() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Process child = spawn("for i in $(seq 1 2000); do echo line $i; done;"
                + " head -c 20000 /dev/zero | tr '\\0' x; echo; echo 'win\r'; printf last");
        try (RotatingLogFile log = new RotatingLogFile(dir.resolve("l.log"), LogPolicy.DEFAULT)) {
            LineOptions options = LineOptions.NONE.withLineListener(seen::add);
            assertThat(LogPump.start("listened", child.getInputStream(), log, options).join(WAIT)).isTrue();
        }
        assertThat(seen).hasSize(2003);
        assertThat(seen.subList(0, 2000)).isEqualTo(IntStream.rangeClosed(1, 2000).mapToObj(i -> "line " + i).toList());
        assertThat(seen.get(2000)).isEqualTo("x".repeat(LogPump.MAX_LISTENER_LINE));
        assertThat(seen.get(2001)).isEqualTo("win");
        assertThat(seen.get(2002)).isEqualTo("last");
    }

    @Test
    void aRemovedLineListenerIsNotCalledAnymore() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Process child = spawn("echo first; read x; echo second");
        try (RotatingLogFile log = new RotatingLogFile(dir.resolve("r.log"), LogPolicy.DEFAULT)) {
            LogPump pump = LogPump.start("removed", child.getInputStream(), log, LineOptions.NONE.withLineListener(seen::add));
            await().atMost(WAIT).until(() -> seen.contains("first"));
            pump.removeLineListener();
            child.getOutputStream().write('\n');
            child.getOutputStream().flush();
            assertThat(pump.join(WAIT)).isTrue();
        }
        assertThat(seen).containsExactly("first");
        assertThat(RotatingLogFileTest.read(dir.resolve("r.log"))).isEqualTo("first\nsecond\n");
    }

    @Test
    void aSlowSinkSlowsTheChildInsteadOfFillingTheHeap() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong written = new AtomicLong();
        AtomicLong newlines = new AtomicLong();
        LogSink slowDisk = (bytes, offset, length) -> {
            try {
                release.await(); // the disk hangs until the test lets go
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            written.addAndGet(length);
            for (int i = offset; i < offset + length; i++) {
                if (bytes[i] == '\n') {
                    newlines.incrementAndGet();
                }
            }
        };
        Process child = spawn("seq 1 1000000"); // ~6.9 MB, far more than a pipe and the pump buffer hold
        CountingInputStream counted = new CountingInputStream(child.getInputStream());
        LogPump pump = LogPump.start("slow", counted, slowDisk, LineOptions.NONE);

        await().atMost(WAIT).until(() -> counted.count.get() > 0);
        // While the sink is stuck, the pump has read at most one buffer and the child is stuck on its pipe.
        await().during(Duration.ofMillis(500)).atMost(WAIT)
                .until(() -> child.isAlive() && counted.count.get() <= LogPump.BUFFER_SIZE);
        assertThat(written).hasValue(0);

        release.countDown();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pump.join(WAIT)).isTrue();
        assertThat(newlines).hasValue(1_000_000);
        assertThat(written.get()).isEqualTo(counted.count.get());
    }

    @Test
    void aFailingSinkDoesNotBlockTheChild() throws Exception {
        LogSink fullDisk = (bytes, offset, length) -> {
            throw new IOException("No space left on device");
        };
        Process child = spawn("seq 1 200000");
        LogPump pump = LogPump.start("full", child.getInputStream(), fullDisk, LineOptions.NONE);
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pump.join(WAIT)).isTrue();
    }

    private Process spawn(String script) throws IOException {
        Process p = new ProcessBuilder("/bin/sh", "-c", script).start();
        children.add(p);
        return p;
    }

    private static final class CountingInputStream extends FilterInputStream {
        final AtomicLong count = new AtomicLong();

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }
}
