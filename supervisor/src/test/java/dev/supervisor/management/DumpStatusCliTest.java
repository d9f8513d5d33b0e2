package dev.supervisor.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the CLI shows of a damaged dump: the fallback in list's footer and on the God, a failed resurrect. */
class DumpStatusCliTest {
    TestDaemon daemon;
    Path dump;

    @BeforeEach
    void start() {
        daemon = TestDaemon.start();
        dump = daemon.daemon().settings().dumpFile();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    @Test
    void aFallbackToTheBakShowsInListAndOnTheGod() throws Exception {
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), Fixtures.app("one")).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("one", 0).getStatus().equals("online"));
        assertThat(daemon.cli("save").code()).isZero();
        assertThat(daemon.cli("save").code()).isZero(); // the .bak is a good copy now
        assertThat(daemon.cli("delete", "one").code()).isZero();
        Files.writeString(dump, "{ not json");

        TestDaemon.CliResult resurrect = daemon.cli("resurrect");
        assertThat(resurrect.code()).as(resurrect.out() + resurrect.err()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("one", 0).getStatus().equals("online"));
        assertThat(daemon.godBean().getDumpStatus()).startsWith("fell back to " + dump + ".bak");
        TestDaemon.CliResult list = daemon.cli("list");
        assertThat(list.out()).contains("WARNING dump: fell back to " + dump + ".bak");
    }

    @Test
    void resurrectWithBothUnreadableSaysSoAndExitsNonZero() throws Exception {
        Files.writeString(dump, "{ not json");
        Files.writeString(dump.resolveSibling(dump.getFileName() + ".bak"), "[ also not");
        TestDaemon.CliResult r = daemon.cli("resurrect");
        assertThat(r.code()).isNotZero();
        assertThat(r.out() + r.err()).contains("cannot read " + dump).contains("nothing resurrected");
        assertThat(daemon.godBean().getDumpStatus()).startsWith("unreadable: ");
        assertThat(daemon.cli("list").out()).contains("WARNING dump: unreadable");
    }
}
