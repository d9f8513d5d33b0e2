package dev.supervisor.logs;

import dev.supervisor.config.LogPermissions;
import dev.supervisor.config.LogPolicy;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * An append-only log file with size-based rotation: {@code app.log} is never larger than
 * {@link LogPolicy#maxBytes()}; older data moves to {@code app.log.1} (newest) … {@code app.log.N} (oldest),
 * N = {@link LogPolicy#retain()}. Rotation cuts after the last complete line that fits, so lines stay whole
 * unless a single line is longer than the whole file.
 *
 * <p>Thread-safe: the stdout and stderr pumps of several instances may share one file (merge_logs). Each
 * {@link #write} is atomic with respect to the others and to rotation. Nothing is buffered in memory: every
 * write goes straight to the file channel.
 */
public class RotatingLogFile implements LogSink, Closeable {
    private final Path path;
    private final LogPolicy policy;
    private final LogPermissions permissions;
    private FileChannel channel;
    private long size;
    private boolean closed;
    private long lastWriteNanos = System.nanoTime();

    /** Opens (creating parent directories and the file) for appending. */
    public RotatingLogFile(Path path, LogPolicy policy) throws IOException {
        this(path, policy, LogPermissions.DEFAULT);
    }

    /** Creates the file (and missing parent directories) with the given modes; an existing file gets its mode. */
    public RotatingLogFile(Path path, LogPolicy policy, LogPermissions permissions) throws IOException {
        this.path = Objects.requireNonNull(path, "path");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
        open();
    }

    public Path path() {
        return path;
    }

    /** The n-th rotated file: {@code app.log.1} is the newest. */
    public static Path rotated(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        ensureOpen();
        lastWriteNanos = System.nanoTime();
        long max = policy.maxBytes();
        while (length > 0) {
            long room = Math.max(0, max - size);
            if (length <= room) {
                writeFully(bytes, offset, length);
                return;
            }
            int cut = endOfLastLine(bytes, offset, (int) room);
            if (cut == 0 && size == 0) {
                cut = (int) room; // one line longer than a whole file: split it rather than exceed the limit
            }
            writeFully(bytes, offset, cut);
            offset += cut;
            length -= cut;
            rotate();
        }
    }

    /** After an external tool moved the file away (logrotate, pm2's reloadLogs): start writing to a new one. */
    public synchronized void reopen() throws IOException {
        if (closed) {
            throw new IOException("log file " + path + " is closed");
        }
        closeChannel();
        open();
    }

    /** Empties the current file and deletes the rotated ones (the CLI's flush). */
    public synchronized void truncate() throws IOException {
        ensureOpen();
        deleteRotated();
        channel.truncate(0);
        size = 0;
    }

    /**
     * Gives the file descriptor back when nothing was written for {@code idle}; the next write opens the file
     * again (O_APPEND, so nothing is lost). At 1,000 quiet apps this is 2,000 descriptors the daemon need not hold.
     *
     * @return true if the file was open and is now closed
     */
    public synchronized boolean closeIfIdle(java.time.Duration idle) throws IOException {
        if (channel == null || System.nanoTime() - lastWriteNanos < idle.toNanos()) {
            return false;
        }
        closeChannel();
        return true;
    }

    /** Whether a descriptor is held now. */
    public synchronized boolean isOpen() {
        return channel != null;
    }

    /** Bytes in the current file as this object knows it. */
    public synchronized long size() {
        return size;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        closeChannel();
    }

    private void open() throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(permissions.dir()));
        }
        channel = FileChannel.open(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(permissions.file()));
        // A file created before (or by a looser umask) gets the mode too; rotation renames keep it.
        Files.setPosixFilePermissions(path, permissions.file());
        size = channel.size();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("log file " + path + " is closed");
        }
        if (channel == null) {
            open(); // an earlier open failed (e.g. disk full during rotation): try again
        }
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            FileChannel c = channel;
            channel = null;
            c.close();
        }
    }

    private void writeFully(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
        while (buffer.hasRemaining()) {
            size += channel.write(buffer);
        }
    }

    /** Length of the longest prefix of {@code bytes[offset, offset+limit)} that ends with a newline; 0 if none. */
    private static int endOfLastLine(byte[] bytes, int offset, int limit) {
        for (int i = offset + limit - 1; i >= offset; i--) {
            if (bytes[i] == '\n') {
                return i - offset + 1;
            }
        }
        return 0;
    }

    private void rotate() throws IOException {
        closeChannel();
        int retain = policy.retain();
        if (retain == 0) {
            Files.deleteIfExists(path);
        } else {
            Files.deleteIfExists(rotated(path, retain));
            for (int i = retain - 1; i >= 1; i--) {
                moveIfExists(rotated(path, i), rotated(path, i + 1));
            }
            moveIfExists(path, rotated(path, 1));
        }
        open();
    }

    private static void moveIfExists(Path from, Path to) throws IOException {
        if (Files.exists(from)) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes app.log.1, .2, … while they exist, also beyond today's retain (it may have been larger before). */
    private void deleteRotated() throws IOException {
        for (int i = 1; ; i++) {
            boolean deleted = Files.deleteIfExists(rotated(path, i));
            if (!deleted && i >= policy.retain()) {
                return; // below retain keep looking: a gap is possible after a manual delete
            }
        }
    }
}
