package dev.supervisor.god;

import dev.supervisor.config.AppConfig;
import dev.supervisor.config.AppsFileLoader;
import dev.supervisor.config.LogPolicy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RestartPolicyTest {
    private static AppConfig app(String extraJson) throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("policy");
        Path f = dir.resolve("apps.json");
        java.nio.file.Files.writeString(f, "{\"apps\":[{\"name\":\"a\",\"script\":\"/bin/true\",\"interpreter\":\"none\"" + extraJson + "}]}");
        return new AppsFileLoader(LogPolicy.DEFAULT).load(f, "").get(0);
    }

    @Test
    void quickExitsAreUnstableAndEndErroredAtMaxRestarts() throws Exception {
        AppConfig a = app(",\"max_restarts\":3");
        int unstable = 0;
        List<RestartPolicy.Action> actions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RestartPolicy.Decision d = RestartPolicy.decide(a, 1, Duration.ofMillis(100), unstable, Duration.ZERO);
            unstable = d.unstableRestarts();
            actions.add(d.action());
        }
        assertThat(actions).containsExactly(RestartPolicy.Action.RESTART, RestartPolicy.Action.RESTART, RestartPolicy.Action.ERRORED);
    }

    @Test
    void aStableExitIsNotCountedUnstable() throws Exception {
        RestartPolicy.Decision d = RestartPolicy.decide(app(""), 1, Duration.ofSeconds(5), 15, Duration.ZERO);
        assertThat(d.action()).isEqualTo(RestartPolicy.Action.RESTART);
        assertThat(d.unstableRestarts()).isEqualTo(15);
    }

    @Test
    void stopExitCodesAndAutorestartOff() throws Exception {
        assertThat(RestartPolicy.decide(app(",\"stop_exit_codes\":[3]"), 3, Duration.ofSeconds(5), 0, Duration.ZERO).action())
                .isEqualTo(RestartPolicy.Action.STOP);
        assertThat(RestartPolicy.decide(app(",\"autorestart\":false"), 1, Duration.ofSeconds(5), 0, Duration.ZERO).action())
                .isEqualTo(RestartPolicy.Action.STOP);
    }

    @Test
    void backoffGrowsByHalfUpToFifteenSecondsAndResetsAfterThirtySecondsUp() throws Exception {
        AppConfig a = app(",\"exp_backoff_restart_delay\":1000,\"max_restarts\":1000");
        Duration backoff = Duration.ZERO;
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            RestartPolicy.Decision d = RestartPolicy.decide(a, 1, Duration.ofSeconds(2), 0, backoff);
            backoff = d.backoff();
            delays.add(d.delay().toMillis());
        }
        assertThat(delays).containsExactly(1000L, 1500L, 2250L, 3375L, 5063L, 7595L, 11393L, 15000L, 15000L);
        RestartPolicy.Decision afterGoodUptime = RestartPolicy.decide(a, 1, Duration.ofSeconds(31), 0, backoff);
        assertThat(afterGoodUptime.delay()).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void restartDelayIsUsedWithoutBackoff() throws Exception {
        RestartPolicy.Decision d = RestartPolicy.decide(app(",\"restart_delay\":\"2s\""), 1, Duration.ofSeconds(5), 0, Duration.ZERO);
        assertThat(d.delay()).isEqualTo(Duration.ofSeconds(2));
    }
}
