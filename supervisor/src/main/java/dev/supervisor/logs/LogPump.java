package dev.supervisor.logs;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Copies one child stream (stdout or stderr) into a {@link LogSink} on its own daemon thread, through one fixed
 * buffer. When the sink blocks, the pump stops reading and the child blocks on its full pipe: log output never
 * piles up in the daemon's heap (pm2 #6113). The pump ends at end of stream, closes the stream and runs
 * {@code onEnd}.
 *
 * <p>Like journald, the pump writes whole lines: an unfinished line is held back (within the buffer) until its
 * end arrives, so that pumps sharing one file (merge_logs) interleave whole lines and a date prefix always
 * starts a line. The cost: a last line without an end (a prompt) shows up only when its line ends, the buffer
 * fills (a line longer than {@link #BUFFER_SIZE} is written in pieces) or the stream ends.
 */
public final class LogPump implements LogCapture.Capture {
    public static final int BUFFER_SIZE = 16 * 1024;
    /** Longest line handed to a line listener; the rest of a longer line is dropped (the log file gets it all). */
    public static final int MAX_LISTENER_LINE = 8 * 1024;
    private static final long STACK_SIZE = 256 * 1024; // many pumps, shallow stacks
    private static final Logger LOG = LogManager.getLogger(LogPump.class);

    private final String name;
    private final InputStream in;
    private final LogSink sink;
    private final DatePrefixer prefixer;
    private final Runnable onEnd;
    private final Thread thread;
    private volatile LineSplitter splitter;
    private boolean sinkFailing;

    private LogPump(String name, InputStream in, LogSink sink, LineOptions options, Runnable onEnd) {
        this.name = name;
        this.in = in;
        this.sink = sink;
        this.prefixer = options.datePrefix() == null ? null : new DatePrefixer(options.datePrefix());
        this.splitter = options.lineListener() == null ? null
                : new LineSplitter(MAX_LISTENER_LINE, options.lineListener());
        this.onEnd = onEnd;
        this.thread = new Thread(null, this::run, name, STACK_SIZE);
        thread.setDaemon(true);
    }

    /** Starts a pump thread named {@code threadName}; {@code onEnd} (may be null) runs on it after end of stream. */
    public static LogPump start(String threadName, InputStream in, LogSink sink, LineOptions options, Runnable onEnd) {
        LogPump pump = new LogPump(Objects.requireNonNull(threadName, "threadName"), Objects.requireNonNull(in, "in"),
                Objects.requireNonNull(sink, "sink"), options == null ? LineOptions.NONE : options, onEnd);
        pump.thread.start();
        return pump;
    }

    public static LogPump start(String threadName, InputStream in, LogSink sink, LineOptions options) {
        return start(threadName, in, sink, options, null);
    }

    /** Stops calling the line listener (e.g. once the instance is ready), so lines cost nothing more. */
    @Override
    public void removeLineListener() {
        splitter = null;
    }

    /** @return true if the pump has ended (the stream reached its end and onEnd ran) */
    public boolean join(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    @Override
    public boolean isRunning() {
        return thread.isAlive();
    }

    private void run() {
        byte[] buffer = new byte[BUFFER_SIZE];
        int filled = 0;
        try (in) {
            int n;
            while ((n = in.read(buffer, filled, buffer.length - filled)) >= 0) {
                filled += n;
                int end = filled;
                if (buffer[filled - 1] != '\n') {
                    int lineEnd = lastLineEnd(buffer, filled);
                    if (lineEnd > 0) {
                        end = lineEnd; // keep the unfinished line for the next round
                    } else if (filled < buffer.length) {
                        continue; // read on until the line ends
                    } // else one line longer than the buffer: it cannot stay whole
                }
                emit(buffer, end);
                System.arraycopy(buffer, end, buffer, 0, filled - end);
                filled -= end;
            }
            emit(buffer, filled);
            LineSplitter s = splitter;
            if (s != null) {
                s.finish();
            }
        } catch (IOException e) {
            // The stream was closed under us (process destroyed, daemon shutting down): nothing more to copy.
            LOG.debug("{}: stream ended: {}", name, e.toString());
        } finally {
            runOnEnd();
        }
    }

    private void emit(byte[] buffer, int length) {
        if (length == 0) {
            return;
        }
        LineSplitter s = splitter;
        if (s != null) {
            try {
                s.feed(buffer, 0, length);
            } catch (RuntimeException e) {
                LOG.warn("{}: line listener failed: {}", name, e.toString(), e);
            }
        }
        if (prefixer == null) {
            writeToSink(buffer, 0, length);
        } else {
            prefixer.write(buffer, length);
        }
    }

    /** A failing sink (disk full) must not stop the pump: the child would block forever on its pipe. */
    private void writeToSink(byte[] bytes, int offset, int length) {
        try {
            sink.write(bytes, offset, length);
            if (sinkFailing) {
                sinkFailing = false;
                LOG.warn("{}: log writes work again", name);
            }
        } catch (IOException e) {
            if (!sinkFailing) {
                sinkFailing = true;
                LOG.warn("{}: cannot write log, dropping output until it works again: {}", name, e.toString());
            }
        }
    }

    private void runOnEnd() {
        if (onEnd != null) {
            try {
                onEnd.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: end callback failed: {}", name, e.toString(), e);
            }
        }
    }

    /** Length of the longest prefix ending with a newline; 0 if there is none. */
    private static int lastLineEnd(byte[] bytes, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    /** Writes lines with "{@code <date>: }" in front, pm2 style, through one more fixed buffer. */
    private final class DatePrefixer {
        private final DateTimeFormatter format;
        private final byte[] out = new byte[BUFFER_SIZE + 256];
        private int outLength;
        private boolean atLineStart = true;
        private long prefixMillis = Long.MIN_VALUE;
        private byte[] prefix;

        DatePrefixer(DateTimeFormatter format) {
            this.format = format.getZone() == null ? format.withZone(ZoneId.systemDefault()) : format;
        }

        void write(byte[] bytes, int length) {
            int i = 0;
            while (i < length) {
                if (atLineStart) {
                    append(prefix(), 0, prefix.length);
                    atLineStart = false;
                }
                int lineEnd = i;
                while (lineEnd < length && bytes[lineEnd] != '\n') {
                    lineEnd++;
                }
                if (lineEnd < length) {
                    lineEnd++; // include the newline
                    atLineStart = true;
                }
                append(bytes, i, lineEnd - i);
                i = lineEnd;
            }
            flush();
        }

        private byte[] prefix() {
            long now = System.currentTimeMillis();
            if (now != prefixMillis) { // many lines share one millisecond: format once
                prefixMillis = now;
                prefix = (format.format(Instant.ofEpochMilli(now)) + ": ").getBytes(StandardCharsets.UTF_8);
            }
            return prefix;
        }

        private void append(byte[] bytes, int offset, int length) {
            if (outLength + length > out.length) {
                flush();
                if (length > out.length) {
                    writeToSink(bytes, offset, length);
                    return;
                }
            }
            System.arraycopy(bytes, offset, out, outLength, length);
            outLength += length;
        }

        private void flush() {
            if (outLength > 0) {
                writeToSink(out, 0, outLength);
                outLength = 0;
            }
        }
    }
}
