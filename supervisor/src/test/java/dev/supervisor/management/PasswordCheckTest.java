package dev.supervisor.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supervisor.management.http.AuthThrottle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordCheckTest {
    @TempDir
    Path dir;

    @Test
    void theRightPasswordGivesTheRoleAndALockedSourceIsRefusedBeforeThePasswordIsLookedAt() {
        Credentials admin = Credentials.loadOrCreate(dir.resolve("credentials.properties"));
        PasswordCheck check = new PasswordCheck("test", new CredentialsFile(dir.resolve("credentials.properties")),
                new AuthThrottle());

        assertThat(check.check("10.0.0.1", admin.username(), admin.password()))
                .isEqualTo(new PasswordCheck.Granted(Credentials.ADMIN_ROLE));
        for (int i = 0; i < 6; i++) {
            assertThat(check.check("10.0.0.1", admin.username(), "guess" + i)).isEqualTo(new PasswordCheck.Refused());
        }
        assertThat(check.check("10.0.0.1", admin.username(), admin.password()))
                .isInstanceOf(PasswordCheck.Locked.class);
        assertThat(check.check("10.0.0.2", admin.username(), admin.password()))
                .as("another source is not locked").isEqualTo(new PasswordCheck.Granted(Credentials.ADMIN_ROLE));
    }

    @Test
    void anAddedViewerAppliesWithoutARestart() throws Exception {
        Path file = dir.resolve("credentials.properties");
        Credentials.loadOrCreate(file);
        PasswordCheck check = new PasswordCheck("test", new CredentialsFile(file), new AuthThrottle());
        assertThat(check.check("10.0.0.1", "ops", "watching")).isEqualTo(new PasswordCheck.Refused());

        Files.writeString(file, Files.readString(file) + "\nviewer.username=ops\nviewer.password=watching\n");

        assertThat(check.check("10.0.0.1", "ops", "watching"))
                .isEqualTo(new PasswordCheck.Granted(Credentials.VIEWER_ROLE));
    }
}
