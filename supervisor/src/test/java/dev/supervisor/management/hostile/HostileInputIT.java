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
        // No training daemon per home (cli/DaemonArchive): DaemonArchiveIT covers the archive.
        env.put("SUPERVISOR_DAEMON_ARCHIVE", "off");
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
        Fixtures.deleteTree(home.resolve("runtime")); // the daemon's copy of the build; logs stay for a post-mortem
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

    // ---- a page on another origin, in the operator's browser ----

    @Test
    void aPageOnAnotherOriginCannotActThroughTheOperatorsBrowser() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path chromedriver = Path.of("/usr/bin/chromedriver");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(chromedriver),
                "chromium and chromedriver are needed");
        cli("start", Fixtures.appsFile(home.resolve("apps"), Fixtures.app("control")).toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> appStatus("control").startsWith("online"));
        String webPids = appAttribute("web", "Pids");

        try (AttackerSite attacker = new AttackerSite(); Browser browser = new Browser(chromium, chromedriver, home)) {
            // The operator: logged in to the console, and basic credentials cached for the agent.
            browser.logInToConsole(consoleBase(), admin.username(), admin.password());
            assertThat(browser.cookie("JSESSIONID")).as("session cookie").isNotNull();
            assertThat(browser.cookie("JSESSIONID").getSameSite()).isEqualTo("Strict");
            assertThat(browser.cookie("JSESSIONID").isHttpOnly()).isTrue();
            browser.open("http://" + admin.username() + ":" + admin.password() + "@127.0.0.1:" + jolokiaPort
                    + "/jolokia/version");
            assertThat(browser.text()).contains("\"agent\"");

            String stop = "exec/supervisor:type=App,name=web/stop";
            String stopJson = "{\"type\":\"exec\",\"mbean\":\"supervisor:type=App,name=web\",\"operation\":\"stop\"}";
            for (String endpoint : List.of(agentUrl(), consoleBase() + "/jolokia")) {
                // A top-level navigation: the page the browser ends on is our refusal.
                browser.open(attacker.page("navigate", endpoint + "/" + stop, ""));
                browser.awaitUrlStartsWith(endpoint);
                assertThat(browser.text()).as("navigation to " + endpoint).contains("cross-site request refused");
                // A text/plain form POST.
                browser.open(attacker.page("form", endpoint + "/", stopJson));
                browser.awaitUrlStartsWith(endpoint);
                assertThat(browser.text()).as("form POST to " + endpoint).contains("refused");
                // no-cors fetches, small and 40 MB: the page cannot read the answer; the app must still run.
                browser.open(attacker.page("fetch", endpoint + "/", stopJson));
                browser.awaitTitle("settled");
                browser.open(attacker.page("fetch40m", endpoint + "/", ""));
                browser.awaitTitle("settled");
            }
            assertThat(appStatus("web")).startsWith("online");
            assertThat(appAttribute("web", "Pids")).isEqualTo(webPids);

            // Controls: the same browser, its credentials and session, acting from the address bar works.
            browser.open(consoleBase() + "/jolokia/exec/supervisor:type=App,name=control/stop");
            await().atMost(Duration.ofSeconds(30)).until(() -> appStatus("control").startsWith("stopped"));
            browser.open(agentUrl() + "/exec/supervisor:type=App,name=control/start");
            await().atMost(Duration.ofSeconds(30)).until(() -> appStatus("control").startsWith("online"));
        }
    }

    String appStatus(String app) {
        return appAttribute(app, "Status");
    }

    String appAttribute(String app, String attribute) {
        Http.Response r = Http.get(agentUrl() + "/read/supervisor:type=App,name=" + app + "/" + attribute,
                admin.username(), admin.password());
        try {
            return JSON.readTree(r.body()).get("value").toString().replace("\"", "");
        } catch (IOException | NullPointerException e) {
            return "unreadable: " + r.body();
        }
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
