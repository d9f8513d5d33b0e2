package dev.supervisor.readiness;

import org.junit.jupiter.api.AfterEach;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Real child processes (python3, sh) and a shared scheduler, cleaned up after each test. */
abstract class ProbeTestSupport {
    static final Duration LONG = Duration.ofSeconds(60);
    /** The system python starts in ~0.1 s; a pyenv shim on PATH takes a second or more. */
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final List<Process> children = new ArrayList<>();
    private final List<ReadinessProbe> probes = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        probes.forEach(ReadinessProbe::close);
        children.forEach(Process::destroyForcibly);
        scheduler.shutdownNow();
    }

    <P extends ReadinessProbe> P track(P probe) {
        probes.add(probe);
        return probe;
    }

    Process python(String code) throws IOException {
        return python(code, Map.of());
    }

    Process python(String code, Map<String, String> env) throws IOException {
        return spawn(env, PYTHON, "-c", code);
    }

    /** End long-running scripts with {@code exec}: a grandchild would outlive destroy() and hold the pipes. */
    Process sh(String script) throws IOException {
        return spawn(Map.of(), "/bin/sh", "-c", script);
    }

    Process spawn(Map<String, String> env, String... command) throws IOException {
        // children print little: stdout stays readable (see firstLine), stderr shows up in the test output
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        children.add(p);
        return p;
    }

    /** The child's first stdout line, waiting at most 30 s. */
    static String firstLine(Process child) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        return CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Duration ready(CompletableFuture<Duration> wait) throws Exception {
        return wait.get(30, TimeUnit.SECONDS);
    }

    /** The wait must fail (within 30 s) with a ReadinessException; returns its message. */
    static String failure(CompletableFuture<Duration> wait) throws Exception {
        try {
            Duration d = wait.get(30, TimeUnit.SECONDS);
            return fail("expected a readiness failure, but it was ready after " + d);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(ReadinessException.class);
            return e.getCause().getMessage();
        }
    }
}
