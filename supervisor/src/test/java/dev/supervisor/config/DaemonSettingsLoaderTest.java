package dev.supervisor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DaemonSettingsLoaderTest {
    @TempDir
    Path home;

    @Test
    void theShippedDefaultsBindLoopback() {
        DaemonSettings s = DaemonSettingsLoader.load(Map.of("SUPERVISOR_HOME", home.toString()), projectRoot());
        assertThat(s.bindHost()).isEqualTo("127.0.0.1");
        assertThat(s.frontBind()).isEqualTo("127.0.0.1");
        assertThat(s.jmxHost()).isEqualTo("127.0.0.1");
        assertThat(s.jolokiaPort()).isEqualTo(8778);
        assertThat(s.consolePort()).isEqualTo(8080);
        assertThat(s.jmxPort()).isZero();
        assertThat(s.logs()).isEqualTo(new LogPolicy(10L << 20, 5));
    }

    @Test
    void environmentVariablesWin() throws IOException {
        Files.writeString(home.resolve("daemon.yml"), "jolokia_port: 9000\nfront_bind: 0.0.0.0\n");
        DaemonSettings s = DaemonSettingsLoader.load(Map.of("SUPERVISOR_HOME", home.toString(),
                "SUPERVISOR_JOLOKIA_PORT", "9100", "SUPERVISOR_CONSOLE_PORT", "9101", "SUPERVISOR_JMX_PORT", "9102"), projectRoot());
        assertThat(s.jolokiaPort()).isEqualTo(9100);
        assertThat(s.consolePort()).isEqualTo(9101);
        assertThat(s.jmxPort()).isEqualTo(9102);
        assertThat(s.frontBind()).isEqualTo("0.0.0.0");
        assertThat(s.bindHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void badSettingsAreNamed() throws IOException {
        assertThatThrownBy(() -> DaemonSettingsLoader.load(Map.of("SUPERVISOR_HOME", home.toString(),
                "SUPERVISOR_JMX_PORT", "lots"), projectRoot()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SUPERVISOR_JMX_PORT='lots' is not a port number");
        Files.writeString(home.resolve("daemon.yml"), "jolokia_prot: 1\n");
        assertThatThrownBy(() -> DaemonSettingsLoader.load(Map.of("SUPERVISOR_HOME", home.toString()), projectRoot()))
                .hasMessageContaining(home.resolve("daemon.yml").toString()).hasMessageContaining("unknown setting 'jolokia_prot'");
    }

    @Test
    void samplingAndMetricsSettings() throws IOException {
        DaemonSettings defaults = DaemonSettingsLoader.load(Map.of("SUPERVISOR_HOME", home.toString()), projectRoot());
        assertThat(defaults.sampleInterval()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(defaults.metricsPort()).isEqualTo(8779);
        assertThat(defaults.metricsEnabled()).isTrue();

        Files.writeString(home.resolve("daemon.yml"), "sample_interval: 5s\nmetrics_port: 9300\nmetrics_enabled: false\n");
        DaemonSettings s = DaemonSettingsLoader.load(Map.of("SUPERVISOR_HOME", home.toString(), "SUPERVISOR_METRICS_PORT", "9301"), projectRoot());
        assertThat(s.sampleInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(s.metricsPort()).isEqualTo(9301);
        assertThat(s.metricsEnabled()).isFalse();

        Files.writeString(home.resolve("daemon.yml"), "sample_interval: often\n");
        assertThatThrownBy(() -> DaemonSettingsLoader.load(Map.of("SUPERVISOR_HOME", home.toString()), projectRoot()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(home.resolve("daemon.yml").toString())
                .hasMessageContaining("'sample_interval'").hasMessageContaining("'often' is not a duration");
        Files.writeString(home.resolve("daemon.yml"), "sample_interval: 10ms\n");
        assertThatThrownBy(() -> DaemonSettingsLoader.load(Map.of("SUPERVISOR_HOME", home.toString()), projectRoot()))
                .hasMessageContaining("'sample_interval': 10ms is too short (at least 100ms");
    }

    private static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        return Files.exists(p.resolve("conf")) ? p : p.getParent();
    }
}
