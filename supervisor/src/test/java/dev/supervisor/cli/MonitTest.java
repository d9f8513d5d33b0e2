package dev.supervisor.cli;

import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code supervisor monit} in a real terminal (tmux): it draws, updates, selects, and quits restoring the terminal. */
class MonitTest {
    private final String socket = "supervisor-monit-test-" + ProcessHandle.current().pid();
    private TestDaemon daemon;

    @AfterEach
    void stop() throws Exception {
        tmux("kill-server");
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void drawsUpdatesSelectsAndQuitsRestoringTheTerminal() throws Exception {
        daemon = TestDaemon.start();
        Path dir = daemon.home().resolve("monit");
        Files.createDirectories(dir);
        daemon.godBean().start(Fixtures.appsFile(dir, Fixtures.app("ticker", "say=hello-from-ticker")).toString());

        Path script = dir.resolve("monit.sh");
        Files.writeString(script, String.join("\n",
                "stty -g > " + dir.resolve("stty.before"),
                "SUPERVISOR_HOME='" + daemon.home() + "' SUPERVISOR_JOLOKIA_PORT=" + daemon.daemon().jolokiaPort()
                        + " '" + Fixtures.java() + "' -Dsupervisor.install='" + Fixtures.projectRoot() + "' -cp '"
                        + System.getProperty("java.class.path") + "' dev.supervisor.cli.SupervisorCli monit --interval 300",
                "echo MONIT-EXIT=$?",
                "stty -g > " + dir.resolve("stty.after"), ""));
        assertThat(tmux("new-session", "-d", "-x", "120", "-y", "30", "bash --norc --noprofile")).isZero();
        tmux("send-keys", "-t", "0", "TERM=xterm-256color sh " + script, "Enter");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(screen())
                .contains("supervisor monit", "1 app(s), 1 process(es), healthy", "ticker", "online", "hello-from-ticker"));
        assertThat(screen()).contains("cpu", "mem", "↺");

        daemon.godBean().start(Fixtures.appsFile(dir, Fixtures.app("second", "say=hello-from-second")).toString());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(screen()).contains("2 app(s), 2 process(es)", "second"));

        tmux("send-keys", "-t", "0", "Down");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(screen())
                .contains("second[1] logs", "hello-from-second").doesNotContain("hello-from-ticker"));

        tmux("send-keys", "-t", "0", "q");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(screen()).contains("MONIT-EXIT=0"));
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("stty.after")));
        // Off the alternate screen (the shell's lines are back, the table gone) and the tty modes as they were.
        assertThat(screen()).doesNotContain("supervisor monit ", "hello-from-second");
        assertThat(Files.readString(dir.resolve("stty.after")).trim()).isEqualTo(Files.readString(dir.resolve("stty.before")).trim());
    }

    private String screen() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-p", "-t", "0").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private int tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
