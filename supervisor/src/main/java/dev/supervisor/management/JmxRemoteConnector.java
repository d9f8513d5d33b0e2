package dev.supervisor.management;

import dev.supervisor.config.DaemonSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import dev.supervisor.management.http.AuthThrottle;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.management.MBeanServer;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.net.ssl.SSLContext;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Remote JMX (JConsole, VisualVM, JMC) on the daemon's platform MBeanServer:
 * {@code service:jmx:rmi://<host>:<port>/jndi/rmi://<host>:<port>/jmxrmi}.
 *
 * <ul>
 *   <li>One port for the RMI registry and the RMI server objects, listening on {@code jmxHost} only
 *       (127.0.0.1 by default): one firewall rule, nothing on other interfaces.</li>
 *   <li>User and password from the credentials file (failures throttled and logged with the client's address);
 *       every call checked by {@link JmxAccessForwarder}: the Jolokia policy for everyone, read-only without
 *       secrets for the viewer.</li>
 *   <li>With {@code jmxTls}, registry and connections use TLS with the JVM's default SSL context (configure it
 *       with the usual {@code javax.net.ssl.keyStore*} properties). Clients then need
 *       {@code com.sun.jndi.rmi.factory.socket=javax.rmi.ssl.SslRMIClientSocketFactory} in their environment
 *       (JConsole: {@code -J-Djavax.net.ssl.trustStore=...}; the registry lookup goes over TLS too).</li>
 * </ul>
 *
 * <p>RMI stubs carry a host name for clients to call back; it comes from the JVM-wide
 * {@code java.rmi.server.hostname}, which {@link #start()} sets to {@code jmxHost} unless it is already set
 * (an explicit value, e.g. a NAT address, wins).
 */
public final class JmxRemoteConnector implements AutoCloseable {
    public static final String RMI_HOSTNAME_PROPERTY = "java.rmi.server.hostname";
    private static final Logger LOG = LogManager.getLogger(JmxRemoteConnector.class);

    private final DaemonSettings settings;
    private final MBeanServer mbeanServer;
    private final AccessRules rules;
    private final AuthThrottle throttle = new AuthThrottle();
    private Registry registry;
    private JMXConnectorServer connectorServer;
    private BoundServerSocketFactory serverSockets;
    private boolean setRmiHostname;

    /**
     * @param policy the Jolokia access policy file: remote JMX enforces the same rules ({@link AccessRules})
     * @throws IllegalArgumentException when {@code settings.jmxPort()} is 0 (no remote JMX wanted)
     */
    public JmxRemoteConnector(DaemonSettings settings, Path policy) {
        if (settings.jmxPort() <= 0) {
            throw new IllegalArgumentException("jmx port " + settings.jmxPort() + ": remote JMX is off");
        }
        this.settings = settings;
        this.mbeanServer = ManagementFactory.getPlatformMBeanServer();
        this.rules = AccessRules.fromPolicy(policy);
    }

    /** With the policy {@link AccessPolicy} writes for these settings. */
    public JmxRemoteConnector(DaemonSettings settings) {
        this(settings, AccessPolicy.write(settings));
    }

    /** Starts a connector when the settings ask for one ({@code jmxPort > 0}). */
    public static Optional<JmxRemoteConnector> startIfConfigured(DaemonSettings settings) {
        return settings.jmxPort() <= 0 ? Optional.empty() : startIfConfigured(settings, AccessPolicy.write(settings));
    }

    /** Starts a connector when the settings ask for one ({@code jmxPort > 0}). */
    public static Optional<JmxRemoteConnector> startIfConfigured(DaemonSettings settings, Path policy) {
        if (settings.jmxPort() <= 0) {
            return Optional.empty();
        }
        JmxRemoteConnector connector = new JmxRemoteConnector(settings, policy);
        connector.start();
        return Optional.of(connector);
    }

    /**
     * @throws ManagementPortInUseException when the port is taken
     * @throws UncheckedIOException         on any other failure to listen
     */
    public synchronized void start() {
        if (connectorServer != null) {
            throw new IllegalStateException("JMX connector already started");
        }
        int port = settings.jmxPort();
        String host = settings.jmxHost();
        try {
            serverSockets = new BoundServerSocketFactory(bindAddress(host), settings.jmxTls()
                    ? SSLContext.getDefault().getSocketFactory() : null);
            RMIClientSocketFactory clientSockets = settings.jmxTls() ? new SslRMIClientSocketFactory() : null;
            advertiseHost(host);
            registry = LocateRegistry.createRegistry(port, clientSockets, serverSockets);

            Map<String, Object> env = new HashMap<>();
            env.put(JMXConnectorServer.AUTHENTICATOR, new CredentialsJmxAuthenticator(settings.credentialsFile(), throttle));
            // Credentials arrive deserialized: accept nothing but the String[] {user, password}.
            env.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, "java.lang.String;!*");
            RMIJRMPServerImpl server = new RMIJRMPServerImpl(port, clientSockets, serverSockets, env);
            JMXConnectorServer connector = new RMIConnectorServer(
                    new JMXServiceURL("rmi", urlHost(host), port), env, server, mbeanServer);
            connector.setMBeanServerForwarder(JmxAccessForwarder.create(rules));
            connector.start();
            connectorServer = connector;
            // The registry object is local: binding needs no network round trip (nor TLS).
            registry.rebind("jmxrmi", server.toStub());
            LOG.info("remote JMX at {}", serviceUrl());
        } catch (IOException e) {
            stopQuietly();
            if (hasCause(e, BindException.class)) {
                throw new ManagementPortInUseException("JMX", host, port, e);
            }
            throw new UncheckedIOException("JMX connector cannot listen on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            stopQuietly();
            throw new IllegalStateException("JMX over TLS: no default SSL context: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            stopQuietly();
            throw e;
        }
    }

    /** e.g. {@code service:jmx:rmi://127.0.0.1:9010/jndi/rmi://127.0.0.1:9010/jmxrmi}. */
    public String serviceUrl() {
        String hostPort = urlHost(settings.jmxHost()) + ":" + settings.jmxPort();
        return "service:jmx:rmi://" + hostPort + "/jndi/rmi://" + hostPort + "/jmxrmi";
    }

    /** The address the connector listens on; null before {@link #start()}. */
    public InetSocketAddress boundAddress() {
        return serverSockets == null ? null : serverSockets.boundAddress();
    }

    @Override
    public synchronized void close() {
        stopQuietly();
    }

    private void stopQuietly() {
        if (connectorServer != null) {
            try {
                connectorServer.stop();
            } catch (IOException e) {
                LOG.warn("JMX connector did not stop cleanly: {}", e.toString());
            }
            connectorServer = null;
        }
        if (registry != null) {
            try {
                // Unexporting the last object on the port closes the listening socket.
                UnicastRemoteObject.unexportObject(registry, true);
            } catch (NoSuchObjectException e) {
                // already gone
            }
            registry = null;
        }
        if (setRmiHostname) {
            System.clearProperty(RMI_HOSTNAME_PROPERTY);
            setRmiHostname = false;
        }
    }

    private void advertiseHost(String host) {
        String current = System.getProperty(RMI_HOSTNAME_PROPERTY);
        if (current == null && !isWildcard(host)) {
            System.setProperty(RMI_HOSTNAME_PROPERTY, host);
            setRmiHostname = true;
        } else if (current != null && !current.equals(host)) {
            LOG.info("{}={} set explicitly: JMX stubs advertise it rather than {}", RMI_HOSTNAME_PROPERTY,
                    current, host);
        }
    }

    private static InetAddress bindAddress(String host) throws IOException {
        return isWildcard(host) ? null : InetAddress.getByName(host);
    }

    private static boolean isWildcard(String host) {
        return host == null || host.isBlank() || "0.0.0.0".equals(host) || "::".equals(host);
    }

    private static String urlHost(String host) {
        if (isWildcard(host)) {
            return "127.0.0.1";
        }
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
