package dev.supervisor.logs;

import dev.supervisor.config.LogPermissions;
import dev.supervisor.config.LogPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The open log files, shared by path: with merge_logs several instances (and both of an instance's streams when
 * out_file equals error_file) write one file. Reference-counted so a file closes when its last writer goes.
 */
public final class LogFiles implements AutoCloseable {
    private final Map<Path, Entry> open = new HashMap<>();
    private final LogPermissions permissions;

    public LogFiles() {
        this(LogPermissions.DEFAULT);
    }

    /** Log files are created with these modes (owner-only by default: apps log secrets). */
    public LogFiles(LogPermissions permissions) {
        this.permissions = permissions;
    }

    private static final class Entry {
        final RotatingLogFile file;
        int users;

        Entry(RotatingLogFile file) {
            this.file = file;
        }
    }

    public synchronized RotatingLogFile acquire(Path path, LogPolicy policy) {
        Path key = path.toAbsolutePath().normalize();
        Entry e = open.get(key);
        if (e == null) {
            try {
                e = new Entry(new RotatingLogFile(key, policy, permissions));
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot open log file " + key + ": " + ex.getMessage(), ex);
            }
            open.put(key, e);
        }
        e.users++;
        return e.file;
    }

    public synchronized void release(RotatingLogFile file) {
        Path key = file.path();
        Entry e = open.get(key);
        if (e != null && e.file == file && --e.users == 0) {
            open.remove(key);
            closeQuietly(file);
        }
    }

    /** reloadLogs: reopen every file, e.g. after logrotate moved them away. */
    public void reopenAll() {
        for (RotatingLogFile f : snapshot()) {
            try {
                f.reopen();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reopen log file " + f.path() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Closes the descriptors of files nothing was written to for {@code idle} (they reopen on the next write). */
    public int closeIdle(java.time.Duration idle) {
        int closed = 0;
        for (RotatingLogFile f : snapshot()) {
            try {
                if (f.closeIfIdle(idle)) {
                    closed++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close idle log file " + f.path() + ": " + e.getMessage(), e);
            }
        }
        return closed;
    }

    /** Truncates the given files if open here, else on disk (rotated copies included). */
    public void truncate(Path path) {
        RotatingLogFile f;
        synchronized (this) {
            Entry e = open.get(path.toAbsolutePath().normalize());
            f = e == null ? null : e.file;
        }
        try {
            if (f != null) {
                f.truncate();
            } else if (java.nio.file.Files.exists(path)) {
                // Not open here (its app is gone): empty it on disk all the same.
                java.nio.file.Files.write(path, new byte[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush log file " + path + ": " + e.getMessage(), e);
        }
    }

    private synchronized List<RotatingLogFile> snapshot() {
        List<RotatingLogFile> files = new ArrayList<>();
        open.values().forEach(e -> files.add(e.file));
        return files;
    }

    @Override
    public synchronized void close() {
        open.values().forEach(e -> closeQuietly(e.file));
        open.clear();
    }

    private static void closeQuietly(RotatingLogFile f) {
        try {
            f.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close log " + f.path(), e);
        }
    }
}
