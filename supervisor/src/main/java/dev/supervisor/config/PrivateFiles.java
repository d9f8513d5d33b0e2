package dev.supervisor.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The daemon's own state files (the run record, dump.json, daemon.out) carry the apps' specs and environments, which
 * hold secrets as often as logs do: only the daemon's user may read them, whatever the umask (0600 files, 0700
 * directories the daemon creates), as with {@link LogPermissions#DEFAULT}.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> FILE = LogPermissions.octal("0600");
    public static final Set<PosixFilePermission> DIR = LogPermissions.octal("0700");

    private PrivateFiles() {
    }

    /** Opens {@code file} to write it anew: created 0600, or truncated and set to 0600 (left wider by an older version). */
    public static FileChannel openForWrite(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING), PosixFilePermissions.asFileAttribute(FILE));
        try {
            Files.setPosixFilePermissions(file, FILE);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /** Creates {@code dir} and its missing parents, those it creates 0700; an existing directory keeps its mode. */
    public static void createDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR));
        }
    }
}
