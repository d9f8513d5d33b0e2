package dev.supervisor.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reading log files for the CLI's {@code logs --lines N --follow}. Works on the files directly, reading only
 * the end of large files, and follows across rotation by {@link RotatingLogFile} or an external tool.
 */
public final class LogTail {
    private static final int BLOCK = 8 * 1024;
    /** A line without an end longer than this is passed on as it is while following. */
    private static final int MAX_PENDING_LINE = 64 * 1024;
    public static final Duration DEFAULT_POLL = Duration.ofMillis(200);

    /** The last lines of a file and the offset just after them (where {@link #follow} should start). */
    public record Tail(List<String> lines, long endOffset) {
    }

    private LogTail() {
    }

    /** The last {@code n} lines, oldest first, taking older ones from {@code file.1}, {@code file.2}… if needed. */
    public static List<String> lastLines(Path file, int n) throws IOException {
        return tail(file, n).lines();
    }

    /**
     * Like {@link #lastLines} and also says where the current file ended when read, so that
     * {@code follow(file, tail.endOffset(), …)} neither misses nor repeats a line. A missing file has no lines.
     */
    public static Tail tail(Path file, int n) throws IOException {
        if (n <= 0) {
            return new Tail(List.of(), sizeOrZero(file));
        }
        List<List<String>> newestFirst = new ArrayList<>();
        int found = 0;
        long endOffset = 0;
        for (int i = 0; found < n; i++) {
            Path p = i == 0 ? file : RotatingLogFile.rotated(file, i);
            Tail t;
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                t = lastLines(ch, n - found);
            } catch (NoSuchFileException e) {
                if (i == 0) {
                    continue; // the current file may be missing right after a rotation or flush
                }
                break;
            }
            if (i == 0) {
                endOffset = t.endOffset();
            }
            newestFirst.add(t.lines());
            found += t.lines().size();
        }
        List<String> lines = new ArrayList<>(found);
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            lines.addAll(newestFirst.get(i));
        }
        return new Tail(Collections.unmodifiableList(lines), endOffset);
    }

    /** Scans backwards block by block for n line ends, then reads only those lines. */
    private static Tail lastLines(FileChannel ch, int n) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return new Tail(List.of(), 0);
        }
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        long scanEnd = size;
        if (readByte(ch, size - 1, block) == '\n') {
            scanEnd = size - 1; // the final line end does not start another line
        }
        long start = 0;
        int newlines = 0;
        search:
        for (long blockEnd = scanEnd; blockEnd > 0; ) {
            long blockStart = Math.max(0, blockEnd - BLOCK);
            block.clear().limit((int) (blockEnd - blockStart));
            readFully(ch, block, blockStart);
            for (int i = block.limit() - 1; i >= 0; i--) {
                if (block.get(i) == '\n' && ++newlines == n) {
                    start = blockStart + i + 1;
                    break search;
                }
            }
            blockEnd = blockStart;
        }
        ByteBuffer text = ByteBuffer.allocate(Math.toIntExact(size - start));
        readFully(ch, text, start);
        return new Tail(splitLines(text.array(), text.limit()), size);
    }

    /**
     * Passes every complete line written to {@code file} after {@code fromOffset} to {@code lines}, polling every
     * {@code poll}, until {@code keepGoing} says false. When the file is rotated (replaced by a new one) it first
     * finishes the old file, then continues at the start of the new one; when it is truncated (flush) it starts
     * over at the beginning. Returns the offset reached in the file it was last reading.
     */
    public static long follow(Path file, long fromOffset, Consumer<String> lines, BooleanSupplier keepGoing,
                              Duration poll) throws IOException {
        Objects.requireNonNull(lines, "lines");
        LineCollector collector = new LineCollector(lines);
        ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
        FileChannel ch = null;
        Object fileKey = null;
        long position = fromOffset;
        try {
            while (keepGoing.getAsBoolean()) {
                if (ch == null) {
                    BasicFileAttributes attrs = attributesOrNull(file);
                    if (attrs == null) {
                        pause(poll);
                        continue;
                    }
                    ch = FileChannel.open(file, StandardOpenOption.READ);
                    fileKey = attrs.fileKey();
                }
                if (ch.size() < position) {
                    position = 0; // truncated in place (flush): its new content starts at 0
                    collector.reset();
                }
                int read = readAt(ch, buffer, position);
                if (read > 0) {
                    position += read;
                    collector.accept(buffer.array(), read);
                    continue;
                }
                BasicFileAttributes now = attributesOrNull(file);
                if (now != null && !Objects.equals(now.fileKey(), fileKey)) {
                    // Rotated. The writer may have added to the old file just before moving it: finish it first.
                    while ((read = readAt(ch, buffer, position)) > 0) {
                        position += read;
                        collector.accept(buffer.array(), read);
                    }
                    ch.close();
                    ch = null;
                    position = 0;
                    collector.flushPartial();
                    continue;
                }
                pause(poll);
            }
            return position;
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
    }

    public static long follow(Path file, long fromOffset, Consumer<String> lines, BooleanSupplier keepGoing)
            throws IOException {
        return follow(file, fromOffset, lines, keepGoing, DEFAULT_POLL);
    }

    private static void pause(Duration poll) {
        LockSupport.parkNanos(poll.toNanos()); // polling like tail -f; an interrupt ends the wait early
    }

    private static BasicFileAttributes attributesOrNull(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static long sizeOrZero(Path file) throws IOException {
        BasicFileAttributes attrs = attributesOrNull(file);
        return attrs == null ? 0 : attrs.size();
    }

    private static int readAt(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        buffer.clear();
        int n = ch.read(buffer, position);
        return Math.max(n, 0);
    }

    private static byte readByte(FileChannel ch, long position, ByteBuffer scratch) throws IOException {
        scratch.clear().limit(1);
        readFully(ch, scratch, position);
        return scratch.get(0);
    }

    private static void readFully(FileChannel ch, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = ch.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("file shrank while reading it");
            }
        }
    }

    private static List<String> splitLines(byte[] bytes, int length) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                lines.add(decode(bytes, start, i));
                start = i + 1;
            }
        }
        if (start < length) {
            lines.add(decode(bytes, start, length));
        }
        return lines;
    }

    private static String decode(byte[] bytes, int start, int end) {
        if (end > start && bytes[end - 1] == '\r') {
            end--;
        }
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    /** Assembles lines from chunks, holding back an unfinished line until its end arrives. */
    private static final class LineCollector {
        private final Consumer<String> lines;
        private byte[] pending = new byte[256];
        private int pendingLength;

        LineCollector(Consumer<String> lines) {
            this.lines = lines;
        }

        void accept(byte[] bytes, int length) {
            int start = 0;
            for (int i = 0; i < length; i++) {
                if (bytes[i] == '\n') {
                    append(bytes, start, i - start);
                    lines.accept(decode(pending, 0, pendingLength));
                    pendingLength = 0;
                    start = i + 1;
                }
            }
            append(bytes, start, length - start);
            if (pendingLength >= MAX_PENDING_LINE) {
                flushPartial();
            }
        }

        /** An unfinished last line of a rotated file will get no end: pass it on as it is. */
        void flushPartial() {
            if (pendingLength > 0) {
                lines.accept(decode(pending, 0, pendingLength));
                pendingLength = 0;
            }
        }

        void reset() {
            pendingLength = 0;
        }

        private void append(byte[] bytes, int offset, int length) {
            if (pendingLength + length > pending.length) {
                pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
            }
            System.arraycopy(bytes, offset, pending, pendingLength, length);
            pendingLength += length;
        }
    }
}
