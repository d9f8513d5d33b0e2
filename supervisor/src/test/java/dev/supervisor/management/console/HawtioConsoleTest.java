package dev.supervisor.management.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.supervisor.config.DaemonSettings;
import dev.supervisor.management.DemoApp;
import dev.supervisor.management.TestHome;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jolokia.jvmagent.JolokiaServer;
import org.jolokia.jvmagent.JolokiaServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console over real HTTP, with the daemon's own Jolokia 2.6 agent running in the same JVM (the
 * combination that breaks hawtio unless its class loading is set up right).
 */
class HawtioConsoleTest {
    /**
     * Denies one harmless operation, to show hawtio's Jolokia reads the daemon's policy file. Operation names are
     * matched literally ({@code gc} and {@code gc()} differ), hence the wildcard.
     */
    private static final String POLICY = """
            <?xml version="1.0" encoding="UTF-8"?>
            <restrict>
              <deny>
                <mbean>
                  <name>java.lang:type=Memory</name>
                  <operation>gc*</operation>
                </mbean>
              </deny>
            </restrict>
            """;

    @TempDir
    static Path home;

    static HawtioConsole console;
    static JolokiaServer daemonJolokia;
    static DemoApp app;

    @BeforeAll
    static void start() throws Exception {
        DaemonSettings settings = TestHome.create(home, 0);
        Path policy = Files.writeString(home.resolve("jolokia-access.xml"), POLICY);
        daemonJolokia = new JolokiaServer(new JolokiaServerConfig(Map.of("host", "127.0.0.1", "port", "0")));
        daemonJolokia.start();
        app = registerApp();
        console = new HawtioConsole(settings, HawtioConsole.locateWar(settings.installDir()), policy);
        console.startAsync().get(2, TimeUnit.MINUTES);
    }

    /** The MBeans the console is tested against; to be replaced by a running daemon. */
    static DemoApp registerApp() throws Exception {
        return DemoApp.register("demo");
    }

    @AfterAll
    static void stop() throws Exception {
        if (console != null) {
            console.close();
        }
        if (daemonJolokia != null) {
            daemonJolokia.stop();
        }
        if (app != null) {
            app.close();
        }
    }

    private static ConsoleClient loggedIn(String user, String password) throws Exception {
        ConsoleClient client = new ConsoleClient(console.url());
        assertThat(client.login(user, password).statusCode()).isEqualTo(200);
        return client;
    }

    @Test
    void statusSaysUpWithTheUrl() {
        assertThat(console.isUp()).isTrue();
        assertThat(console.status()).isEqualTo("up at http://127.0.0.1:" + console.port() + "/hawtio/");
    }

    @Test
    void loginWithGoodCredentialsGivesASessionCookie() throws Exception {
        ConsoleClient client = new ConsoleClient(console.url());

        HttpResponse<String> response = client.login(TestHome.ADMIN, TestHome.ADMIN_PASSWORD);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Set-Cookie")).hasValueSatisfying(
                cookie -> assertThat(cookie).startsWith("JSESSIONID=").contains("HttpOnly"));
        assertThat(client.hasSessionCookie()).isTrue();
        assertThat(response.body()).contains("\"admin\"", "dev.supervisor.management.RolePrincipal");
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        ConsoleClient client = new ConsoleClient(console.url());

