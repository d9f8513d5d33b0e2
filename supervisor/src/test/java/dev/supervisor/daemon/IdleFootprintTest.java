package dev.supervisor.daemon;

import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The wiring behind the idle footprint (issue 11): the fronts' event loops exist only once an app has a front. */
class IdleFootprintTest {
    @Test
    void frontLoopsAreMadeByTheFirstFrontNotByTheDaemon() {
        try (TestDaemon d = TestDaemon.start()) {
            d.godBean().start(Fixtures.appsFile(d.home().resolve("apps"), Fixtures.app("plain")).toString());
            assertThat(d.list()).hasSize(1);
            assertThat(d.daemon().frontLoopsMade()).as("no app has a front").isFalse();

            Map<String, Object> web = Fixtures.app("web", "listen");
            web.put("port", Fixtures.freePort());
            d.godBean().start(Fixtures.appsFile(d.home().resolve("apps"), web).toString());
            assertThat(d.daemon().frontLoopsMade()).as("web has a front").isTrue();
        }
    }
}
