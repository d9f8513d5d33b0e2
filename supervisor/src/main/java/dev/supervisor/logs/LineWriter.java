package dev.supervisor.logs;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * What every capture ({@link LogPump}, {@link PipeMultiplexer}) does with the lines it read from one stream: feed the
 * ready_pattern listener, put pm2's "{@code <date>: }" prefix in front of each line, write to the sink. One per
 * stream, used by one thread at a time; the caller lends the scratch buffer for the prefixed copy, so a multiplexer
 * needs one for all its streams.
 */
final class LineWriter {
    private static final Logger LOG = LogManager.getLogger(LineWriter.class);

    private final String name;
    private final LogSink sink;
    private final DateTimeFormatter dateFormat;
    private volatile LineSplitter splitter;
    private boolean atLineStart = true;
    private boolean sinkFailing;
    private long prefixMillis = Long.MIN_VALUE;
    private byte[] prefix;

    LineWriter(String name, LogSink sink, LineOptions options) {
        this.name = name;
        this.sink = sink;
        DateTimeFormatter f = options.datePrefix();
        this.dateFormat = f == null ? null : f.getZone() == null ? f.withZone(ZoneId.systemDefault()) : f;
        this.splitter = options.lineListener() == null ? null
                : new LineSplitter(LogPump.MAX_LISTENER_LINE, options.lineListener());
    }

    boolean prefixesDates() {
        return dateFormat != null;
    }

    /** Stops calling the line listener (e.g. once the instance is ready), so lines cost nothing more. */
    void removeLineListener() {
        splitter = null;
    }

    /**
     * Writes {@code bytes[0, length)}: whole lines, except a line longer than the reader's buffer, which comes in
     * pieces. {@code scratch} holds the prefixed copy when dates are on (any size; a larger one means fewer writes).
     */
    void write(byte[] bytes, int length, byte[] scratch) {
        if (length == 0) {
            return;
        }
        LineSplitter s = splitter;
        if (s != null) {
            try {
                s.feed(bytes, 0, length);
            } catch (RuntimeException e) {
                LOG.warn("{}: line listener failed: {}", name, e.toString(), e);
            }
        }
        if (dateFormat == null) {
            writeToSink(bytes, 0, length);
            return;
        }
        int used = 0;
        int i = 0;
        while (i < length) {
            if (atLineStart) {
                byte[] p = prefix();
                if (used + p.length > scratch.length) {
                    writeToSink(scratch, 0, used);
                    used = 0;
                }
                System.arraycopy(p, 0, scratch, used, p.length);
                used += p.length;
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
            int n = lineEnd - i;
            if (used + n > scratch.length) {
                writeToSink(scratch, 0, used);
                used = 0;
            }
            if (n > scratch.length) {
                writeToSink(bytes, i, n);
            } else {
                System.arraycopy(bytes, i, scratch, used, n);
                used += n;
            }
            i = lineEnd;
        }
        writeToSink(scratch, 0, used);
    }

    /** At end of stream: a last line without a newline still reaches the listener. */
    void finish() {
        LineSplitter s = splitter;
        if (s != null) {
            s.finish();
        }
    }

    private byte[] prefix() {
        long now = System.currentTimeMillis();
        if (now != prefixMillis) { // many lines share one millisecond: format once
            prefixMillis = now;
            prefix = (dateFormat.format(Instant.ofEpochMilli(now)) + ": ").getBytes(StandardCharsets.UTF_8);
        }
        return prefix;
    }

    /** A failing sink (disk full) must not stop the reading: the child would block forever on its pipe. */
    private void writeToSink(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
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
        } catch (RuntimeException e) {
            LOG.warn("{}: log sink failed: {}", name, e.toString(), e);
        }
    }

    /** Runs a capture's end callback; its failure is logged, not thrown into the reading loop. */
    static void runEnd(String name, Runnable onEnd) {
        if (onEnd != null) {
            try {
                onEnd.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: end callback failed: {}", name, e.toString(), e);
            }
        }
    }

    /** Length of the longest prefix ending with a newline; 0 if there is none. */
    static int lastLineEnd(byte[] bytes, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }
}
