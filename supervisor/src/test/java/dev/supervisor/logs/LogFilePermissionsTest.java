package dev.supervisor.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supervisor.config.LogPermissions;
import dev.supervisor.config.LogPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apps log secrets: their log files are the daemon user's alone unless daemon.yml says otherwise. */
class LogFilePermissionsTest {
    @TempDir
    Path dir;

    @Test
    void newLogsAreOwnerOnlyAndRotationKeepsIt() throws Exception {
        Path file = dir.resolve("logs/app-out.log");
        try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(1024, 2))) {
            log.write(("x".repeat(100) + "\n").repeat(20).getBytes(), 0, 2020);
        }
        assertThat(mode(dir.resolve("logs"))).isEqualTo("rwx------");
        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(mode(RotatingLogFile.rotated(file, 1))).isEqualTo("rw-------");
    }

    @Test
    void anExistingWorldReadableLogIsTightenedAndModesAreConfigurable() throws Exception {
        Path file = dir.resolve("old.log");
        Files.writeString(file, "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        new RotatingLogFile(file, LogPolicy.DEFAULT).close();
        assertThat(mode(file)).isEqualTo("rw-------");

        LogPermissions group = new LogPermissions(LogPermissions.octal("0750"), LogPermissions.octal("640"));
        Path shared = dir.resolve("shared/app.log");
        new RotatingLogFile(shared, LogPolicy.DEFAULT, group).close();
        assertThat(mode(shared)).isEqualTo("rw-r-----");
        assertThat(mode(shared.getParent())).isEqualTo("rwxr-x---");
        assertThatThrownBy(() -> LogPermissions.octal("rw-")).hasMessageContaining("octal file mode");
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
