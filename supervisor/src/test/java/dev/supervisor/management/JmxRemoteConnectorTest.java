package dev.supervisor.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.supervisor.config.DaemonSettings;
import dev.supervisor.mbeans.AppMXBean;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ReloadResult;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmxRemoteConnectorTest {
    @TempDir
    static Path home;

    static DaemonSettings settings;
    static JmxRemoteConnector connector;
    static DemoApp app;

    @BeforeAll
    static void start() throws Exception {
        settings = TestHome.create(home, TestHome.freePort());
        app = DemoApp.register("demo");
        connector = new JmxRemoteConnector(settings);
        connector.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (connector != null) {
            connector.close();
        }
        if (app != null) {
            app.close();
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
    void adminInvokesReloadThroughTypedProxy() throws Exception {
        try (JMXConnector jmx = connect(TestHome.ADMIN, TestHome.ADMIN_PASSWORD)) {
            AppMXBean remote = JMX.newMXBeanProxy(jmx.getMBeanServerConnection(), ObjectNames.app("demo"),
                    AppMXBean.class);
            List<Long> before = app.getPids();

            ReloadResult result = remote.reload();

            assertThat(result.getOutcome()).isEqualTo("done");
            assertThat(result.getReplaced()).isEqualTo(2);
            assertThat(app.getPids()).doesNotContainAnyElementsOf(before);
            assertThat(remote.getPids()).isEqualTo(app.getPids());
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        assertThatThrownBy(() -> connect(TestHome.ADMIN, "not-the-password"))
                .isInstanceOf(SecurityException.class)
                .hasMessageContaining("Authentication failed");
    }

    @Test
    void missingCredentialsAreRefused() {
        assertThatThrownBy(() -> JMXConnectorFactory.connect(new JMXServiceURL(connector.serviceUrl())))
                .isInstanceOf(SecurityException.class)
                .hasMessageContaining("Authentication failed");
    }

    @Test
    void viewerReadsButCannotInvokeOrWrite() throws Exception {
        try (JMXConnector jmx = connect(TestHome.VIEWER, TestHome.VIEWER_PASSWORD)) {
            MBeanServerConnection connection = jmx.getMBeanServerConnection();
            AppMXBean remote = JMX.newMXBeanProxy(connection, ObjectNames.app("demo"), AppMXBean.class);
            List<Long> before = app.getPids();

            assertThat(remote.getPids()).isEqualTo(before);
            assertThat(connection.getAttribute(new ObjectName("java.lang:type=Memory"), "HeapMemoryUsage"))
                    .isNotNull();
            assertThatThrownBy(remote::reload)
                    .isInstanceOf(SecurityException.class)
                    .hasMessageContaining("read-only");
            assertThatThrownBy(() -> connection.setAttribute(new ObjectName("java.lang:type=Memory"),
                    new javax.management.Attribute("Verbose", true)))
                    .isInstanceOf(SecurityException.class);
            assertThatThrownBy(() -> connection.unregisterMBean(ObjectNames.app("demo")))
                    .isInstanceOf(SecurityException.class);
            assertThat(app.getPids()).isEqualTo(before);
        }
    }

    @Test
    void credentialFileEditsApplyToNewConnections() throws Exception {
        Path file = settings.credentialsFile();
        String original = java.nio.file.Files.readString(file);
        try {
            java.nio.file.Files.writeString(file, original.replace(TestHome.VIEWER_PASSWORD, "changed"));
            assertThatThrownBy(() -> connect(TestHome.VIEWER, TestHome.VIEWER_PASSWORD))
                    .isInstanceOf(SecurityException.class);
            try (JMXConnector jmx = connect(TestHome.VIEWER, "changed")) {
                assertThat(jmx.getConnectionId()).isNotBlank();
            }
        } finally {
            java.nio.file.Files.writeString(file, original);
        }
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
            assertThat(jmx.getMBeanServerConnection().isRegistered(ObjectNames.app("demo"))).isTrue();
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
