package dev.supervisor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jolokia port 0 (any free port) is for a daemon embedded in a test, never for the CLI: a daemon it started would
 * take a port the CLI cannot know, and every command would start one more daemon in the same home.
 */
class CliJolokiaPortTest {
    @Test
    void portZeroIsRefusedBeforeAnyDaemonStarts(@TempDir Path home) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = SupervisorCli.run(new String[] {"ping"}, Map.of("SUPERVISOR_HOME", home.toString(),
                "SUPERVISOR_JOLOKIA_PORT", "0", "PATH", System.getenv("PATH")), new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("the Jolokia port is 0", "SUPERVISOR_JOLOKIA_PORT", "8778")
                .doesNotContain("starting one");
        assertThat(Files.exists(home.resolve("supervisor.pid"))).as("no daemon was started").isFalse();
        assertThat(Files.exists(home.resolve("credentials"))).isFalse();
    }
}
