package dev.supervisor.management;

import dev.supervisor.config.DaemonSettings;
import dev.supervisor.config.LogPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** A daemon home for tests: settings on 127.0.0.1 and a credentials file with an admin and a viewer. */
public final class TestHome {
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-secret";
    public static final String VIEWER = "viewer";
    public static final String VIEWER_PASSWORD = "viewer-secret";

    private TestHome() {
    }

    /** Console on an ephemeral port; remote JMX on {@code jmxPort} (0 = none). */
    public static DaemonSettings create(Path home, int jmxPort) throws IOException {
        Files.writeString(home.resolve("credentials"), "username=" + ADMIN + "\npassword=" + ADMIN_PASSWORD
                + "\nviewer.username=" + VIEWER + "\nviewer.password=" + VIEWER_PASSWORD + "\n");
        // The real policy template: the JMX connector and Jolokia apply it (AccessPolicy copies it into home).
        Path conf = Files.createDirectories(home.resolve("install/conf"));
        Files.copy(dev.supervisor.testing.Fixtures.projectRoot().resolve("conf/jolokia-access.xml"),
                conf.resolve("jolokia-access.xml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new DaemonSettings(home, "127.0.0.1", 0, 0, true, jmxPort, "127.0.0.1", false, LogPolicy.DEFAULT,
                home.resolve("install"));
    }

    /** A port free right now on 127.0.0.1, for listeners that cannot take port 0. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
