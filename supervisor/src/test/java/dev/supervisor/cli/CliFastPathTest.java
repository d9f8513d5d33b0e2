package dev.supervisor.cli;

import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The CLI's entry (FastCli) in its own JVM against a real daemon: {@code list}, {@code ping} and {@code describe} answered without
 * loading picocli, YAML, Jackson's tree model or any daemon class, printing exactly what the full CLI prints.
 */
class CliFastPathTest {
    private static TestDaemon daemon;

    @BeforeAll
    static void start() {
        daemon = TestDaemon.start();
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    private record Run(int code, String out, String classes) {
    }

    /** One CLI command in a JVM of its own (as bin/supervisor runs it), with class loading logged. */
    private static Run run(String mainClass, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile(daemon.home(), "classes", ".log");
        List<String> cmd = new ArrayList<>(List.of(Fixtures.java(), "-Xshare:off", "-Xlog:class+load=info:file=" + log,
                "-Dsupervisor.install=" + Fixtures.projectRoot(), "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("SUPERVISOR_HOME", daemon.home().toString());
        env.put("SUPERVISOR_JOLOKIA_PORT", Integer.toString(daemon.daemon().jolokiaPort()));
        env.put("LANG", "C.UTF-8");
        env.remove("LC_ALL");
        env.remove("LC_CTYPE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, Files.readString(log));
    }

    private static void assertLight(Run r) {
        assertThat(r.classes()).contains("dev.supervisor.cli.FastCli ")
                .doesNotContain("dev.supervisor.cli.SupervisorCli", "picocli.", "yaml", "com.fasterxml.jackson.",
                        "java.net.HttpURLConnection", "java.util.Formatter ", "java.util.regex.Pattern ");
        assertThat(r.classes()).doesNotContainPattern("dev\\.supervisor\\.(god|daemon|management|front|reload|process|logs|readiness|mbeans)\\.");
    }

    @Test
    void listIsAnsweredWithoutHeavyClassesAndPrintsTheFullClisTable() throws Exception {
        Path dir = daemon.home().resolve("apps");
        daemon.godBean().start(Fixtures.appsFile(dir, Fixtures.app("web", "say=hi")).toString());
        daemon.godBean().start(Fixtures.appsFile(dir, Fixtures.app("worker", "say=ho")).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.list().size() == 2
                && daemon.list().stream().allMatch(p -> p.getStatus().equals("online")));
        daemon.godBean().stop("worker");

        Run fast = run("dev.supervisor.cli.FastCli", "list");
        Run full = run("dev.supervisor.cli.SupervisorCli", "list");
        assertThat(fast.code()).isZero();
        assertLight(fast);
        assertThat(full.classes()).contains("picocli.");
        assertThat(fast.out()).contains("│ web", "online", "│ worker", "stopped");
        // Uptime, cpu and memory of the online instance may move between the two runs; all else must be equal.
        assertThat(mask(fast.out())).isEqualTo(mask(full.out()));

        // Every instance stopped: nothing moves, the two outputs must be equal byte for byte.
        daemon.godBean().stop("all");
        Run fastStopped = run("dev.supervisor.cli.FastCli", "list");
        assertLight(fastStopped);
        assertThat(fastStopped.out()).contains("│ web ").isEqualTo(run("dev.supervisor.cli.SupervisorCli", "list").out());

        for (String alias : new String[]{"ls", "status", "l"}) {
            Run a = run("dev.supervisor.cli.FastCli", alias);
            assertLight(a);
            assertThat(a.out()).isEqualTo(fastStopped.out());
        }
    }

    @Test
    void listTableIsListsColumnsAsOneJsonText() throws Exception {
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("table"), Fixtures.app("table", "say=hi")).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.list().stream().anyMatch(p -> p.getName().equals("table")));
        com.fasterxml.jackson.databind.JsonNode table = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(daemon.godBean().listTable());
        List<dev.supervisor.mbeans.ProcessInfo> list = daemon.list();
        assertThat(table.size()).isEqualTo(list.size());
        for (int k = 0; k < list.size(); k++) {
            dev.supervisor.mbeans.ProcessInfo p = list.get(k);
            com.fasterxml.jackson.databind.JsonNode r = table.get(k);
            assertThat(r.size()).isEqualTo(10);
            assertThat(r.get(0).asInt()).isEqualTo(p.getId());
            assertThat(r.get(1).asText()).isEqualTo(p.getName());
            assertThat(r.get(2).asText()).isEqualTo(p.getNamespace());
            assertThat(r.get(6).asText()).isEqualTo(p.getStatus());
            assertThat(r.get(9).asInt()).isEqualTo(p.getPrivatePort());
        }
    }

    @Test
    void describeIsAnsweredLightlyAndPrintsTheFullClisTextAnUnknownAppGoesToTheFullCli() throws Exception {
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), Fixtures.app("quiet", "say=hi")).toString());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("quiet", 0).getStatus().equals("online"));
            // Stopped: nothing in its description moves between the two runs.
            daemon.godBean().stop("quiet");
            for (String alias : new String[]{"describe", "show", "info"}) {
                Run fast = run("dev.supervisor.cli.FastCli", alias, "quiet");
                assertThat(fast.code()).isZero();
                assertLight(fast);
                assertThat(fast.out()).contains("quiet", "stopped").isEqualTo(run("dev.supervisor.cli.SupervisorCli", "describe", "quiet").out());
            }

            Run unknown = run("dev.supervisor.cli.FastCli", "describe", "nosuchapp");
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.classes()).contains("dev.supervisor.cli.SupervisorCli");
            assertThat(unknown.out()).isEmpty();
        } finally {
            daemon.godBean().delete("quiet");
        }
    }

    @Test
    void jlistIsAnsweredLightlyAndPrintsTheFullClisJson() throws Exception {
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), Fixtures.app("pm2like", "say=hi")).toString());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("pm2like", 0).getStatus().equals("online"));
            // Every instance stopped: pm_uptime is then the creation time, so nothing moves between the two runs.
            daemon.godBean().stop("all");
            Run fast = run("dev.supervisor.cli.FastCli", "jlist");
            assertThat(fast.code()).isZero();
            assertLight(fast);
            assertThat(fast.out()).contains("\"name\":\"pm2like\"", "\"pm2_env\"", "\"env\":{\"")
                    .isEqualTo(run("dev.supervisor.cli.SupervisorCli", "jlist").out());
        } finally {
            daemon.godBean().delete("pm2like");
        }
    }

    @Test
    void listJsonIsAnsweredLightlyAndPrintsTheFullClisJson() throws Exception {
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), Fixtures.app("jsonlike", "say=hi")).toString());
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("jsonlike", 0).getStatus().equals("online"));
            // Stopped: uptime, CPU and memory are then still, so the two runs print the same.
            daemon.godBean().stop("all");
            for (String alias : new String[] {"list", "ls"}) {
                Run fast = run("dev.supervisor.cli.FastCli", alias, "--json");
                assertThat(fast.code()).isZero();
                assertLight(fast);
                assertThat(fast.out()).startsWith("[{").contains("\"name\":\"jsonlike\"", "\"status\":\"stopped\"")
                        .isEqualTo(run("dev.supervisor.cli.SupervisorCli", alias, "--json").out());
            }
        } finally {
            daemon.godBean().delete("jsonlike");
        }
    }

    @Test
    void pingIsAnsweredLightly() throws Exception {
        Run fast = run("dev.supervisor.cli.FastCli", "ping");
        assertThat(fast.code()).isZero();
        assertLight(fast);
        assertThat(fast.out()).isEqualTo(run("dev.supervisor.cli.SupervisorCli", "ping").out());
    }

    @Test
    void optionsAndOtherCommandsGoToTheFullCli() throws Exception {
        Run json = run("dev.supervisor.cli.FastCli", "prettylist");
        Run option = run("dev.supervisor.cli.FastCli", "list", "--no-such-option");
        assertThat(option.code()).isNotZero();
        assertThat(option.classes()).contains("dev.supervisor.cli.SupervisorCli");
        assertThat(json.code()).isZero();
        assertThat(json.classes()).contains("dev.supervisor.cli.SupervisorCli");
        assertThat(json.out()).startsWith("[");
    }

    /** The cells of the uptime, cpu and mem columns of online rows blanked, and the padding (their widths) trimmed. */
    private static String mask(String table) {
        StringBuilder sb = new StringBuilder();
        for (String line : table.split("\n", -1)) {
            if (!line.contains("│")) {
                continue;
            }
            String[] cells = line.split("│", -1);
            for (int i = 0; i < cells.length; i++) {
                cells[i] = cells[i].trim();
            }
            if (cells.length == 12 && cells[7].trim().equals("online")) {
                cells[5] = "";
                cells[8] = "";
                cells[9] = "";
            }
            sb.append(String.join("│", cells)).append('\n');
        }
        return sb.toString();
    }
}
