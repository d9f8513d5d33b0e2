package dev.supervisor.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import dev.supervisor.testing.TestDaemon;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin and the viewer on every role-aware path of one real daemon: the Jolokia agent, the console's Jolokia
 * (logged in through hawtio) and remote JMX. The viewer reads but neither acts nor reads secrets; the policy file
 * binds the admin too; wrong passwords are throttled and logged.
 */
class RolesEverywhereTest {
    static final String VIEWER = "viewer";
    static final String VIEWER_PASSWORD = "viewer-secret-2";
    static final String RUNTIME = "java.lang:type=Runtime";
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestDaemon daemon;
    static String console;

    @BeforeAll
    static void start() throws Exception {
        // A secret on the daemon's command line, as the README shows for jmx_tls.
        System.setProperty("javax.net.ssl.keyStorePassword.test", "hunter2");
        daemon = TestDaemon.start(TestDaemon.Options.defaults().withConsole().withJmx());
        Files.writeString(daemon.daemon().settings().credentialsFile(), "viewer.username=" + VIEWER
                + "\nviewer.password=" + VIEWER_PASSWORD + "\n", StandardOpenOption.APPEND);
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), Fixtures.app("hello")).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("hello", 0).getStatus().equals("online"));
        console = daemon.awaitConsoleUp();
    }

    @AfterAll
    static void stop() {
        System.clearProperty("javax.net.ssl.keyStorePassword.test");
        if (daemon != null) {
            daemon.close();
        }
    }

    // ---- the agent ----

    @Test
    void agentViewerReadsButNotSecretsAndCannotActOrWrite() throws Exception {
        assertThat(agent("read/supervisor:type=God/AppNames", VIEWER, VIEWER_PASSWORD).get("status").asInt()).isEqualTo(200);
        assertThat(agent("read/java.lang:type=Memory/HeapMemoryUsage", VIEWER, VIEWER_PASSWORD).get("status").asInt()).isEqualTo(200);
        assertThat(agent("read/" + RUNTIME + "/SystemProperties", VIEWER, VIEWER_PASSWORD).get("status").asInt()).isEqualTo(403);
        assertThat(agent("read/" + RUNTIME + "/InputArguments", VIEWER, VIEWER_PASSWORD).get("status").asInt()).isEqualTo(403);
        JsonNode all = agent("read/" + RUNTIME, VIEWER, VIEWER_PASSWORD);
        assertThat(all.toString()).doesNotContain("hunter2");
        assertThat(agent("exec/supervisor:type=App,name=hello/stop", VIEWER, VIEWER_PASSWORD).get("status").asInt()).isEqualTo(403);
        assertThat(agent("write/java.lang:type=Memory/Verbose/true", VIEWER, VIEWER_PASSWORD).get("status").asInt()).isEqualTo(403);
        assertThat(daemon.process("hello", 0).getStatus()).isEqualTo("online");
    }

    @Test
    void agentAdminReadsSecretsButThePolicyBindsItToo() throws Exception {
        JsonNode props = agent("read/" + RUNTIME + "/SystemProperties", daemon.user(), daemon.password());
        assertThat(props.get("status").asInt()).isEqualTo(200);
        assertThat(props.toString()).contains("hunter2");
        assertThat(agent("exec/com.sun.management:type=DiagnosticCommand/vmSystemProperties", daemon.user(), daemon.password())
                .get("status").asInt()).isEqualTo(403);
        assertThat(agent("write/java.lang:type=Memory/Verbose/true", daemon.user(), daemon.password()).get("status").asInt()).isEqualTo(403);
    }

    @Test
    void agentThrottlesWrongPasswordsAndLogsTheSource() throws Exception {
        String url = daemon.jolokiaUrl() + "/read/supervisor:type=God/Pid";
        LogCapture log = new LogCapture(dev.supervisor.management.http.AuthThrottle.class);
        for (int i = 0; i < 5; i++) {
            assertThat(Http.get(url, "mallory", "guess" + i).status()).isEqualTo(401);
        }
        assertThat(Http.get(url, "mallory", "guess6").status()).isEqualTo(401);
        assertThat(Http.get(url, "mallory", "guess7").status()).as("locked after 6 failures").isEqualTo(429);
        // Another user from the same source is not locked out by mallory's failures (yet), and the lock is short.
        assertThat(Http.get(url, daemon.user(), daemon.password()).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> Http.get(url, "mallory", "guess8").status() == 401);
        log.close();
        assertThat(log.text()).contains("WARN authentication failed on Jolokia for user 'mallory' from 127.0.0.1");
    }

    // ---- the console ----

    @Test
    void consoleViewerReadsButNotSecretsAndCannotAct() throws Exception {
        HttpClient viewer = loggedIn(VIEWER, VIEWER_PASSWORD);
        assertThat(consoleJolokia(viewer, "read/supervisor:type=God/AppNames").get("status").asInt()).isEqualTo(200);
        assertThat(consoleJolokia(viewer, "read/" + RUNTIME + "/SystemProperties").get("status").asInt()).isEqualTo(403);
        assertThat(consoleJolokia(viewer, "read/" + RUNTIME + "/InputArguments").get("status").asInt()).isEqualTo(403);
        assertThat(consoleJolokia(viewer, "read/" + RUNTIME).toString()).doesNotContain("hunter2");
        assertThat(consoleJolokia(viewer, "exec/supervisor:type=App,name=hello/stop").get("status").asInt()).isEqualTo(403);
        HttpClient admin = loggedIn(daemon.user(), daemon.password());
        assertThat(consoleJolokia(admin, "read/" + RUNTIME + "/SystemProperties").toString()).contains("hunter2");
    }

    @Test
    void consoleLoginFailuresAreThrottledAndLogged() throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        LogCapture log = new LogCapture(dev.supervisor.management.http.AuthThrottle.class);
        int last = 0;
        for (int i = 0; i < 7; i++) {
            last = login(client, "eve", "guess" + i).statusCode();
        }
        assertThat(last).isEqualTo(429);
        assertThat(login(client, daemon.user(), daemon.password()).statusCode()).isEqualTo(200);
        log.close();
        assertThat(log.text()).contains("WARN authentication failed on console for user 'eve' from 127.0.0.1");
    }

    // ---- remote JMX ----

    @Test
    void jmxViewerReadsButNotSecretsAndCannotActOrWrite() throws Exception {
        try (JMXConnector jmx = jmx(VIEWER, VIEWER_PASSWORD)) {
            MBeanServerConnection c = jmx.getMBeanServerConnection();
            ObjectName runtime = new ObjectName(RUNTIME);
            assertThat(c.getAttribute(runtime, "VmName")).isNotNull();
            assertThatThrownBy(() -> c.getAttribute(runtime, "SystemProperties")).isInstanceOf(SecurityException.class);
            assertThatThrownBy(() -> c.getAttribute(runtime, "InputArguments")).isInstanceOf(SecurityException.class);
            AttributeList some = c.getAttributes(runtime, new String[] {"VmName", "SystemProperties", "InputArguments"});
            assertThat(some.asList()).extracting(Attribute::getName).containsExactly("VmName");
            assertThatThrownBy(() -> c.invoke(new ObjectName("supervisor:type=App,name=hello"), "stop", null, null))
                    .isInstanceOf(SecurityException.class);
            assertThatThrownBy(() -> c.setAttribute(new ObjectName("java.lang:type=Memory"), new Attribute("Verbose", true)))
                    .isInstanceOf(SecurityException.class);
        }
        assertThat(daemon.process("hello", 0).getStatus()).isEqualTo("online");
    }

    @Test
    void jmxAdminCannotCreateAnMLetNorRunDiagnosticCommands() throws Exception {
        try (JMXConnector jmx = jmx(daemon.user(), daemon.password())) {
            MBeanServerConnection c = jmx.getMBeanServerConnection();
            assertThat(c.getAttribute(new ObjectName(RUNTIME), "SystemProperties")).isNotNull();
            assertThatThrownBy(() -> c.createMBean("javax.management.loading.MLet", new ObjectName("evil:type=MLet")))
                    .isInstanceOf(SecurityException.class);
            assertThatThrownBy(() -> c.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmSystemProperties", null, null)).isInstanceOf(SecurityException.class);
            assertThatThrownBy(() -> c.invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"),
                    "dumpHeap", new Object[] {"/tmp/x.hprof", true}, new String[] {"java.lang.String", "boolean"}))
                    .isInstanceOf(SecurityException.class);
            assertThatThrownBy(() -> c.setAttribute(new ObjectName("java.lang:type=Memory"), new Attribute("Verbose", true)))
                    .isInstanceOf(SecurityException.class);
            assertThat(c.isRegistered(new ObjectName("evil:type=MLet"))).isFalse();
        }
    }

    // ---- helpers ----

    private static JsonNode agent(String request, String user, String password) throws IOException {
        return JSON.readTree(Http.get(daemon.jolokiaUrl() + "/" + request, user, password).body());
    }

    private static HttpClient loggedIn(String user, String password) throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> r = login(client, user, password);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return client;
    }

    private static HttpResponse<String> login(HttpClient client, String user, String password) throws Exception {
        String body = JSON.createObjectNode().put("username", user).put("password", password).toString();
        return client.send(HttpRequest.newBuilder(URI.create(console + "auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode consoleJolokia(HttpClient client, String request) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(console + "jolokia/" + request)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static JMXConnector jmx(String user, String password) throws IOException {
        return JMXConnectorFactory.connect(new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:"
                + daemon.daemon().settings().jmxPort() + "/jmxrmi"), Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
    }
}
