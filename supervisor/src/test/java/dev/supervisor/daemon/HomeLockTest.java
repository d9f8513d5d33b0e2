package dev.supervisor.daemon;

import dev.supervisor.errors.UserError;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** One daemon per home: a second one is refused before it reads the home, and the first one's apps keep running. */
class HomeLockTest {
    @Test
    void aSecondDaemonInALiveHomeIsRefusedAndTouchesNothing() {
        Path home;
        try (TestDaemon first = TestDaemon.start()) {
            home = first.home();
            first.godBean().start(Fixtures.appsFile(home.resolve("apps"), Fixtures.app("keeper")).toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> first.list().stream().anyMatch(p -> p.getStatus().equals("online")));
            ProcessInfo before = first.list().get(0);

            // Its run record says what runs: a second daemon that read it would stop "keeper" as a dead daemon's.
            assertThatThrownBy(() -> TestDaemon.start(TestDaemon.Options.defaults().withHome(home)))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("another supervisor daemon")
                    .hasMessageContaining(home.toString())
                    .hasMessageContaining("supervisor kill");

            ProcessInfo after = first.list().get(0);
            assertThat(after.getPid()).isEqualTo(before.getPid());
            assertThat(after.getStatus()).isEqualTo("online");
            assertThat(ProcessHandle.of(before.getPid()).map(ProcessHandle::isAlive)).contains(true);
        }
        // Closed, the home is free for the next daemon.
        try (TestDaemon next = TestDaemon.start(TestDaemon.Options.defaults().withHome(home))) {
            assertThat(next.god().apps()).isEmpty();
        }
    }
}