        assertThat(client.login(TestHome.ADMIN, "not-the-password").statusCode()).isEqualTo(403);
        assertThat(client.hasSessionCookie()).isFalse();
    }

    @Test
    void adminSessionReadsTheAppAndTheJvm() throws Exception {
        ConsoleClient admin = loggedIn(TestHome.ADMIN, TestHome.ADMIN_PASSWORD);

        JsonNode pids = admin.jolokia("read/supervisor:type=App,name=demo/Pids");
        JsonNode memory = admin.jolokia("read/java.lang:type=Memory");

        assertThat(pids.path("status").asInt()).isEqualTo(200);
        assertThat(pids.path("value")).hasSize(2);
        assertThat(memory.path("status").asInt()).isEqualTo(200);
        assertThat(memory.path("value").path("HeapMemoryUsage").path("used").asLong()).isPositive();
    }

    @Test
    void adminReloadsTheApp() throws Exception {
        ConsoleClient admin = loggedIn(TestHome.ADMIN, TestHome.ADMIN_PASSWORD);
        List<Long> before = app.getPids();

        JsonNode reload = admin.jolokia("exec/supervisor:type=App,name=demo/reload()");

        assertThat(reload.path("status").asInt()).isEqualTo(200);
        assertThat(reload.path("value").path("outcome").asText()).isEqualTo("done");
        assertThat(app.getPids()).doesNotContainAnyElementsOf(before);
    }

    @Test
    void viewerReadsButCannotReload() throws Exception {
        ConsoleClient viewer = loggedIn(TestHome.VIEWER, TestHome.VIEWER_PASSWORD);
        List<Long> before = app.getPids();

        JsonNode pids = viewer.jolokia("read/supervisor:type=App,name=demo/Pids");
        JsonNode reload = viewer.jolokia("exec/supervisor:type=App,name=demo/reload()");
        JsonNode write = viewer.jolokia("write/java.lang:type=Memory/Verbose/true");

        assertThat(pids.path("status").asInt()).isEqualTo(200);
        assertThat(reload.path("status").asInt()).isEqualTo(403);
        assertThat(write.path("status").asInt()).isEqualTo(403);
        assertThat(app.getPids()).isEqualTo(before);
    }

    @Test
    void viewerPageIsToldOperationsAreOff() throws Exception {
        ConsoleClient viewer = loggedIn(TestHome.VIEWER, TestHome.VIEWER_PASSWORD);
        ConsoleClient admin = loggedIn(TestHome.ADMIN, TestHome.ADMIN_PASSWORD);
        String canInvoke = "exec/" + ConsoleAccessControl.OBJECT_NAME
                + "/canInvoke(java.lang.String)/supervisor:type=App,name=demo";

        assertThat(viewer.jolokia(canInvoke).path("value").asBoolean()).isFalse();
        assertThat(admin.jolokia(canInvoke).path("value").asBoolean()).isTrue();
    }

    @Test
    void anonymousJolokiaIsRefused() throws Exception {
        ConsoleClient anonymous = new ConsoleClient(console.url());

        assertThat(anonymous.get("/jolokia/read/java.lang:type=Memory").statusCode()).isIn(401, 403);
        assertThat(anonymous.get("/jolokia/exec/supervisor:type=App,name=demo/reload()").statusCode())
                .isIn(401, 403);
    }

    @Test
    void anonymousPageRedirectsToLogin() throws Exception {
        HttpResponse<String> response = new ConsoleClient(console.url()).get("/");

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("/hawtio/login");
    }

    @Test
    void daemonPolicyFileAppliesToHawtiosJolokia() throws Exception {
        ConsoleClient admin = loggedIn(TestHome.ADMIN, TestHome.ADMIN_PASSWORD);

        assertThat(admin.jolokia("exec/java.lang:type=Memory/gc").path("status").asInt()).isEqualTo(403);
        assertThat(admin.jolokia("exec/java.lang:type=Memory/gc()").path("status").asInt()).isEqualTo(403);
        assertThat(admin.jolokia("read/java.lang:type=Memory/Verbose").path("status").asInt()).isEqualTo(200);
    }

    @Test
    void credentialEditsApplyAtNextLogin() throws Exception {
        Path file = home.resolve("credentials");
        String original = Files.readString(file);
        try {
            Files.writeString(file, original + "viewer.username=auditor\nviewer.password=fresh\n");
            assertThat(new ConsoleClient(console.url()).login("auditor", "fresh").statusCode()).isEqualTo(200);
        } finally {
            Files.writeString(file, original);
        }
        assertThat(new ConsoleClient(console.url()).login("auditor", "fresh").statusCode()).isEqualTo(403);
    }

    @Test
    void daemonsOwnJolokiaAgentStillAnswersNextToHawtio() throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create(daemonJolokia.getUrl() + "version")
                .toURL().openConnection();
        String agent = new String(connection.getInputStream().readAllBytes());
        JsonNode hawtiosAgent = loggedIn(TestHome.ADMIN, TestHome.ADMIN_PASSWORD).jolokia("version");

        assertThat(connection.getResponseCode()).isEqualTo(200);
        assertThat(agent).contains("\"agent\":\"2.6.0\"");
        assertThat(hawtiosAgent.path("value").path("agent").asText()).isEqualTo("2.1.1");
    }
}
