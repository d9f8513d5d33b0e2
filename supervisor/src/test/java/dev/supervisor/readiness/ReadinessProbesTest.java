package dev.supervisor.readiness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadinessProbesTest extends ProbeTestSupport {
    private static final Duration UPTIME = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private ReadinessProbe create(ReadinessSpec spec) throws Exception {
        return track(new ReadinessProbes(scheduler, dir).create(spec, "api-1"));
    }

    @Test
    void firstMatchWins() throws Exception {
        assertThat(create(new ReadinessSpec(true, "http://127.0.0.1:${PORT}/", "up", 4321, UPTIME)))
                .isInstanceOf(NotifySocketProbe.class);
        assertThat(create(new ReadinessSpec(false, "http://127.0.0.1:${PORT}/", "up", 4321, UPTIME)))
                .isInstanceOf(ReadyUrlProbe.class);
        assertThat(create(new ReadinessSpec(false, " ", "up", 4321, UPTIME)))
                .isInstanceOf(ReadyPatternProbe.class);
        assertThat(create(new ReadinessSpec(false, null, null, 4321, UPTIME)))
                .isInstanceOf(PortProbe.class);
        assertThat(create(new ReadinessSpec(false, null, "", 0, UPTIME)))
                .isInstanceOf(AliveProbe.class);
    }

    @Test
    void describesWhatItWaitsFor() throws Exception {
        assertThat(create(new ReadinessSpec(false, "http://127.0.0.1:${PORT}/health", null, 4321, UPTIME)).describe())
                .startsWith("GET http://127.0.0.1:4321/health to answer 2xx");
        assertThat(create(new ReadinessSpec(false, null, null, 41234, UPTIME)).describe())
                .isEqualTo("port 41234 to accept connections");
        assertThat(create(new ReadinessSpec(false, null, "ready in \\d+ms", 0, UPTIME)).describe())
                .isEqualTo("a stdout line matching /ready in \\d+ms/");
        assertThat(create(new ReadinessSpec(false, null, null, 0, UPTIME)).describe())
                .isEqualTo("the process to stay up 1000 ms");
        ReadinessProbe notify = create(new ReadinessSpec(true, null, null, 0, UPTIME));
        assertThat(notify.environment().get("NOTIFY_SOCKET")).startsWith(dir + "/api-1-");
    }

    @Test
    void unusableSettingsAreNamedInTheError() {
        assertThatThrownBy(() -> create(new ReadinessSpec(false, "http://127.0.0.1:${PORT}/", null, 0, UPTIME)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uses ${PORT} but the app has no port");
        assertThatThrownBy(() -> create(new ReadinessSpec(false, null, "ready (", 0, UPTIME)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ready_pattern 'ready ('");
        assertThatThrownBy(() -> create(new ReadinessSpec(false, "http://x y/", null, 0, UPTIME)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ready_url 'http://x y/'");
        assertThatThrownBy(() -> new ReadinessSpec(false, null, null, 70000, UPTIME))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
    }
}
