package dev.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import dev.supervisor.testing.TestDaemon.CliResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The CLI, in-process, against a real daemon over Jolokia: the same path as bin/supervisor. */
class CliTest {
    private static TestDaemon daemon;

    @BeforeAll
    static void start() {
        daemon = TestDaemon.start();
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    @AfterEach
    void clean() {
        if (!daemon.god().apps().isEmpty()) {
            daemon.god().delete("all");
        }
    }

    static CliResult cli(String... args) {
        return daemon.cli(args);
    }

    private Path apps(Map<String, Object> app) {
        return Fixtures.appsFile(daemon.home().resolve("apps"), app);
    }

    @Test
    void startListStopDescribeDelete() throws Exception {
        Map<String, Object> app = Fixtures.app("web", "say=hi");
        app.put("instances", 2);
        CliResult start = cli("start", apps(app).toString());
        assertThat(start.code()).as(start.err()).isZero();
        assertThat(start.out()).contains("started web", "│ web");
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.list().stream().allMatch(p -> p.getStatus().equals("online")));

        CliResult json = cli("list", "--json");
        JsonNode list = new ObjectMapper().readTree(json.out());
        assertThat(list).hasSize(2);
        for (JsonNode p : list) {
            assertThat(p.fieldNames()).toIterable().contains("id", "name", "namespace", "pid", "status", "restarts");
            assertThat(p.get("status").asText()).isEqualTo("online");
        }
        assertThat(cli("ls").out()).contains("online").contains("namespace");

        CliResult describe = cli("describe", "web");
        assertThat(describe.out()).contains("Describing process with id", "status", "online", "out log");

        long before = daemon.process("web", 0).getPid();
        CliResult restart = cli("restart", "web");
        assertThat(restart.code()).as(restart.err()).isZero();
        assertThat(restart.out()).contains("restarted web");
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("web", 0).getStatus().equals("online"));
        assertThat(daemon.process("web", 0).getPid()).isNotEqualTo(before);

        CliResult stop = cli("stop", "web");
        assertThat(stop.code()).isZero();
        assertThat(daemon.list()).allMatch(p -> p.getStatus().equals("stopped"));

        assertThat(cli("delete", "web").code()).isZero();
        assertThat(daemon.list()).isEmpty();
    }

    @Test
    void logsPrintsTheLastLines() {
        cli("start", apps(Fixtures.app("talker", "lines=50")).toString());
        ProcessInfo p = await().until(() -> daemon.process("talker", 0), x -> x.getStatus().equals("online"));
        await().until(() -> Files.readString(Path.of(p.getOutLog())).contains("line 50 of 50"));
        CliResult logs = cli("logs", "talker", "--lines", "3", "--nostream");
        assertThat(logs.code()).isZero();
        assertThat(logs.out()).contains("line 48 of 50", "line 50 of 50").doesNotContain("line 47 of 50");
        CliResult flush = cli("flush", "talker");
        assertThat(flush.out()).contains("flushed");
        assertThat(cli("logs", "talker", "--lines", "3", "--nostream").out()).doesNotContain("line 50 of 50");
    }

    @Test
    void errorsExitNonZeroWithAClearMessage() {
        CliResult unknown = cli("stop", "ghost");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("'ghost' not found");

        CliResult usage = cli("stop");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("Missing required parameter");

        Map<String, Object> bad = Fixtures.app("bad");
        bad.put("instances", "many");
        CliResult badConfig = cli("start", apps(bad).toString());
        assertThat(badConfig.code()).isEqualTo(1);
        assertThat(badConfig.err()).contains("app 'bad'", "field 'instances'", "expected an integer");

        Map<String, Object> missing = Fixtures.app("missing");
        missing.put("script", "/no/such/program");
        CliResult missingExe = cli("start", apps(missing).toString());
        assertThat(missingExe.code()).isEqualTo(1);
        assertThat(missingExe.err()).contains("field 'script'", "/no/such/program");
        assertThat(daemon.list()).isEmpty();
    }

    @Test
    void aTakenPortIsReportedAndNothingStarts() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Map<String, Object> app = Fixtures.app("clash", "listen");
            app.put("port", taken.getLocalPort());
            CliResult r = cli("start", apps(app).toString());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("port " + taken.getLocalPort()).contains("already in use");
            assertThat(daemon.list()).isEmpty();
        }
    }

    @Test
    void saveThenResurrect() {
        cli("start", apps(Fixtures.app("keeper")).toString());
        await().until(() -> daemon.process("keeper", 0).getStatus().equals("online"));
        CliResult save = cli("save");
        assertThat(save.code()).isZero();
        assertThat(Files.exists(daemon.home().resolve("dump.json"))).isTrue();
        cli("delete", "all");
        assertThat(daemon.list()).isEmpty();
        CliResult res = cli("resurrect");
        assertThat(res.code()).as(res.err()).isZero();
        assertThat(res.out()).contains("keeper");
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("keeper", 0).getStatus().equals("online"));
    }

    @Test
    void sendSignalResetScaleAndReloadWithoutWaiting() {
        cli("start", apps(Fixtures.app("sig")).toString());
        ProcessInfo first = await().until(() -> daemon.process("sig", 0), p -> p.getStatus().equals("online"));
        CliResult signal = cli("sendSignal", "SIGTERM", "sig");
        assertThat(signal.code()).as(signal.err()).isZero();
        ProcessInfo back = await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("sig", 0),
                p -> p.getStatus().equals("online") && p.getPid() != first.getPid());
        assertThat(back.getRestarts()).isEqualTo(1);
        assertThat(back.getLastExit()).isEqualTo("signal SIGTERM");

        assertThat(cli("sendSignal", "SIGNOPE", "sig").err()).contains("'SIGNOPE' is not a signal name");
        assertThat(cli("reset", "sig").code()).isZero();
        assertThat(daemon.process("sig", 0).getRestarts()).isZero();

        CliResult scale = cli("scale", "sig", "2");
        assertThat(scale.code()).as(scale.err()).isZero();
        assertThat(daemon.list()).hasSize(2);

        CliResult reload = cli("reload", "sig", "--no-wait");
        assertThat(reload.code()).isZero();
        assertThat(reload.out()).contains("reload of sig started (ticket");
        await().atMost(Duration.ofSeconds(60)).until(() -> daemon.god().requireApp("sig").reloads().lastResult() != null);
        assertThat(daemon.god().requireApp("sig").reloads().lastResult().getOutcome()).isEqualTo("done");
    }

    @Test
    void startupPrintsASystemdUnit() {
        CliResult r = cli("startup", "--print");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("[Service]", "ExecStart=" + Fixtures.projectRoot().resolve("bin/supervisor") + " ping",
                "ExecStartPost=-" + Fixtures.projectRoot().resolve("bin/supervisor") + " resurrect",
                "Environment=\"SUPERVISOR_HOME=" + daemon.home() + "\"");
    }

    @Test
    void consolePrintsWhereThingsAre() {
        CliResult r = cli("console");
        assertThat(r.out()).contains("/hawtio/", "/jolokia", daemon.home().resolve("credentials").toString());
    }
}
