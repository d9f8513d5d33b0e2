package dev.supervisor.god;

import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A launch that fails part-way leaves nothing behind: no process, no front port, no instance in launching. */
class LaunchFailureTest {
    private static TestDaemon daemon;

    @BeforeAll
    static void startDaemon() {
        daemon = TestDaemon.start();
    }

    @AfterAll
    static void stopDaemon() {
        daemon.close();
    }

    @AfterEach
    void deleteApps() {
        if (!daemon.god().apps().isEmpty()) {
            daemon.god().delete("all");
        }
    }

    private Path appsFile(Map<String, Object> app) {
        return Fixtures.appsFile(daemon.home().resolve("apps"), app);
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aLogFileThatIsADirectoryLeavesNothing() throws IOException {
        Path dir = Files.createDirectories(daemon.home().resolve("a-directory"));
        int port = Fixtures.freePort();
        Map<String, Object> app = Fixtures.app("badlog", "listen");
        app.put("port", port);
        app.put("instances", 2);
        app.put("out_file", dir.toString());
        assertThatThrownBy(() -> daemon.god().start(appsFile(app), ""))
                .hasMessageContaining("badlog[").hasMessageContaining(dir.toString());
        assertThat(daemon.god().apps()).isEmpty();
        assertThat(daemon.god().list()).isEmpty();
        assertThat(portFree(port)).as("the front port is released").isTrue();
    }

    @Test
    void anExecutableRemovedAfterLoadingLeavesNothingAndNamesTheInstance() throws IOException {
        // The program exists when the apps file loads, and is gone at the fork: the fork itself fails.
        Path program = Files.writeString(daemon.home().resolve("not-executable"), "#!/bin/sh\nsleep 60\n");
        program.toFile().setExecutable(true);
        Map<String, Object> app = Fixtures.app("nobin");
        app.put("script", program.toString());
        app.put("args", java.util.List.of());
        var configs = daemon.god().loader().load(appsFile(app), "");
        Files.delete(program);
        assertThatThrownBy(() -> daemon.god().start(configs))
                .hasMessageMatching("(?s)cannot launch nobin\\[\\d+\\]: .*not-executable.*");
        assertThat(daemon.god().list()).isEmpty();
    }

    @Test
    void frontNoneOnAHeldPortIsRefusedBeforeLaunch() throws IOException {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(0));
            Map<String, Object> app = Fixtures.app("squatted", "listen");
            app.put("port", other.getLocalPort());
            app.put("front", "none");
            assertThatThrownBy(() -> daemon.god().start(appsFile(app), ""))
                    .hasMessageMatching("(?s).*squatted\\[\\d+\\].*").hasMessageContaining("port " + other.getLocalPort() + " is already in use");
            assertThat(daemon.god().list()).isEmpty();
        }
    }

    @Test
    void aPortProbeIsNotFooledByAnotherProcessOnThePort() throws IOException {
        // The app listens late; meanwhile the port is someone else's: a connect succeeds but the listener is not its own.
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = other.getLocalPort();
            Map<String, Object> app = Fixtures.app("fooled", "exit=60000:0");
            app.put("port", port);
            app.put("front", "none");
            app.put("listen_timeout", "1500ms");
            app.put("autorestart", false);
            // requireFree binds the wildcard address, so hold only the loopback address: the check passes, the probe decides.
            try {
                daemon.god().start(appsFile(app), "");
            } catch (RuntimeException e) {
                assertThat(e.getMessage()).contains("already in use");
                return; // the kernel refused the wildcard bind: refused before launch, which is also right
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> !daemon.god().list().get(0).getStatus().equals("launching"));
            assertThat(daemon.god().list().get(0).getStatus()).isNotEqualTo("online");
        }
    }
}
