package dev.supervisor.logs;

import dev.supervisor.config.LogPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static dev.supervisor.logs.RotatingLogFileTest.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LogTailTest {
    private static final Duration POLL = Duration.ofMillis(5);

    @TempDir
    Path dir;

    @Test
    void lastLinesOfOneFile() throws Exception {
        Path file = dir.resolve("a.log");
        Files.writeString(file, "one\ntwo\r\nthree\nfour\n");
        assertThat(LogTail.lastLines(file, 2)).containsExactly("three", "four");
        assertThat(LogTail.lastLines(file, 10)).containsExactly("one", "two", "three", "four");
        assertThat(LogTail.lastLines(file, 0)).isEmpty();
        Files.writeString(file, "no end\nlast without newline");
        assertThat(LogTail.lastLines(file, 1)).containsExactly("last without newline");
    }

    @Test
    void missingAndEmptyFilesHaveNoLines() throws Exception {
        assertThat(LogTail.lastLines(dir.resolve("none.log"), 5)).isEmpty();
        Files.createFile(dir.resolve("empty.log"));
        assertThat(LogTail.tail(dir.resolve("empty.log"), 5)).isEqualTo(new LogTail.Tail(List.of(), 0));
    }

    @Test
    void linesLongerThanTheReadBlockAcrossBlockBoundaries() throws Exception {
        Path file = dir.resolve("big.log");
        List<String> lines = IntStream.range(0, 200).mapToObj(i -> String.valueOf(i).repeat(i * 37 % 20000)).toList();
        Files.writeString(file, String.join("\n", lines) + "\n");
        assertThat(LogTail.lastLines(file, 57)).isEqualTo(lines.subList(143, 200));
    }

    @Test
    void lastLinesReachIntoRotatedFiles() throws Exception {
        Path file = dir.resolve("app.log");
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 3))) {
            for (int i = 1; i <= 300; i++) {
                write(log, "line " + i + "\n");
            }
        }
        long inCurrent = Files.readString(file).lines().count();
        assertThat(inCurrent).isLessThan(150);
        assertThat(LogTail.lastLines(file, 150))
                .isEqualTo(IntStream.rangeClosed(151, 300).mapToObj(i -> "line " + i).toList());
        // more than is kept: everything of the 4 files, oldest first
        String all = RotatingLogFileTest.concatenateAll(file);
        assertThat(LogTail.lastLines(file, 10_000)).isEqualTo(all.lines().toList());
        LogTail.Tail tail = LogTail.tail(file, 3);
        assertThat(tail.endOffset()).isEqualTo(Files.size(file));
    }

    @Test
    void followSeesEveryNewLineAcrossRotationAndFlush() throws Exception {
        Path file = dir.resolve("f.log");
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean keepGoing = new AtomicBoolean(true);
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(2048, 2))) {
            write(log, "old 1\nold 2\n");
            LogTail.Tail tail = LogTail.tail(file, 1);
            assertThat(tail.lines()).containsExactly("old 2");
            CompletableFuture<Long> follower = CompletableFuture.supplyAsync(() -> {
                try {
                    return LogTail.follow(file, tail.endOffset(), seen::add, keepGoing::get, POLL);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            int n = 0;
            for (int batch = 0; batch < 5; batch++) { // each batch rotates the file once
                for (int i = 0; i < 200; i++) {
                    n++;
                    write(log, "new " + n + "\n");
                }
                int expected = n;
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == expected);
            }
            log.truncate();
            write(log, "after flush\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1001);
            write(log, "partial");
            write(log, " line\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1002);
            keepGoing.set(false);
            follower.get(10, TimeUnit.SECONDS);
        }
        List<String> expected = new ArrayList<>(IntStream.rangeClosed(1, 1000).mapToObj(i -> "new " + i).toList());
        expected.add("after flush");
        expected.add("partial line");
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void followWaitsForAFileThatDoesNotExistYet() throws Exception {
        Path file = dir.resolve("later.log");
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean keepGoing = new AtomicBoolean(true);
        CompletableFuture<Long> follower = CompletableFuture.supplyAsync(() -> {
            try {
                return LogTail.follow(file, 0, seen::add, keepGoing::get, POLL);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        Files.writeString(file, "hello\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.equals(List.of("hello")));
        keepGoing.set(false);
        assertThat(follower.get(10, TimeUnit.SECONDS)).isEqualTo(6);
    }
}
