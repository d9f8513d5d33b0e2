package dev.supervisor.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.supervisor.config.DaemonSettings;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector on its own: its address, port and lifecycle. Logins, the viewer's limits and reload() over JMX
 * are checked against a real daemon in {@code ConsoleOnRealDaemonTest}.
 */
class JmxRemoteConnectorTest {
    @TempDir
    static Path home;

    static DaemonSettings settings;
    static JmxRemoteConnector connector;

    @BeforeAll
    static void start() throws Exception {
        settings = TestHome.create(home, TestHome.freePort());
        connector = new JmxRemoteConnector(settings);
        connector.start();
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
    }

    private static JMXConnector connect(String user, String password) throws IOException {
        return JMXConnectorFactory.connect(new JMXServiceURL(connector.serviceUrl()),
                Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
    }

    @Test
    void serviceUrlUsesOnePortForRegistryAndServer() {
        int port = settings.jmxPort();
        assertThat(connector.serviceUrl())
                .isEqualTo("service:jmx:rmi://127.0.0.1:" + port + "/jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        InetSocketAddress bound = connector.boundAddress();
        assertThat(bound.getAddress().isLoopbackAddress()).as("bound to %s", bound).isTrue();
        assertThat(bound.getPort()).isEqualTo(settings.jmxPort());

        Optional<InetAddress> external = nonLoopbackAddress();
        if (external.isPresent()) {
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(external.get(), settings.jmxPort()), 2000);
                }
            }).as("connecting to %s", external.get()).isInstanceOf(IOException.class);
        }
    }

    @Test
    void takenPortGivesTypedErrorNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DaemonSettings clash = settings.withPorts(0, 0, taken.getLocalPort());
            JmxRemoteConnector second = new JmxRemoteConnector(clash);

            assertThatThrownBy(second::start)
                    .isInstanceOf(ManagementPortInUseException.class)
                    .hasMessage("JMX port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
            second.close();
        }
        // the running connector is not disturbed
        try (JMXConnector jmx = connect(TestHome.ADMIN, TestHome.ADMIN_PASSWORD)) {
            assertThat(jmx.getMBeanServerConnection().isRegistered(new ObjectName("java.lang:type=Runtime"))).isTrue();
        }
    }

    @Test
    void closeStopsListening() throws Exception {
        DaemonSettings other = settings.withPorts(0, 0, TestHome.freePort());
        JmxRemoteConnector second = new JmxRemoteConnector(other);
        second.start();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), other.jmxPort());
        try (Socket open = new Socket()) {
            open.connect(address, 2000);
        }

        second.close();

        // RMI closes its listening socket from the accept thread: give it a moment, not a sleep.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).untilAsserted(() ->
                assertThatThrownBy(() -> {
                    try (Socket closed = new Socket()) {
                        closed.connect(address, 2000);
                    }
                }).isInstanceOf(java.net.ConnectException.class));
    }

    @Test
    void portZeroMeansNoConnector() {
        assertThat(JmxRemoteConnector.startIfConfigured(settings.withPorts(0, 0, 0))).isEmpty();
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }
}
