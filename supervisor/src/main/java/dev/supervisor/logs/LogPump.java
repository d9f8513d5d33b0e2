package dev.supervisor.logs;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;

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
    private final LineWriter lines;
    private final Runnable onEnd;
    private final Thread thread;

    private LogPump(String name, InputStream in, LogSink sink, LineOptions options, Runnable onEnd) {
        this.name = name;
        this.in = in;
        this.lines = new LineWriter(name, sink, options);
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
        lines.removeLineListener();
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
        byte[] scratch = lines.prefixesDates() ? new byte[BUFFER_SIZE + 256] : null;
        int filled = 0;
        try (in) {
            int n;
            while ((n = in.read(buffer, filled, buffer.length - filled)) >= 0) {
                filled += n;
                int end = filled;
                if (buffer[filled - 1] != '\n') {
                    int lineEnd = LineWriter.lastLineEnd(buffer, filled);
                    if (lineEnd > 0) {
                        end = lineEnd; // keep the unfinished line for the next round
                    } else if (filled < buffer.length) {
                        continue; // read on until the line ends
                    } // else one line longer than the buffer: it cannot stay whole
                }
                lines.write(buffer, end, scratch);
                System.arraycopy(buffer, end, buffer, 0, filled - end);
                filled -= end;
            }
            lines.write(buffer, filled, scratch);
            lines.finish();
        } catch (IOException e) {
            // The stream was closed under us (process destroyed, daemon shutting down): nothing more to copy.
            LOG.debug("{}: stream ended: {}", name, e.toString());
        } finally {
            LineWriter.runEnd(name, onEnd);
        }
    }
}
