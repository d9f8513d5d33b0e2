package dev.supervisor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged product as a user runs it: bin/supervisor starting a real daemon process in the background,
 * then kill -9 of an app, SIGTERM and kill of the daemon, and save/resurrect across daemon restarts.
 */
class DaemonProcessIT {
    private Path home;
    private Map<String, String> env;
    private final ObjectMapper json = new ObjectMapper();

    record Result(int code, String out) {
    }

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createTempDirectory("supervisor-it-");
        env = new HashMap<>();
        env.put("SUPERVISOR_HOME", home.toString());
        env.put("SUPERVISOR_JOLOKIA_PORT", Integer.toString(Fixtures.freePort()));
        env.put("SUPERVISOR_CONSOLE_PORT", Integer.toString(Fixtures.freePort()));
        env.put("SUPERVISOR_METRICS_PORT", Integer.toString(Fixtures.freePort()));

        // No training daemon per home (cli/DaemonArchive): DaemonArchiveIT covers the archive.
        env.put("SUPERVISOR_DAEMON_ARCHIVE", "off");
    }

    @AfterEach
    void tearDown() {
        cli("kill");
        Fixtures.deleteTree(home.resolve("runtime")); // the daemon's copy of the build; logs stay for a post-mortem
    }

    private Result cli(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Fixtures.projectRoot().resolve("bin/supervisor").toString());
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            return new Result(p.exitValue(), out);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode list() throws IOException {
        Result r = cli("list", "--json");
        assertThat(r.code()).as(r.out()).isZero();
        String out = r.out();
        return json.readTree(out.substring(out.indexOf('[')));
    }

    private long daemonPid() throws IOException {
        return Long.parseLong(Files.readString(home.resolve("supervisor.pid")).trim());
    }

    private Path apps(Map<String, Object> app) {
        return Fixtures.appsFile(home.resolve("apps"), app);
    }

    @Test
    void theCliStartsTheDaemonAndAKilledAppComesBack() throws Exception {
        Map<String, Object> app = Fixtures.app("svc");
        app.put("instances", 2);
        Result start = cli("start", apps(app).toString());
        assertThat(start.code()).as(start.out()).isZero();
        assertThat(start.out()).contains("no daemon running, starting one", "started svc");
        await().atMost(Duration.ofSeconds(60)).until(() -> list().findValues("status").stream().allMatch(s -> s.asText().equals("online")));
        long pid = list().get(0).get("pid").asLong();
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode p = list().get(0);
            return p.get("status").asText().equals("online") && p.get("pid").asLong() != pid && p.get("restarts").asInt() == 1;
        });
    }

    @Test
    void killStopsEveryAppAndLeavesNoProcessBehind() throws Exception {
        Path grandchildPid = home.resolve("gc.pid");
        cli("start", apps(Fixtures.app("family", "grandchild=" + grandchildPid)).toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(grandchildPid) && !Files.readString(grandchildPid).isBlank());
        long app = list().get(0).get("pid").asLong();
        long grandchild = Long.parseLong(Files.readString(grandchildPid).trim());
        long daemon = daemonPid();
        Result kill = cli("kill");
        assertThat(kill.code()).isZero();
        assertThat(kill.out()).contains("stopped");
        for (long pid : new long[]{daemon, app, grandchild}) {
            await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        }
    }

    @Test
    void sigtermStopsEveryAppAndExitsZero() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Fixtures.projectRoot().resolve("bin/supervisor").toString(), "daemon")
                .redirectErrorStream(true).redirectOutput(home.resolve("foreground.out").toFile());
        pb.environment().putAll(env);
        Process daemon = pb.start();
        // The pid file is written once the daemon answers; a CLI call before that would start a second daemon.
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(home.resolve("supervisor.pid")));
        Result start = cli("start", apps(Fixtures.app("calm")).toString());
        assertThat(start.out()).doesNotContain("starting one");
        long app = list().get(0).get("pid").asLong();
        assertThat(daemonPid()).isEqualTo(daemon.pid());
        new ProcessBuilder("kill", "-TERM", Long.toString(daemon.pid())).start().waitFor();
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).isZero();
        assertThat(ProcessHandle.of(app).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void afterKillTheNextDaemonIsEmptyAndResurrectBringsTheSavedAppsBack() throws Exception {
        cli("start", apps(Fixtures.app("phoenix")).toString());
        Result save = cli("save");
        assertThat(save.code()).as(save.out()).isZero();
        Path dump = home.resolve("dump.json");
        assertThat(Files.readString(dump)).contains("phoenix");
        long oldPid = list().get(0).get("pid").asLong();
        assertThat(cli("kill").code()).isZero();
        await().until(() -> ProcessHandle.of(oldPid).map(h -> !h.isAlive()).orElse(true));
        // kill is sticky (pm2's behaviour): the next command starts an empty daemon; the dump stays for resurrect.
        assertThat(list()).isEmpty();
        Result resurrect = cli("resurrect");
        assertThat(resurrect.code()).as(resurrect.out()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode l = list();
            return l.size() == 1 && l.get(0).get("name").asText().equals("phoenix") && l.get(0).get("status").asText().equals("online");
        });
        assertThat(list().get(0).get("pid").asLong()).isNotEqualTo(oldPid);
        assertThat(Files.exists(home.resolve("dump.json"))).isTrue();
    }
}
