package dev.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.config.AppConfig;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import dev.supervisor.testing.TestDaemon.CliResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A pm2 user's files and habits, through the real CLI, against a real daemon and real processes. */
class Pm2HabitsTest {
    private static final Duration UP = Duration.ofSeconds(30);
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

    private static CliResult cli(String... args) {
        return daemon.cli(args);
    }

    /** The fixture's command line as a JS array literal, for ecosystem.config.js files. */
    private static String fixtureArgs(String... more) {
        List<String> a = new ArrayList<>(List.of("-cp", Fixtures.testClasses(), "dev.supervisor.fixture.Fixture"));
        a.addAll(List.of(more));
        return a.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", ", "[", "]"));
    }

    private Path file(String name, String text) throws IOException {
        Path dir = Files.createDirectories(daemon.home().resolve("eco"));
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static Map<String, String> environ(long pid) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
        return Arrays.stream(new String(raw, StandardCharsets.UTF_8).split("\0")).filter(s -> s.contains("="))
                .collect(Collectors.toMap(s -> s.substring(0, s.indexOf('=')), s -> s.substring(s.indexOf('=') + 1), (a, b) -> b));
    }

    private static void awaitOnline(String app, int count) {
        await().atMost(UP).until(() -> daemon.list().stream()
                .filter(p -> p.getName().equals(app) && p.getStatus().equals("online")).count() == count);
    }

    @Test
    void ecosystemConfigJsStartsWithTheCliEnvironmentAndNeverTheCredentials() throws IOException {
        Path eco = file("ecosystem.config.js", """
                const common = { script: '%s', interpreter: 'none', args: %s };
                module.exports = {
                  apps: [{ ...common, name: 'eco', instances: (() => 2)(), exec_mode: 'cluster',
                           env: { GREETING: 'hi' }, env_production: { STAGE: process.env.STAGE_FROM_SHELL } }],
                };
                """.formatted(Fixtures.java(), fixtureArgs("say=up")));
        // The README's snippet exports the admin's credentials into the shell; they must not travel on.
        CliResult start = daemon.cli(Map.of("FROM_SHELL", "shell-value", "STAGE_FROM_SHELL", "prod",
                "password", daemon.password(), "username", daemon.user()), "start", eco.toString(), "--env", "production");
        assertThat(start.code()).as(start.err()).isZero();
        assertThat(start.out()).contains("eco[", "online", "started eco");
        assertThat(start.err()).contains("exec_mode (eco)").containsOnlyOnce("accepted and ignored");
        awaitOnline("eco", 2);

        Set<String> daemonOnly = System.getenv().keySet().stream()
                .filter(k -> !Set.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR").contains(k))
                .collect(Collectors.toSet());
        for (ProcessInfo p : daemon.list()) {
            Map<String, String> env = environ(p.getPid());
            assertThat(env).containsEntry("FROM_SHELL", "shell-value").containsEntry("GREETING", "hi")
                    .containsEntry("STAGE", "prod").containsEntry("NODE_APP_INSTANCE", Integer.toString(p.getInstanceIndex()));
            assertThat(env.values()).noneMatch(v -> v.contains(daemon.password()));
            assertThat(env.keySet()).doesNotContainAnyElementsOf(daemonOnly);
        }

        // env <id> shows it; restart --update-env takes a new CLI environment and counts in ↺.
        String firstId = Integer.toString(daemon.process("eco", 0).getId());
        assertThat(cli("env", firstId).out()).contains("FROM_SHELL=shell-value", "NODE_APP_INSTANCE=0");
        CliResult restart = daemon.cli(Map.of("FROM_SHELL", "updated"), "restart", "eco", "--update-env");
        assertThat(restart.code()).as(restart.err()).isZero();
        awaitOnline("eco", 2);
        for (ProcessInfo p : daemon.list()) {
            assertThat(environ(p.getPid())).containsEntry("FROM_SHELL", "updated");
            assertThat(p.getRestarts()).isEqualTo(1);
        }

        // Starting the file again applies it by reload (no downtime), with the file's env.
        CliResult again = daemon.cli(Map.of("FROM_SHELL", "third"), "start", eco.toString());
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("applying the new config and environment by reload", "reload done");
        for (ProcessInfo p : daemon.list()) {
            assertThat(environ(p.getPid())).containsEntry("FROM_SHELL", "third").doesNotContainKey("STAGE");
        }

        CliResult delete = cli("delete", eco.toString());
        assertThat(delete.code()).as(delete.err()).isZero();
        assertThat(daemon.god().apps()).isEmpty();
    }

    @Test
    void aRealWorldEcosystemJsonWithEnvProductionRunsEveryApp() throws IOException {
        file("server.js", """
                const http = require('http');
                http.createServer((q, r) => r.end(`${process.env.NODE_ENV} ${process.env.INSTANCE_ID}\\n`))
                  .listen(process.env.PORT, '127.0.0.1', () => console.log('listening', process.env.PORT));
                """);
        file("worker.js", "console.log('worker', process.env.QUEUE); setInterval(() => {}, 1000);\n");
        int port = Fixtures.freePort();
        Path eco = file("ecosystem.json", """
                {
                  "apps": [
                    {
                      "name": "api", "script": "./server.js", "exec_mode": "cluster", "instances": "max",
                      "instance_var": "INSTANCE_ID", "port": %d, "watch": false, "ignore_watch": ["node_modules", "logs"],
                      "combine_logs": true, "log_date_format": "YYYY-MM-DD HH:mm:ss Z", "min_uptime": "10s",
                      "cron_restart": "0 3 * * *", "max_memory_restart": "300M", "source_map_support": true,
                      "vizion": false, "autorestart": true, "merge_logs": true,
                      "env": {"NODE_ENV": "development"}, "env_production": {"NODE_ENV": "production"}
                    },
                    {
                      "name": "jobs", "script": "./worker.js", "exec_mode": "fork", "instances": 1, "time": true,
                      "log_file": true, "env": {"QUEUE": "default"}
                    }
                  ]
                }
                """.formatted(port));
        CliResult start = cli("start", eco.toString(), "--env", "production");
        assertThat(start.code()).as(start.out() + start.err()).isZero();
        assertThat(start.err()).containsOnlyOnce("accepted and ignored")
                .contains("exec_mode (api, jobs)", "source_map_support (api)", "vizion (api)")
                .contains("app 'jobs': environment [production] is not defined");
        int cpus = Runtime.getRuntime().availableProcessors();
        awaitOnline("api", cpus);
        awaitOnline("jobs", 1);
        String answer = dev.supervisor.testing.Http.get("http://127.0.0.1:" + port + "/").body();
        assertThat(answer).matches("production [0-9]+\\n");
        await().atMost(UP).until(() -> Files.exists(daemon.home().resolve("logs/jobs.log"))
                && Files.readString(daemon.home().resolve("logs/jobs.log")).matches("(?s)\\d{4}-\\d\\d-\\d\\dT.*worker default.*"));
    }

    @Test
    void startFlagsJlistScaleAndStartByName() throws Exception {
        CliResult start = cli("start", Fixtures.java(), "--name", "flags", "--interpreter", "none", "-i", "2",
                "--max-memory-restart", "300M", "--cron", "0 3 * * *", "--no-autorestart", "--time", "--merge-logs",
                "--kill-timeout", "2000", "--restart-delay", "100", "--max-restarts", "3", "--listen-timeout", "5000",
                "--namespace", "ns1", "--exp-backoff-restart-delay", "150", "--log-date-format", "YYYY-MM-DD",
                "-o", daemon.home().resolve("flags-out.log").toString(),
                "--", "-cp", Fixtures.testClasses(), "dev.supervisor.fixture.Fixture", "say=flagged");
        assertThat(start.code()).as(start.err()).isZero();
        awaitOnline("flags", 2);
        AppConfig c = daemon.god().requireApp("flags").config();
        assertThat(c.namespace()).isEqualTo("ns1");
        assertThat(c.maxMemoryBytes()).isEqualTo(300L << 20);
        assertThat(c.cronRestart()).contains("0 3 * * *");
        assertThat(c.autorestart()).isFalse();
        assertThat(c.mergeLogs()).isTrue();
        assertThat(c.killTimeout()).isEqualTo(Duration.ofMillis(2000));
        assertThat(c.restartDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.maxRestarts()).isEqualTo(3);
        assertThat(c.listenTimeout()).isEqualTo(Duration.ofMillis(5000));
        assertThat(c.expBackoffRestartDelay()).isEqualTo(Duration.ofMillis(150));
        assertThat(c.logDateFormat()).contains("YYYY-MM-DD");
        assertThat(c.outFile()).contains(daemon.home().resolve("flags-out.log"));
        assertThat(c.command()).endsWith("say=flagged");

        // jlist as a pm2 jq script reads it: .[].pm2_env.status, .[].pm_id, .[].monit.memory
        JsonNode jlist = new ObjectMapper().readTree(cli("jlist").out());
        assertThat(jlist).hasSize(2);
        for (JsonNode p : jlist) {
            assertThat(p.path("pm2_env").path("status").asText()).isEqualTo("online");
            assertThat(p.path("pm2_env").path("namespace").asText()).isEqualTo("ns1");
            assertThat(p.path("pm2_env").path("instances").asInt()).isEqualTo(2);
            assertThat(p.path("pm2_env").path("restart_time").asInt()).isZero();
            assertThat(p.path("pm2_env").path("pm_uptime").asLong()).isPositive();
            assertThat(p.path("pm2_env").path("env").path("NODE_APP_INSTANCE").isTextual()).isTrue();
            assertThat(p.path("pid").asLong()).isPositive();
            assertThat(p.has("pm_id") && p.path("monit").has("memory") && p.path("monit").has("cpu")).isTrue();
        }
        assertThat(cli("prettylist").out()).contains("\"pm2_env\" : {");

        // scale is relative with a sign, as in pm2
        assertThat(cli("scale", "flags", "+1").code()).isZero();
        awaitOnline("flags", 3);
        assertThat(cli("scale", "flags", "-2").code()).isZero();
        await().atMost(UP).until(() -> daemon.list().stream().filter(p -> p.getName().equals("flags")).count() == 1);
        CliResult tooFew = cli("scale", "flags", "-1");
        assertThat(tooFew.code()).isEqualTo(1);
        assertThat(tooFew.err()).contains("at least 1 must stay");

        // restart counts in ↺; start <name> starts a stopped app
        assertThat(cli("restart", "flags").code()).isZero();
        awaitOnline("flags", 1);
        assertThat(daemon.list().get(0).getRestarts()).isEqualTo(1);
        assertThat(cli("stop", "flags").code()).isZero();
        CliResult byName = cli("start", "flags");
        assertThat(byName.code()).as(byName.err()).isZero();
        awaitOnline("flags", 1);
    }

    @Test
    void deleteAllAndResurrectShowProgressLineByLine() {
        for (String name : List.of("one", "two")) {
            assertThat(cli("start", Fixtures.java(), "--name", name, "--interpreter", "none", "--", "-cp", Fixtures.testClasses(),
                    "dev.supervisor.fixture.Fixture").code()).isZero();
        }
        awaitOnline("one", 1);
        awaitOnline("two", 1);
        assertThat(cli("save").code()).isZero();
        CliResult delete = cli("delete", "all");
        assertThat(delete.code()).as(delete.err()).isZero();
        assertThat(delete.out()).contains("deleted one", "deleted two");
        assertThat(daemon.god().apps()).isEmpty();
        CliResult resurrect = cli("resurrect");
        assertThat(resurrect.code()).as(resurrect.err()).isZero();
        assertThat(resurrect.out()).containsPattern("one\\[\\d+\\] online").containsPattern("two\\[\\d+\\] online")
                .contains("resurrected one, two");
    }

    @Test
    void deleteAllStopsTheAppsAtOnceSoASlowStopHoldsUpNoOther() throws IOException {
        // "slow" is first in the list and sits out its kill_timeout (it ignores SIGINT); one app after another,
        // "quick" would wait for it. All at once, quick is gone first.
        Map<String, Object> slow = Fixtures.app("slow", "ignore-sigint");
        slow.put("kill_timeout", "3s");
        assertThat(cli("start", Fixtures.appsFile(daemon.home().resolve("slow"), slow).toString()).code()).isZero();
        assertThat(cli("start", Fixtures.appsFile(daemon.home().resolve("quick"), Fixtures.app("quick")).toString()).code()).isZero();
        awaitOnline("slow", 1);
        awaitOnline("quick", 1);

        CliResult delete = cli("delete", "all");

        assertThat(delete.code()).as(delete.err()).isZero();
        assertThat(delete.out()).containsSubsequence("deleted quick (ids [", "deleted slow (ids [");
        assertThat(daemon.god().apps()).isEmpty();
        CliResult again = cli("delete", "all");
        assertThat(again.code()).as("nothing left to delete is not an error: " + again.err()).isZero();
    }

    @Test
    void aNameUsedByAnotherScriptIsRefusedNamingBoth() throws IOException {
        Path other = file("other.sh", "#!/bin/sh\nexec sleep 60\n");
        other.toFile().setExecutable(true);
        assertThat(cli("start", Fixtures.java(), "--name", "dup", "--interpreter", "none", "--", "-cp", Fixtures.testClasses(),
                "dev.supervisor.fixture.Fixture").code()).isZero();
        awaitOnline("dup", 1);
        long pid = daemon.process("dup", 0).getPid();
        CliResult second = cli("start", other.toString(), "--name", "dup");
        assertThat(second.code()).isEqualTo(1);
        assertThat(second.err()).contains("'dup' is already used by another script", Fixtures.java(), other.toString());
        assertThat(daemon.process("dup", 0).getPid()).isEqualTo(pid);
    }

    @Test
    void cronRestartReloadsThroughThePipeline() throws IOException {
        Path eco = file("cron.json", """
                {"apps": [{"name": "cron", "script": "%s", "interpreter": "none", "args": %s,
                           "cron_restart": "*/2 * * * * *", "min_uptime": "200ms"}]}
                """.formatted(Fixtures.java(), fixtureArgs().replace('\'', '"')));
        assertThat(cli("start", eco.toString()).code()).isZero();
        awaitOnline("cron", 1);
        long first = daemon.process("cron", 0).getPid();
        await().atMost(UP).until(() -> daemon.appBean("cron").getLastReload() != null
                && daemon.appBean("cron").getLastReload().getOutcome().equals("done"));
        assertThat(daemon.appBean("cron").getLastReload().getReplaced()).isEqualTo(1);
        await().atMost(UP).until(() -> daemon.process("cron", 0).getPid() != first && daemon.process("cron", 0).getStatus().equals("online"));
    }

    @Test
    void watchReloadsOnceForABurstAndIgnoresIgnoredPaths() throws Exception {
        Path dir = Files.createDirectories(daemon.home().resolve("watched"));
        Files.createDirectories(dir.resolve("tmp"));
        Path eco = file("watch.json", """
                {"apps": [{"name": "watched", "script": "%s", "interpreter": "none", "args": %s, "cwd": "%s",
                           "watch": true, "ignore_watch": ["tmp", "\\\\.swp$"], "watch_delay": 400, "min_uptime": "200ms"}]}
                """.formatted(Fixtures.java(), fixtureArgs().replace('\'', '"'), dir));
        CliResult start = cli("start", eco.toString());
        assertThat(start.code()).as(start.err()).isZero();
        awaitOnline("watched", 1);
        for (int i = 0; i < 10; i++) {
            Files.writeString(dir.resolve("file" + i + ".js"), "v" + i);
        }
        await().atMost(UP).until(() -> daemon.appBean("watched").getLastReload() != null);
        awaitOnline("watched", 1);
        // One reload for the burst: the instance was replaced once (↺ 1), and stays so.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> daemon.process("watched", 0).getRestarts() == 1);
        Files.writeString(dir.resolve("tmp/ignored.js"), "x");
        Files.writeString(dir.resolve("edit.swp"), "x");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> daemon.process("watched", 0).getRestarts() == 1);
    }

    @Test
    void startupInstallsAUnitSystemdAcceptsAndUnstartupRemovesIt() throws Exception {
        Path units = Files.createDirectories(daemon.home().resolve("units"));
        CliResult printed = cli("startup", "--print");
        assertThat(printed.code()).isZero();
        assertThat(printed.out()).contains("[Service]", "ExecStartPost=-", " resurrect", "Environment=\"PATH=" + System.getenv("PATH"));
        CliResult install = daemon.cli(Map.of("HOME", "/home/someone"), "startup", "systemd", "--unit-dir", units.toString(), "--no-enable");
        assertThat(install.code()).as(install.err()).isZero();
        String user = System.getProperty("user.name");
        Path unit = units.resolve("supervisor-" + user + ".service");
        assertThat(Files.readString(unit)).contains("User=" + user, "Environment=\"HOME=/home/someone\"",
                "Environment=\"SUPERVISOR_HOME=" + daemon.home() + "\"", "Environment=\"SUPERVISOR_JOLOKIA_PORT=",
                "PIDFile=", "ExecStart=", "WantedBy=multi-user.target");
        Process verify = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
        String said = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor()).as(said).isZero();
        assertThat(said).doesNotContain(unit.getFileName().toString());

        CliResult remove = cli("unstartup", "--unit-dir", units.toString(), "--no-enable");
        assertThat(remove.code()).as(remove.err()).isZero();
        assertThat(unit).doesNotExist();
    }

    @Test
    void outputIsReadableInTheCLocaleAndEveryHelpWorks() {
        // The app gets the CLI's locale, so it writes UTF-8; the CLI passes the bytes on whatever its own locale.
        assertThat(daemon.cli(Map.of("LANG", "C.UTF-8"), "start", Fixtures.java(), "--name", "loc", "--interpreter", "none",
                "--", "-cp", Fixtures.testClasses(), "dev.supervisor.fixture.Fixture", "say=héllo").code()).isZero();
        awaitOnline("loc", 1);
        String ascii = daemon.cli(Map.of("LANG", "C"), "list").out();
        assertThat(ascii).contains("| loc ", "restarts").doesNotContain("│", "↺", "┌");
        assertThat(ascii.chars()).allMatch(ch -> ch < 128);
        assertThat(daemon.cli(Map.of("LANG", "en_US.UTF-8"), "list").out()).contains("│ loc", "↺");
        assertThat(daemon.cli(Map.of("LANG", "C"), "list").out()).doesNotContain("\u001b[");

        await().atMost(UP).until(() -> cli("logs", "loc", "--nostream").out().contains("héllo"));
        int id = daemon.process("loc", 0).getId();
        assertThat(cli("logs", "loc", "--nostream").out()).contains(id + "|loc | héllo");
        assertThat(cli("logs", "loc", "--nostream", "--raw").out()).contains("héllo").doesNotContain(id + "|loc");

        for (String sub : List.of("start", "stop", "restart", "reload", "startOrReload", "delete", "scale", "list", "jlist",
                "prettylist", "describe", "logs", "flush", "reloadLogs", "ping", "save", "resurrect", "kill", "sendSignal",
                "reset", "console", "startup", "unstartup", "update", "env")) {
            CliResult help = cli(sub, "--help");
            assertThat(help.code()).as(sub + ": " + help.err()).isZero();
            assertThat(help.out()).as(sub).contains("Usage:");
        }
    }
}
