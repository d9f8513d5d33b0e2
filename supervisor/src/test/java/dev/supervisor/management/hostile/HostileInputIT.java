package dev.supervisor.management.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.management.Credentials;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Requests that used to kill the daemon, sent to the daemon as users run it: started by bin/supervisor with its
 * default JVM flags (a bounded heap, exit on OutOfMemoryError), the console up, an app serving behind its front.
 * After each: a 4xx, the same daemon pid, the app still serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
    static final String VIEWER = "viewer";
    static final String VIEWER_PASSWORD = "viewer-secret-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    Path home;
    Map<String, String> env = new HashMap<>();
    int jolokiaPort;
    int consolePort;
    int frontPort;
    long daemonPid;
    Credentials admin;

    @BeforeAll
    void startDaemonAndApp() throws Exception {
        home = Files.createTempDirectory("supervisor-hostile-");
        jolokiaPort = Fixtures.freePort();
        consolePort = Fixtures.freePort();
        frontPort = Fixtures.freePort();
        env.put("SUPERVISOR_HOME", home.toString());
        env.put("SUPERVISOR_JOLOKIA_PORT", Integer.toString(jolokiaPort));
        env.put("SUPERVISOR_CONSOLE_PORT", Integer.toString(consolePort));
        Map<String, Object> web = Fixtures.app("web", "listen");
        web.put("port", frontPort);
        web.put("listen_timeout", "30s");
        String out = cli("start", Fixtures.appsFile(home.resolve("apps"), web).toString());
        daemonPid = Long.parseLong(Files.readString(home.resolve("supervisor.pid")).trim());
        admin = Credentials.load(home.resolve("credentials"));
        Files.writeString(home.resolve("credentials"), "viewer.username=" + VIEWER + "\nviewer.password="
                + VIEWER_PASSWORD + "\n", StandardOpenOption.APPEND);
        await().alias(out).atMost(Duration.ofSeconds(60)).until(this::appServes);
        await().atMost(Duration.ofMinutes(2)).until(() -> Http.get(consoleBase() + "/").status() == 200);
    }

    @AfterAll
    void stopDaemon() {
        cli("kill");
    }

    @AfterEach
    void daemonAndAppUnharmed() {
        assertThat(ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive)).as("daemon %d alive", daemonPid).contains(true);
        assertThat(Http.get(agentUrl() + "/read/supervisor:type=God/Pid", admin.username(), admin.password()).body())
                .contains("\"value\":" + daemonPid);
        assertThat(appServes()).as("the app still answers through its front").isTrue();
    }

    // ---- bodies ----

    @Test
    void fortyMegabytesUnauthenticatedToTheLoginAre413() throws Exception {
        RawHttp.Response r = RawHttp.send(consolePort, "POST", "/hawtio/auth/login",
                Map.of("Content-Type", "application/json"), "{\"username\":\"".getBytes(), 40_000_000, (byte) 'a', false);
        assertThat(r.status()).as(r.head()).isEqualTo(413);
        assertThat(r.body()).contains("exceeds the limit");
    }

    @Test
    void fortyMegabytesChunkedToTheLoginAre413() throws Exception {
        RawHttp.Response r = RawHttp.send(consolePort, "POST", "/hawtio/auth/login",
                Map.of("Content-Type", "application/json"), "{\"username\":\"".getBytes(), 40_000_000, (byte) 'a', true);
        assertThat(r.status()).as(r.head()).isEqualTo(413);
    }

    @Test
    void fiftyMegabytesFromTheAdminToTheAgentAre413() throws Exception {
        RawHttp.Response r = RawHttp.send(jolokiaPort, "POST", "/jolokia/", Map.of("Content-Type", "application/json",
                "Authorization", basic(admin.username(), admin.password())), "[".getBytes(), 50_000_000, (byte) ' ', false);
        assertThat(r.status()).as(r.head()).isEqualTo(413);
        assertThat(JSON.readTree(r.body()).get("error").asText()).contains("exceeds the limit of");
    }

    @Test
    void fiftyMegabytesChunkedFromTheAdminToTheAgentAre413() throws Exception {
        RawHttp.Response r = RawHttp.send(jolokiaPort, "POST", "/jolokia/", Map.of("Content-Type", "application/json",
                "Authorization", basic(admin.username(), admin.password())), "[".getBytes(), 50_000_000, (byte) ' ', true);
        assertThat(r.status()).as(r.head()).isEqualTo(413);
    }

    @Test
    void fiftyMegabytesFromTheViewerToTheConsoleJolokiaAre413() throws Exception {
        RawHttp.Response r = RawHttp.send(consolePort, "POST", "/hawtio/jolokia/", Map.of("Content-Type",
                "application/json", "Authorization", basic(VIEWER, VIEWER_PASSWORD)), "[".getBytes(), 50_000_000,
                (byte) ' ', false);
        assertThat(r.status()).as(r.head()).isEqualTo(413);
    }

    @Test
    void aHundredThousandLevelsOfJsonAre400OnBothEndpoints() throws Exception {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        Http.Response agent = Http.post(agentUrl(), deep, admin.username(), admin.password());
        assertThat(agent.status()).as(agent.body()).isEqualTo(400);
        assertThat(agent.body()).contains("nested deeper than 400 levels");
        Http.Response console = Http.post(consoleBase() + "/jolokia/", deep, VIEWER, VIEWER_PASSWORD);
        assertThat(console.status()).as(console.body()).isEqualTo(400);
        Http.Response login = Http.post(consoleBase() + "/auth/login", "{\"username\":" + "[".repeat(500), null, null);
        assertThat(login.status()).as(login.body()).isBetween(400, 413);
    }

    @Test
    void aBurstOfSlowRequestsIsAnsweredOr503NeverDropsTheDaemon() throws Exception {
        // More concurrent requests than workers plus queue: the surplus is refused with 503, the rest served.
        List<Thread> threads = new ArrayList<>();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 80; i++) {
            Thread t = new Thread(() -> statuses.add(Http.post(agentUrl(),
                    "{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\"}", admin.username(), admin.password()).status()));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(120_000);
        }
        assertThat(statuses).hasSize(80).allMatch(s -> s == 200 || s == 503, "200 or 503");
        assertThat(statuses).contains(200);
    }

    // ---- helpers ----

    boolean appServes() {
        Http.Response r = Http.get("http://127.0.0.1:" + frontPort + "/");
        return r.status() == 200 && r.body().startsWith("pid ");
    }

    String agentUrl() {
        return "http://127.0.0.1:" + jolokiaPort + "/jolokia";
    }

    String consoleBase() {
        return "http://127.0.0.1:" + consolePort + "/hawtio";
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    String cli(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Fixtures.projectRoot().resolve("bin/supervisor").toString());
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            return out;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }
}
