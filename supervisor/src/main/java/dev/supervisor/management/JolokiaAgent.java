package dev.supervisor.management;

import dev.supervisor.config.DaemonSettings;
import dev.supervisor.management.http.AuthThrottle;
import dev.supervisor.management.http.HttpLimits;
import org.jolokia.jvmagent.JolokiaServer;
import org.jolokia.jvmagent.JolokiaServerConfig;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The Jolokia JVM agent inside the daemon: HTTP/JSON for scripts and for our CLI. It runs on our own
 * {@link AgentHttpServer}: basic auth for the admin and the viewer from the credentials file (throttled, failures
 * logged), request limits and the cross-site check ({@link AgentGuardFilter}), a bounded pool so a long reload
 * never blocks other requests and a burst never exhausts the daemon. Access follows the policy file and the
 * user's role ({@link RoleRestrictor}).
 */
public final class JolokiaAgent implements AutoCloseable {
    private final JolokiaServer server;
    private final AgentHttpServer http;

    /**
     * Binds at once. Users are read from {@code settings.credentialsFile()} whenever it changes; {@code credentials}
     * is what the daemon loaded at start (kept for the caller's signature).
     * @throws IllegalStateException naming the port when it is taken
     */
    public JolokiaAgent(DaemonSettings settings, Credentials credentials, Path policy) {
        this(settings, policy, HttpLimits.fromSystemProperties(), new AuthThrottle());
    }

    public JolokiaAgent(DaemonSettings settings, Path policy, HttpLimits limits, AuthThrottle throttle) {
        Map<String, String> config = new HashMap<>();
        config.put("host", settings.bindHost());
        config.put("port", Integer.toString(settings.jolokiaPort()));
        config.put("agentContext", "/jolokia");
        config.put("threadNamePrefix", "jolokia-");
        config.put("policyLocation", policy.toUri().toString());
        config.put("restrictorClass", RoleRestrictor.class.getName());
        config.put("includeStackTrace", "false");
        config.put("serializeException", "false");
        config.put("discoveryEnabled", "false");
        // No app-server detection: this agent serves the daemon, not a Jetty or Tomcat. The Jetty detector found
        // the console's Jetty on the class path and loaded ~45 of its classes (and its MIME table) into a daemon
        // with the console off, only to report "jetty" as the product in Jolokia's version answer.
        config.put("disableDetectors", "true");
        config.put("debug", "false");
        // Bounds the answer too: a read of a huge attribute is cut, not serialized whole into memory.
        config.put("maxObjects", "200000");
        try {
            http = new AgentHttpServer(new InetSocketAddress(settings.bindHost(), settings.jolokiaPort()), limits,
                    new AgentAuthenticator(new CredentialsFile(settings.credentialsFile()), throttle),
                    AccessRules.fromPolicy(policy));
        } catch (BindException e) {
            throw new IllegalStateException("Jolokia port " + settings.jolokiaPort() + " on " + settings.bindHost()
                    + " is already in use (is another supervisor running? set SUPERVISOR_JOLOKIA_PORT or jolokia_port in daemon.yml)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Jolokia on " + settings.bindHost() + ":" + settings.jolokiaPort() + ": " + e.getMessage(), e);
        }
        JolokiaServerConfig serverConfig = new JolokiaServerConfig(config);
        server = new JolokiaServer(http, serverConfig, new Log4jLogHandler());
        server.start(false);
        http.start();
    }

    /** Jolokia's messages in the daemon's log, not on stdout. */
    private static final class Log4jLogHandler implements org.jolokia.core.api.LogHandler {
        private static final org.apache.logging.log4j.Logger LOG =
                org.apache.logging.log4j.LogManager.getLogger("org.jolokia");

        @Override
        public void debug(String message) {
            LOG.debug(message);
        }

        @Override
        public void info(String message) {
            LOG.info(message);
        }

        @Override
        public void error(String message, Throwable t) {
            LOG.error(message, t);
        }

        @Override
        public boolean isDebug() {
            return LOG.isDebugEnabled();
        }
    }

    public String url() {
        return server.getUrl();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop();
        http.stop(0);
    }
}
