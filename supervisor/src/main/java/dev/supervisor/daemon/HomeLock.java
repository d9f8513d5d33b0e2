package dev.supervisor.daemon;

import dev.supervisor.errors.UserError;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One daemon per home, held from the daemon's first step to its last; the kernel drops it when the process dies,
 * so a crashed daemon never blocks the next one. Without it a second daemon in a live home would take the first
 * one's run record for a dead daemon's and stop its apps ({@link Recovery}) before failing on the Jolokia port.
 */
final class HomeLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private HomeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws UserError if another daemon holds this home */
    static HomeLock acquire(Path home, Path pidFile) {
        Path file = home.resolve("run").resolve("daemon.lock");
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + file + ": " + e.getMessage(), e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // a daemon in this very JVM holds it (an embedded daemon started twice)
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("cannot lock " + file + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new UserError("another supervisor daemon" + pidOf(pidFile) + " runs in " + home
                    + ": stop it first (supervisor kill), or give this one another SUPERVISOR_HOME");
        }
        return new HomeLock(channel, lock);
    }

    private static String pidOf(Path pidFile) {
        try {
            return " (pid " + Files.readString(pidFile, StandardCharsets.UTF_8).trim() + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing held
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
