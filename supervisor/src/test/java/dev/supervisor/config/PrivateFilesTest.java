package dev.supervisor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class PrivateFilesTest {
    @TempDir
    Path dir;

    @Test
    void aNewFileIsTheOwnersOnly() throws Exception {
        Path f = dir.resolve("state.json.tmp");
        try (FileChannel ch = PrivateFiles.openForWrite(f)) {
            ch.write(ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(Files.readString(f)).isEqualTo("{}");
    }

    @Test
    void aFileLeftReadableByOthersIsNarrowedAndTruncated() throws Exception {
        Path f = dir.resolve("daemon.out");
        Files.writeString(f, "old secret output");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

        PrivateFiles.openForWrite(f).close();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(Files.size(f)).isZero();
    }

    @Test
    void directoriesItCreatesAreTheOwnersOnlyAndAnExistingOneKeepsItsMode() throws Exception {
        Path created = dir.resolve("home/run");
        PrivateFiles.createDirectories(created);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created.getParent()))).isEqualTo("rwx------");

        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-x---"));
        PrivateFiles.createDirectories(shared);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rwxr-x---");
    }
}
