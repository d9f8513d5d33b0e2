package dev.supervisor.logs;

import dev.supervisor.config.LogPolicy;
import dev.supervisor.process.ChildProcess;
import dev.supervisor.process.LaunchSpec;
import dev.supervisor.process.NativeLauncher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static dev.supervisor.logs.RotatingLogFileTest.concatenateAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The one-thread log capture, on real children spawned by {@link NativeLauncher}. */
class PipeMultiplexerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final NativeLauncher LAUNCHER = new NativeLauncher();

    @TempDir
    Path dir;

    private final PipeMultiplexer pipes = new PipeMultiplexer();
    private final List<ChildProcess> children = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        children.forEach(c -> c.signalGroup("SIGKILL"));
        pipes.close();
    }

    @AfterAll
    static void closeLauncher() {
        LAUNCHER.close();
    }

    @Test
    void everyLineEndsUpInTheRotatedFilesAndTheEndIsReported() throws Exception {
        Path file = dir.resolve("out.log");
        AtomicBoolean ended = new AtomicBoolean();
        ChildProcess child = spawn("for i in $(seq 1 20000); do echo line $i; done");
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(16 * 1024, 1000))) {
            LogCapture.Capture c = pipes.start("test-out", child.stdout(), log, LineOptions.NONE, () -> ended.set(true));
            await().atMost(WAIT).untilTrue(ended);
            assertThat(c.isRunning()).isFalse();
        }
        assertThat(concatenateAll(file).lines().toList())
                .isEqualTo(IntStream.rangeClosed(1, 20000).mapToObj(i -> "line " + i).toList());
        assertThat(pipes.streams()).isZero();
    }

    @Test
    void stdoutAndStderrOfTwoChildrenShareOneFileLineByLine() throws Exception {
        Path file = dir.resolve("merged.log");
        AtomicLong ended = new AtomicLong();
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1 << 20, 10))) {
            for (String name : List.of("a", "b")) {
                // sed writes block-buffered output: chunks end in the middle of lines
                ChildProcess child = spawn("seq 1 50000 | sed 's/^/" + name + " out /' &"
                        + " seq 1 50000 | sed 's/^/" + name + " err /' >&2; wait");
                pipes.start(name + "-out", child.stdout(), log, LineOptions.NONE, ended::incrementAndGet);
                pipes.start(name + "-err", child.stderr(), log, LineOptions.NONE, ended::incrementAndGet);
            }
            await().atMost(WAIT).until(() -> ended.get() == 4);
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
        ChildProcess child = spawn("for i in $(seq 1 3000); do echo line $i; done; printf 'no newline'");
        LineOptions options = LineOptions.datePrefix(LogDateFormat.parse("YYYY-MM-DD HH:mm:ss Z"));
        AtomicBoolean ended = new AtomicBoolean();
        try (RotatingLogFile log = new RotatingLogFile(file, LogPolicy.DEFAULT)) {
            pipes.start("dated", child.stdout(), log, options, () -> ended.set(true));
            await().atMost(WAIT).untilTrue(ended);
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
    void lineListenerSeesEveryCompleteLineUntilRemoved() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        ChildProcess child = spawn("for i in $(seq 1 2000); do echo line $i; done;"
                + " head -c 20000 /dev/zero | tr '\\0' x; echo; echo 'win\r'; read x; echo after");
        AtomicBoolean ended = new AtomicBoolean();
        Path file = dir.resolve("l.log");
        try (RotatingLogFile log = new RotatingLogFile(file, LogPolicy.DEFAULT)) {
            LogCapture.Capture c = pipes.start("listened", child.stdout(), log,
                    LineOptions.NONE.withLineListener(seen::add), () -> ended.set(true));
            await().atMost(WAIT).until(() -> seen.size() == 2002);
            c.removeLineListener();
            child.sendLine("");
            await().atMost(WAIT).untilTrue(ended);
        }
        assertThat(seen.subList(0, 2000)).isEqualTo(IntStream.rangeClosed(1, 2000).mapToObj(i -> "line " + i).toList());
        assertThat(seen.get(2000)).isEqualTo("x".repeat(LogPump.MAX_LISTENER_LINE));
        assertThat(seen.get(2001)).isEqualTo("win");
        assertThat(seen).hasSize(2002); // "after" came once the listener was gone
        assertThat(Files.readString(file)).endsWith("win\r\nafter\n");
    }

    @Test
    void aSlowSinkSlowsTheChildInsteadOfFillingTheHeap() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong calls = new AtomicLong();
        AtomicLong written = new AtomicLong();
        AtomicLong newlines = new AtomicLong();
        LogSink slowDisk = (bytes, offset, length) -> {
            calls.incrementAndGet();
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
        ChildProcess child = spawn("seq 1 3000000"); // ~24 MB, far more than a (grown) pipe and the buffers hold
        AtomicBoolean ended = new AtomicBoolean();
        pipes.start("slow", child.stdout(), slowDisk, LineOptions.NONE, () -> ended.set(true));

        await().atMost(WAIT).until(() -> calls.get() > 0);
        // While the sink is stuck nothing more is read: the child stays stuck on its full pipe.
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> child.isAlive() && calls.get() == 1);
        assertThat(written).hasValue(0);

        release.countDown();
        assertThat(child.onExit().get(30, TimeUnit.SECONDS)).isZero();
        await().atMost(WAIT).untilTrue(ended);
        assertThat(newlines).hasValue(3_000_000);
    }

    @Test
    void aFailingSinkDoesNotBlockTheChild() throws Exception {
        LogSink fullDisk = (bytes, offset, length) -> {
            throw new IOException("No space left on device");
        };
        ChildProcess child = spawn("seq 1 200000");
        AtomicBoolean ended = new AtomicBoolean();
        pipes.start("full", child.stdout(), fullDisk, LineOptions.NONE, () -> ended.set(true));
        assertThat(child.onExit().get(30, TimeUnit.SECONDS)).isZero();
        await().atMost(WAIT).untilTrue(ended);
    }

    @Test
    void manyChildrenNeedNoThreadEachAndGiveTheirDescriptorsBack() throws Exception {
        long fdsBefore = openFds();
        int threadsBefore = Thread.activeCount();
        int n = 300;
        AtomicLong ended = new AtomicLong();
        List<ChildProcess> many = new ArrayList<>();
        try (RotatingLogFile log = new RotatingLogFile(dir.resolve("many.log"), LogPolicy.DEFAULT)) {
            for (int i = 0; i < n; i++) {
                ChildProcess c = spawn("echo started " + i + "; exec sleep 60");
                pipes.start("o" + i, c.stdout(), log, LineOptions.NONE, ended::incrementAndGet);
                pipes.start("e" + i, c.stderr(), log, LineOptions.NONE, ended::incrementAndGet);
                many.add(c);
            }
            assertThat(Thread.activeCount() - threadsBefore).isLessThanOrEqualTo(2);
            assertThat(openFds() - fdsBefore).isLessThanOrEqualTo(3L * n + 10); // stdin, stdout, stderr each
            await().atMost(WAIT).until(() -> Files.readString(dir.resolve("many.log")).lines().count() == n);
            many.forEach(c -> c.signal("SIGKILL"));
            for (ChildProcess c : many) {
                assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(137);
            }
            await().atMost(WAIT).until(() -> ended.get() == 2L * n);
        }
        await().atMost(WAIT).until(() -> openFds() - fdsBefore <= 5);
    }

    @Test
    void closingGivesEveryDescriptorBack() throws Exception {
        long fdsBefore = openFds();
        PipeMultiplexer other = new PipeMultiplexer();
        ChildProcess c = spawn("exec sleep 60");
        other.start("o", c.stdout(), (b, o, l) -> { }, LineOptions.NONE);
        other.start("e", c.stderr(), (b, o, l) -> { }, LineOptions.NONE);
        assertThat(other.streams()).isEqualTo(2);
        other.close();
        await().atMost(WAIT).until(() -> other.streams() == 0);
        c.signal("SIGKILL");
        assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(137); // stdin closes with the exit
        await().atMost(WAIT).until(() -> openFds() <= fdsBefore);
    }

    private static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private ChildProcess spawn(String script) {
        ChildProcess c = LAUNCHER.launch(new LaunchSpec(List.of("/bin/sh", "-c", script), dir, Map.of()));
        children.add(c);
        return c;
    }
}
