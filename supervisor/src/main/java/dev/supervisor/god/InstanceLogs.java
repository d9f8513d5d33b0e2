package dev.supervisor.god;

import dev.supervisor.config.AppConfig;
import dev.supervisor.logs.LineOptions;
import dev.supervisor.logs.LogDateFormat;
import dev.supervisor.logs.LogCapture;
import dev.supervisor.logs.LogFiles;
import dev.supervisor.logs.LogSink;
import dev.supervisor.logs.RotatingLogFile;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * The seam between an instance and its logs: the two files, opened before the fork (so that a bad path fails the
 * launch before any process exists) and released when the entry leaves the table; and the wiring of a process's
 * stdout/stderr into them through the daemon's {@link LogCapture} (one epoll thread for every pipe, or a thread per
 * stream where posix_spawn is unavailable).
 * Used by the instance's owner only.
 */
final class InstanceLogs {
    private final LogFiles files;
    private final LogCapture capture;
    private RotatingLogFile out;
    private RotatingLogFile err;
    private RotatingLogFile combined; // pm2's log_file: both streams also go here

    InstanceLogs(LogFiles files, LogCapture capture) {
        this.files = files;
        this.capture = capture;
    }

    /** Opens the files if not open yet. @throws RuntimeException naming the file when one cannot be opened */
    void open(Path outPath, Path errPath, Path combinedPath, AppConfig config) {
        if (combined == null && combinedPath != null) {
            combined = files.acquire(combinedPath, config.logPolicy());
        }
        if (out == null) {
            out = files.acquire(outPath, config.logPolicy());
        }
        if (err == null) {
            err = files.acquire(errPath, config.logPolicy());
        }
    }

    /** Starts copying the process's output into the files; {@code stdoutLines} also sees each stdout line (or null). */
    void pump(String name, InputStream stdout, InputStream stderr, AppConfig config, Consumer<String> stdoutLines) {
        DateTimeFormatter prefix = config.logDateFormat().map(LogDateFormat::parse).orElse(null);
        capture.start(name + "-out", stdout, withCombined(out), new LineOptions(prefix, stdoutLines));
        capture.start(name + "-err", stderr, withCombined(err), new LineOptions(prefix, null));
    }

    private LogSink withCombined(RotatingLogFile log) {
        RotatingLogFile both = combined;
        if (both == null) {
            return log;
        }
        return (bytes, offset, length) -> {
            log.write(bytes, offset, length);
            both.write(bytes, offset, length);
        };
    }

    void release() {
        if (out != null) {
            files.release(out);
            out = null;
        }
        if (err != null) {
            files.release(err);
            err = null;
        }
        if (combined != null) {
            files.release(combined);
            combined = null;
        }
    }
}
