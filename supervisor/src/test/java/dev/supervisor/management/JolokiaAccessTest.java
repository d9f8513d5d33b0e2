package dev.supervisor.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Jolokia over real HTTP, as an ops script with curl would use it. */
class JolokiaAccessTest {
    private static TestDaemon daemon;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        daemon = TestDaemon.start();
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), Fixtures.app("hello")).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("hello", 0).getStatus().equals("online"));
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    private static JsonNode json(Http.Response r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void credentialsAreGeneratedIntoAnOwnerOnlyFile() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.home().resolve("credentials"))))
                .isEqualTo("rw-------");
        assertThat(daemon.password()).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void appLogsAreReadableByTheDaemonsUserOnly() throws Exception {
        ProcessInfo p = daemon.process("hello", 0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.home().resolve("logs"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(java.nio.file.Path.of(p.getOutLog()))))
                .isEqualTo("rw-------");
    }

    @Test
    void anonymousRequestsAreRefused() {
        assertThat(Http.get(daemon.jolokiaUrl() + "/read/supervisor:type=God").status()).isEqualTo(401);
        assertThat(Http.get(daemon.jolokiaUrl() + "/read/supervisor:type=God", daemon.user(), "wrong").status()).isEqualTo(401);
    }

    @Test
    void readTheGodWithCredentials() throws Exception {
        Http.Response r = Http.get(daemon.jolokiaUrl() + "/read/supervisor:type=God", daemon.user(), daemon.password());
        assertThat(r.status()).isEqualTo(200);
        JsonNode value = json(r).get("value");
        assertThat(value.get("AppNames").get(0).asText()).isEqualTo("hello");
        assertThat(value.get("Pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(value.get("OnlineCount").asInt()).isEqualTo(1);
    }

    @Test
    void execRestartOnAnAppFromCurl() throws Exception {
        long before = daemon.process("hello", 0).getPid();
        Http.Response r = Http.get(daemon.jolokiaUrl() + "/exec/supervisor:type=App,name=hello/restart", daemon.user(), daemon.password());
        assertThat(json(r).get("status").asInt()).as(r.body()).isEqualTo(200);
        ProcessInfo after = await().until(() -> daemon.process("hello", 0), p -> p.getStatus().equals("online"));
        assertThat(after.getPid()).isNotEqualTo(before);
    }

    @Test
    void startStopAndDeleteThroughJolokiaPost() throws Exception {
        String file = Fixtures.appsFile(daemon.home().resolve("apps"), Fixtures.app("posted")).toString();
        Http.Response start = Http.post(daemon.jolokiaUrl(), "{\"type\":\"exec\",\"mbean\":\"supervisor:type=God\","
                + "\"operation\":\"start\",\"arguments\":[\"" + file + "\"]}", daemon.user(), daemon.password());
        assertThat(json(start).get("value").get(0).asText()).as(start.body()).isEqualTo("posted");
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("posted", 0).getStatus().equals("online"));
        long pid = daemon.process("posted", 0).getPid();

        Http.Response stop = Http.post(daemon.jolokiaUrl(), "{\"type\":\"exec\",\"mbean\":\"supervisor:type=App,name=posted\","
                + "\"operation\":\"stop\"}", daemon.user(), daemon.password());
        assertThat(json(stop).get("status").asInt()).as(stop.body()).isEqualTo(200);
        assertThat(daemon.process("posted", 0).getStatus()).isEqualTo("stopped");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        Http.Response delete = Http.get(daemon.jolokiaUrl() + "/exec/supervisor:type=God/delete/posted", daemon.user(), daemon.password());
        assertThat(json(delete).get("status").asInt()).as(delete.body()).isEqualTo(200);
        assertThat(daemon.list()).noneMatch(p -> p.getName().equals("posted"));
    }

    @Test
    void deniedMBeansAnswer403() throws Exception {
        Http.Response diag = Http.get(daemon.jolokiaUrl() + "/exec/com.sun.management:type=DiagnosticCommand/vmFlags",
                daemon.user(), daemon.password());
        assertThat(json(diag).get("status").asInt()).isEqualTo(403);
        Http.Response hotspot = Http.get(daemon.jolokiaUrl() + "/read/com.sun.management:type=HotSpotDiagnostic/DiagnosticOptions",
                daemon.user(), daemon.password());
        assertThat(json(hotspot).get("status").asInt()).isEqualTo(403);
        Http.Response write = Http.post(daemon.jolokiaUrl(),
                "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\",\"value\":true}",
                daemon.user(), daemon.password());
        assertThat(json(write).get("status").asInt()).isEqualTo(403);
        Http.Response gc = Http.get(daemon.jolokiaUrl() + "/exec/java.lang:type=Memory/gc", daemon.user(), daemon.password());
        assertThat(json(gc).get("status").asInt()).isEqualTo(403);
        Http.Response memory = Http.get(daemon.jolokiaUrl() + "/read/java.lang:type=Memory/HeapMemoryUsage", daemon.user(), daemon.password());
        assertThat(json(memory).get("status").asInt()).isEqualTo(200);
    }

    @Test
    void malformedRequestsGetAClearErrorAndDisturbNothing() throws Exception {
        long pid = daemon.process("hello", 0).getPid();
        Http.Response broken = Http.post(daemon.jolokiaUrl(), "{\"type\":\"exec\",", daemon.user(), daemon.password());
        JsonNode err = json(broken);
        assertThat(broken.status()).isEqualTo(400);
        assertThat(err.get("status").asInt()).isEqualTo(400);
        assertThat(err.get("error").asText()).contains("not valid JSON", "end-of-input", "column 16");
        assertThat(err.has("stacktrace")).isFalse();

        Http.Response unknown = Http.post(daemon.jolokiaUrl(),
                "{\"type\":\"exec\",\"mbean\":\"supervisor:type=God\",\"operation\":\"stop\",\"arguments\":[\"nosuch\"]}",
                daemon.user(), daemon.password());
        JsonNode u = json(unknown);
        assertThat(u.get("status").asInt()).isNotEqualTo(200);
        assertThat(u.get("error").asText()).contains("'nosuch' not found");
        assertThat(u.has("stacktrace")).isFalse();
        assertThat(daemon.process("hello", 0).getPid()).isEqualTo(pid);
    }

    @Test
    void corsAdmitsOnlyOurOwnOrigins() {
        assertThat(AccessPolicyCheck.allowedOrigin(daemon.jolokiaUrl(), daemon.user(), daemon.password(), "http://evil.example"))
                .isNotEqualTo("http://evil.example");
        String own = "http://127.0.0.1:" + daemon.daemon().settings().consolePort();
        assertThat(AccessPolicyCheck.allowedOrigin(daemon.jolokiaUrl(), daemon.user(), daemon.password(), own)).isEqualTo(own);
    }
}
