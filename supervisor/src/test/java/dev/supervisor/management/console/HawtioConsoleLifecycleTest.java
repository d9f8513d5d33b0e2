package dev.supervisor.management.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.supervisor.config.DaemonSettings;
import dev.supervisor.management.ManagementPortInUseException;
import dev.supervisor.management.TestHome;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import javax.security.auth.login.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting on a taken port, and what closing puts back. */
class HawtioConsoleLifecycleTest {
    @TempDir
    Path home;

    @Test
    void takenPortLeavesTheConsoleDownWithAClearReasonAndTouchesNothingElse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            DaemonSettings settings = TestHome.create(home, 0).withPorts(0, port, 0);
            Configuration jaasBefore = currentJaas();
            HawtioConsole console = new HawtioConsole(settings, HawtioConsole.locateWar(settings.installDir()), null);

            CompletableFuture<Void> started = console.startAsync();

            assertThatThrownBy(() -> started.get(1, TimeUnit.MINUTES))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ManagementPortInUseException.class)
                    .hasMessage("console port " + port + " on 127.0.0.1 is already in use");
            assertThat(console.status()).isEqualTo("down: console port " + port + " on 127.0.0.1 is already in use");
            assertThat(console.isUp()).isFalse();
            assertThat(System.getProperty("hawtio.realm")).isNull();
            assertThat(currentJaas()).isSameAs(jaasBefore);
            assertThat(accessControlRegistered()).isFalse();
            assertThat(home.resolve("console-tmp")).doesNotExist();
            console.close();
        }
    }

    @Test
    void closePutsEverythingBack() throws Exception {
        DaemonSettings settings = TestHome.create(home, 0);
        Configuration jaasBefore = currentJaas();
        HawtioConsole console = new HawtioConsole(settings, HawtioConsole.locateWar(settings.installDir()), null);
        console.startAsync().get(2, TimeUnit.MINUTES);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), console.port());
        assertThat(System.getProperty("hawtio.realm")).isEqualTo(HawtioConsole.REALM);
        assertThat(currentJaas().getAppConfigurationEntry(HawtioConsole.REALM)).hasSize(1);
        assertThat(accessControlRegistered()).isTrue();

        console.close();

        assertThat(console.status()).isEqualTo("down: stopped");
        assertThat(System.getProperty("hawtio.realm")).isNull();
        assertThat(currentJaas()).isSameAs(jaasBefore);
        assertThat(accessControlRegistered()).isFalse();
        // A listening socket blocked in accept() is closed by that thread: allow it a moment.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                assertThatThrownBy(() -> {
                    try (Socket socket = new Socket()) {
                        socket.connect(address, 2000);
                    }
                }).isInstanceOf(ConnectException.class));
    }

    @Test
    void statusSaysStartingUntilUpAndASecondStartChangesNothing() throws Exception {
        DaemonSettings settings = TestHome.create(home, 0);
        try (HawtioConsole console = new HawtioConsole(settings, HawtioConsole.locateWar(settings.installDir()),
                null)) {
            assertThat(console.status()).isEqualTo("down: not started");
            CompletableFuture<Void> started = console.startAsync();
            assertThat(console.status()).isIn("starting", "up at " + console.url());
            started.get(2, TimeUnit.MINUTES);
            assertThat(console.status()).startsWith("up at http://127.0.0.1:");

            assertThatThrownBy(() -> console.startAsync().get(1, TimeUnit.MINUTES))
                    .hasCauseInstanceOf(IllegalStateException.class);
            assertThat(console.status()).startsWith("up at http://127.0.0.1:");
        }
    }

    @Test
    void missingWarIsADownStatusNamingThePath() throws Exception {
        DaemonSettings settings = TestHome.create(home, 0);
        Path nowhere = home.resolve("no-such.war");
        try (HawtioConsole console = new HawtioConsole(settings, nowhere, null)) {
            assertThatThrownBy(() -> console.startAsync().get(1, TimeUnit.MINUTES))
                    .hasCauseInstanceOf(IllegalStateException.class);
            assertThat(console.status()).isEqualTo("down: hawtio war not found at " + nowhere);
        }
    }

    @Test
    void locateWarPrefersTheInstallDirectoryThenThePropertyThenMaven() throws Exception {
        Path install = home.resolve("install");
        Path packaged = install.resolve("supervisor/target/lib/hawtio.war");
        java.nio.file.Files.createDirectories(packaged.getParent());
        java.nio.file.Files.writeString(packaged, "war");
        Path named = java.nio.file.Files.writeString(home.resolve("named.war"), "war");
        String before = System.getProperty(HawtioConsole.WAR_PROPERTY);
        try {
            System.setProperty(HawtioConsole.WAR_PROPERTY, named.toString());
            assertThat(HawtioConsole.locateWar(install)).isEqualTo(packaged);
            assertThat(HawtioConsole.locateWar(home.resolve("elsewhere"))).isEqualTo(named);
            System.clearProperty(HawtioConsole.WAR_PROPERTY);
            assertThat(HawtioConsole.locateWar(home.resolve("elsewhere")).getFileName())
                    .hasToString("hawtio-war-4.2.0.war");
        } finally {
            if (before != null) {
                System.setProperty(HawtioConsole.WAR_PROPERTY, before);
            }
        }
    }

    private static boolean accessControlRegistered() throws Exception {
        return ManagementFactory.getPlatformMBeanServer()
                .isRegistered(new ObjectName(ConsoleAccessControl.OBJECT_NAME));
    }

    private static Configuration currentJaas() {
        try {
            return Configuration.getConfiguration();
        } catch (SecurityException e) {
            return null;
        }
    }
}
