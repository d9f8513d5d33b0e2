package dev.supervisor.logs;

import java.io.InputStream;

/**
 * How a child's stdout/stderr reach its log files: the seam between an instance's owner and the pumping.
 * {@link #threadPerStream()} is a {@link LogPump} thread per stream; {@link PipeMultiplexer} reads every pipe
 * a {@code NativeLauncher} opened on one thread (docs/ARCHITECTURE-logs.md). Both keep the same guarantees:
 * whole lines, the date prefix, the line listener, and backpressure (a sink that blocks stops the reading, so
 * the child blocks on its full pipe and nothing piles up in the heap).
 */
public interface LogCapture extends AutoCloseable {
    /**
     * Starts copying {@code in} into {@code sink} until its end; then closes {@code in} and runs {@code onEnd}
     * (may be null).
     */
    Capture start(String name, InputStream in, LogSink sink, LineOptions options, Runnable onEnd);

    default Capture start(String name, InputStream in, LogSink sink, LineOptions options) {
        return start(name, in, sink, options, null);
    }

    @Override
    default void close() {
    }

    /** One stream being copied. */
    interface Capture {
        /** Stops calling the line listener (e.g. once the instance is ready). */
        void removeLineListener();

        /** False once the stream has ended and onEnd ran. */
        boolean isRunning();
    }

    static LogCapture threadPerStream() {
        return LogPump::start;
    }
}
