package dev.supervisor.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Prometheus endpoint: behind the credentials, fed by the table, the fronts and the reloads; scraped by a real Prometheus. */
class MetricsEndpointTest {
    private static final String VIEWER = "watcher";
    private static final String VIEWER_PASSWORD = "viewer-secret-1";
    private static TestDaemon daemon;
    private static String url;
    private static int frontPort;

    @BeforeAll
    static void startDaemonWithAnApp() throws Exception {
        Path home = Files.createTempDirectory("supervisor-metrics-");
        Files.writeString(home.resolve("credentials"), "username=admin\npassword=admin-secret-1\nviewer.username=" + VIEWER
                + "\nviewer.password=" + VIEWER_PASSWORD + "\n");
        daemon = TestDaemon.start(home);
        url = daemon.daemon().metricsUrl();
        frontPort = Fixtures.freePort();
        Map<String, Object> web = Fixtures.app("web", "listen", "alloc=32");
        web.put("port", frontPort);
        web.put("listen_timeout", "20s");
        daemon.godBean().start(Fixtures.appsFile(home.resolve("apps"), web).toString());
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    @Test
    void refusesScrapesWithoutTheCredentialsAndLetsTheViewerIn() {
        assertThat(daemon.godBean().getMetricsStatus()).isEqualTo("up at " + url);
        assertThat(Http.get(url).status()).isEqualTo(401);
        assertThat(Http.get(url, "admin", "wrong").status()).isEqualTo(401);
        assertThat(Http.get(url, "admin", "admin-secret-1").status()).isEqualTo(200);
        assertThat(Http.get(url, VIEWER, VIEWER_PASSWORD).status()).isEqualTo(200);
        assertThat(daemon.cli("console").out()).containsPattern("(?m)^metrics: +" + java.util.regex.Pattern.quote(url) + "$");
    }

    @Test
    void guessingAPasswordIsThrottledAndTheRightOneStillGetsIn() {
        // A user of its own, so the other tests' scrapes share no throttle entry with it.
        // Five failures are free; the sixth locks this source and user out for a second.
        for (int i = 0; i < 6; i++) {
            assertThat(Http.get(url, "guesser", "wrong-" + i).status()).isEqualTo(401);
        }
        assertThat(Http.get(url, "guesser", "wrong-again").status()).isEqualTo(429);
        assertThat(Http.get(url, VIEWER, VIEWER_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void exposesProcessAppFrontReloadAndSamplerSeries() {
        for (int i = 0; i < 5; i++) {
            assertThat(Http.get("http://127.0.0.1:" + frontPort + "/").status()).isEqualTo(200);
        }
        assertThat(daemon.godBean().reload("web")).allMatch(r -> r.isSuccess());
        String text = await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(url, VIEWER, VIEWER_PASSWORD).body(),
                b -> b.lines().anyMatch(l -> l.startsWith("supervisor_process_memory_bytes{app=\"web\"") && value(l) >= 32 << 20));
        assertThat(text).contains("# TYPE supervisor_process_cpu_seconds_total counter",
                "supervisor_process_restarts_total{app=\"web\",draining=\"false\",id=\"0\"}",
                "supervisor_process_status{app=\"web\",draining=\"false\",id=\"0\",status=\"online\"} 1.0",
                "supervisor_app_up{app=\"web\"} 1.0",
                "supervisor_front_requests_total{app=\"web\",front=\"http\"} 5.0",
                "supervisor_front_errors_total{app=\"web\",front=\"http\"} 0.0",
                "supervisor_front_in_flight{app=\"web\",front=\"http\"} 0.0",
                "supervisor_reloads_total{app=\"web\",outcome=\"done\"} 1.0",
                "supervisor_reload_duration_seconds_count{app=\"web\"} 1",
                "supervisor_sampler_samples_total ");
        assertThat(text.lines().filter(l -> l.startsWith("supervisor_process_uptime_seconds{app=\"web\"")).findFirst().map(MetricsEndpointTest::value)
                .orElseThrow()).isPositive();
    }

    @Test
    void aRealPrometheusScrapesItWithBasicAuthAndAnswersAQuery() throws Exception {
        Path dir = Files.createTempDirectory("prometheus-");
        int port = Fixtures.freePort();
        String target = url.replaceFirst("^http://", "").replaceFirst("/metrics$", "");
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: supervisor
                    static_configs:
                      - targets: ['%s']
                    basic_auth:
                      username: %s
                      password: %s
                """.formatted(target, VIEWER, VIEWER_PASSWORD));
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String query = "http://127.0.0.1:" + port + "/api/v1/query?query="
                    + URLEncoder.encode("supervisor_process_memory_bytes{app=\"web\",draining=\"false\"}", StandardCharsets.UTF_8);
            JsonNode result = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> new ObjectMapper().readTree(Http.get(query).body()).path("data").path("result"),
                            r -> r.size() == 1 && r.get(0).path("value").get(1).asDouble() >= 32 << 20);
            assertThat(result.get(0).path("metric").path("job").asText()).isEqualTo("supervisor");
            assertThat(result.get(0).path("metric").path("id").asText()).isEqualTo("0");
            JsonNode up = new ObjectMapper().readTree(Http.get("http://127.0.0.1:" + port + "/api/v1/query?query=up").body());
            assertThat(up.path("data").path("result").get(0).path("value").get(1).asText()).isEqualTo("1");

            // Every query of the Grafana dashboard in docs/ is one this Prometheus accepts.
            JsonNode dashboard = new ObjectMapper().readTree(Fixtures.projectRoot().resolve("docs/monitoring/grafana-dashboard.json").toFile());
            int queries = 0;
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode t : panel.path("targets")) {
                    String expr = t.path("expr").asText().replace("$app", ".*");
                    Http.Response r = Http.get("http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
                    assertThat(r.status()).as(panel.path("title").asText() + ": " + expr + " -> " + r.body()).isEqualTo(200);
                    queries++;
                }
            }
            assertThat(queries).isGreaterThan(15);
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    private static double value(String line) {
        List<String> parts = List.of(line.split(" "));
        return Double.parseDouble(parts.get(parts.size() - 1));
    }
}
