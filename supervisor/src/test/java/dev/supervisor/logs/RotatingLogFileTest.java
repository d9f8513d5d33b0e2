package dev.supervisor.logs;

import dev.supervisor.config.LogPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.supervisor.logs.RotatingLogFile.rotated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RotatingLogFileTest {
    @TempDir
    Path dir;

    @Test
    void rotationKeepsExactlyRetainFilesWithTheNewestDataInTheCurrentFile() throws IOException {
        Path file = dir.resolve("app.log");
        StringBuilder written = new StringBuilder();
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 3))) {
            for (int i = 1; i <= 1000; i++) {
                String line = "line " + i + "\n";
                written.append(line);
                write(log, line);
            }
        }
        assertThat(file).exists();
        assertThat(rotated(file, 1)).exists();
        assertThat(rotated(file, 2)).exists();
        assertThat(rotated(file, 3)).exists();
        assertThat(rotated(file, 4)).doesNotExist();
        String kept = read(rotated(file, 3)) + read(rotated(file, 2)) + read(rotated(file, 1)) + read(file);
        assertThat(written.toString()).endsWith(kept); // oldest to newest, nothing lost or repeated in between
        assertThat(read(file)).endsWith("line 1000\n");
        for (Path p : List.of(file, rotated(file, 1), rotated(file, 2), rotated(file, 3))) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(1024);
            assertThat(read(p)).startsWith("line ").endsWith("\n"); // cut between lines
        }
        assertThat(Files.size(rotated(file, 1))).isGreaterThan(1024 - 12); // filled up to the last whole line
    }

    @Test
    void everyByteEndsUpInExactlyOneFile() throws IOException {
        Path file = dir.resolve("all.log");
        StringBuilder written = new StringBuilder();
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 100))) {
            for (int i = 1; i <= 2000; i++) {
                // odd sizes and chunks that end mid-line
                String chunk = "x".repeat(i % 37) + (i % 3 == 0 ? "" : "\n");
                written.append(chunk);
                write(log, chunk);
            }
        }
        assertThat(concatenateAll(file)).isEqualTo(written.toString());
    }

    @Test
    void aLineLongerThanAWholeFileIsSplitAtTheLimit() throws IOException {
        Path file = dir.resolve("long.log");
        String line = "y".repeat(2500) + "\n";
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 5))) {
            write(log, "short\n");
            write(log, line);
        }
        assertThat(read(rotated(file, 3))).isEqualTo("short\n");
        assertThat(Files.size(rotated(file, 2))).isEqualTo(1024);
        assertThat(Files.size(rotated(file, 1))).isEqualTo(1024);
        assertThat(concatenateAll(file)).isEqualTo("short\n" + line);
    }

    @Test
    void aFileAlreadyOverTheLimitIsRotatedOnTheFirstWrite() throws IOException {
        Path file = dir.resolve("old.log");
        Files.writeString(file, "z".repeat(5000) + "\n");
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 2))) {
            write(log, "new\n");
        }
        assertThat(read(file)).isEqualTo("new\n");
        assertThat(Files.size(rotated(file, 1))).isEqualTo(5001);
    }

    @Test
    void retainZeroKeepsOnlyTheCurrentFile() throws IOException {
        Path file = dir.resolve("zero.log");
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 0))) {
            for (int i = 0; i < 300; i++) {
                write(log, "line " + i + "\n");
            }
        }
        assertThat(rotated(file, 1)).doesNotExist();
        assertThat(read(file)).endsWith("line 299\n");
        assertThat(Files.size(file)).isLessThanOrEqualTo(1024);
    }

    @Test
    void truncateEmptiesTheFileAndDeletesRotatedOnes() throws IOException {
        Path file = dir.resolve("flush.log");
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 3))) {
            for (int i = 0; i < 500; i++) {
                write(log, "line " + i + "\n");
            }
            assertThat(rotated(file, 3)).exists();
            log.truncate();
            assertThat(Files.size(file)).isZero();
            assertThat(log.size()).isZero();
            assertThat(rotated(file, 1)).doesNotExist();
            assertThat(rotated(file, 3)).doesNotExist();
            write(log, "after\n");
        }
        assertThat(read(file)).isEqualTo("after\n");
    }

    @Test
    void anIdleFileGivesItsDescriptorBackAndReopensOnTheNextWrite() throws IOException {
        Path file = dir.resolve("idle.log");
        byte[] first = ("a".repeat(600) + "\n").getBytes();
        byte[] second = ("b".repeat(600) + "\n").getBytes();
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 2))) {
            log.write(first, 0, first.length);
            assertThat(log.closeIfIdle(java.time.Duration.ofHours(1))).isFalse();
            assertThat(log.isOpen()).isTrue();
            assertThat(log.closeIfIdle(java.time.Duration.ZERO)).isTrue();
            assertThat(log.isOpen()).isFalse();
            log.write(second, 0, second.length); // over 1K: rotation still counts the bytes written before the close
            assertThat(log.isOpen()).isTrue();
        }
        assertThat(read(file)).isEqualTo(new String(second));
        assertThat(read(RotatingLogFile.rotated(file, 1))).isEqualTo(new String(first));
    }

    @Test
    void reopenStartsANewFileAfterTheOldOneWasMovedAway() throws IOException {
        Path file = dir.resolve("moved.log");
        Path movedTo = dir.resolve("moved.log.archived");
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 3))) {
            write(log, "before\n");
            Files.move(file, movedTo);
            write(log, "still old\n"); // an open file follows its inode, like any Unix writer
            log.reopen();
            write(log, "after\n");
        }
        assertThat(read(movedTo)).isEqualTo("before\nstill old\n");
        assertThat(read(file)).isEqualTo("after\n");
    }

    @Test
    void createsParentDirectoriesAndAppendsToAnExistingFile() throws IOException {
        Path file = dir.resolve("a/b/c/app.log");
        try (RotatingLogFile log = new RotatingLogFile(file, LogPolicy.DEFAULT)) {
            write(log, "one\n");
        }
        try (RotatingLogFile log = new RotatingLogFile(file, LogPolicy.DEFAULT)) {
            assertThat(log.size()).isEqualTo(4);
            assertThat(log.path()).isEqualTo(file);
            write(log, "two\n");
        }
        assertThat(read(file)).isEqualTo("one\ntwo\n");
    }

    @Test
    void writesFromManyThreadsStayWholeAndComplete() throws Exception {
        Path file = dir.resolve("merged.log");
        int threads = 4;
        int lines = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(4096, 1000))) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < lines; i++) {
                        write(log, "thread " + id + " line " + i + "\n");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<String> all = concatenateAll(file).lines().toList();
        assertThat(all).hasSize(threads * lines);
        for (int t = 0; t < threads; t++) {
            String prefix = "thread " + t + " line ";
            List<String> own = all.stream().filter(l -> l.startsWith(prefix)).toList();
            assertThat(own).hasSize(lines);
            for (int i = 0; i < lines; i++) {
                assertThat(own.get(i)).isEqualTo(prefix + i); // in order, none torn
            }
        }
    }

    @Test
    void writingAfterCloseFails() throws IOException {
        RotatingLogFile log = new RotatingLogFile(dir.resolve("closed.log"), LogPolicy.DEFAULT);
        log.close();
        assertThatThrownBy(() -> write(log, "x")).isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    static void write(RotatingLogFile log, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        log.write(bytes, 0, bytes.length);
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** All files of a log, oldest first. */
    static String concatenateAll(Path file) throws IOException {
        int last = 0;
        while (Files.exists(rotated(file, last + 1))) {
            last++;
        }
        StringBuilder all = new StringBuilder();
        for (int i = last; i >= 1; i--) {
            all.append(read(rotated(file, i)));
        }
        return all.append(read(file)).toString();
    }
}
