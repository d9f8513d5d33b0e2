package dev.supervisor.management;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * The credentials file as it is now: read again when its modification time or size changes, so an added viewer
 * or a new password applies without a restart, without reading the file on every request.
 */
final class CredentialsFile {
    private final Path file;
    private record Snapshot(FileTime modified, long size, Credentials credentials) {
    }
    private volatile Snapshot snapshot;

    CredentialsFile(Path file) {
        this.file = file;
    }

    Credentials current() {
        FileTime modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (IOException e) {
            Snapshot last = snapshot;
            if (last != null) {
                return last.credentials();
            }
            return Credentials.load(file);
        }
        Snapshot s = snapshot;
        if (s == null || !s.modified().equals(modified) || s.size() != size) {
            s = new Snapshot(modified, size, Credentials.load(file));
            snapshot = s;
        }
        return s.credentials();
    }
}
