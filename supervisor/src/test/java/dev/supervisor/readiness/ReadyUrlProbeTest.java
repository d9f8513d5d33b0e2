package dev.supervisor.readiness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadyUrlProbeTest extends ProbeTestSupport {
    private static final Duration POLL = Duration.ofMillis(10);

    @TempDir
    Path dir;

    @Test
    void readyWhenTheChildServesTheUrl() throws Exception {
        int port = freePort();
        Process child = spawn(Map.of(), "/bin/sh", "-c", "cd '" + dir + "' && sleep 0.2 && exec " + PYTHON
                + " -m http.server " + port + " --bind 127.0.0.1 2>/dev/null");
        ReadyUrlProbe probe = track(new ReadyUrlProbe(URI.create("http://127.0.0.1:" + port + "/"), POLL, scheduler));

        assertThat(ready(probe.await(child, LONG))).isLessThan(LONG);
        assertThat(probe.describe()).contains("last answer: HTTP 200");
    }

    @Test
    void anErrorAnswerIsNotReadyAndTheTimeoutSaysWhatCameBack() throws Exception {
        int port = freePort();
        Process child = python("import http.server\n"
                + "class H(http.server.BaseHTTPRequestHandler):\n"
                + "    def do_GET(self):\n"
                + "        self.send_response(503); self.send_header('Content-Length','0'); self.end_headers()\n"
                + "    def log_message(self, *a): pass\n"
                + "s=http.server.HTTPServer(('127.0.0.1'," + port + "), H)\n"
                + "print('up', flush=True)\n"
                + "s.serve_forever()");
        assertThat(firstLine(child)).isEqualTo("up");
        ReadyUrlProbe probe = track(new ReadyUrlProbe(URI.create("http://127.0.0.1:" + port + "/health"), POLL, scheduler));

        String message = failure(probe.await(child, Duration.ofMillis(500)));

        assertThat(message).isEqualTo("not ready after 500 ms: waited for GET http://127.0.0.1:" + port
                + "/health to answer 2xx (last answer: HTTP 503)");
    }

    @Test
    void failsFastWithTheExitCodeWhenTheChildExitsFirst() throws Exception {
        Process child = sh("exit 9");
        ReadyUrlProbe probe = track(new ReadyUrlProbe(URI.create("http://127.0.0.1:" + freePort() + "/"), POLL, scheduler));

        assertThat(failure(probe.await(child, LONG))).contains("exited with code 9 before it was ready");
    }

    @Test
    void onlyHttpUrls() {
        assertThatThrownBy(() -> new ReadyUrlProbe(URI.create("ftp://127.0.0.1/"), POLL, scheduler))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ready_url 'ftp://127.0.0.1/'");
        assertThatThrownBy(() -> new ReadyUrlProbe(URI.create("health"), POLL, scheduler))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ready_url 'health'");
    }
}
