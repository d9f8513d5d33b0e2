package dev.supervisor.management;

import dev.supervisor.config.DaemonSettings;
import org.jolokia.jvmagent.JolokiaServer;
import org.jolokia.jvmagent.JolokiaServerConfig;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The Jolokia JVM agent inside the daemon: HTTP/JSON for scripts and for our CLI, with basic auth from the
 * credentials file, our access policy, and a thread pool so a long reload never blocks other requests.
 */
public final class JolokiaAgent implements AutoCloseable {
    private final JolokiaServer server;

    /**
     * Binds at once.
     * @throws IllegalStateException naming the port when it is taken
     */
    public JolokiaAgent(DaemonSettings settings, Credentials credentials, Path policy) {
        Map<String, String> config = new HashMap<>();
        config.put("host", settings.bindHost());
        config.put("port", Integer.toString(settings.jolokiaPort()));
        config.put("agentContext", "/jolokia");
        config.put("user", credentials.username());
        config.put("password", credentials.password());
        config.put("executor", "cached");
        config.put("threadNamePrefix", "jolokia-");
        config.put("policyLocation", policy.toUri().toString());
        config.put("includeStackTrace", "false");
        config.put("serializeException", "false");
        config.put("discoveryEnabled", "false");
        config.put("debug", "false");
        try {
            server = new JolokiaServer(new JolokiaServerConfig(config));
        } catch (BindException e) {
            throw new IllegalStateException("Jolokia port " + settings.jolokiaPort() + " on " + settings.bindHost()
                    + " is already in use (is another supervisor running? set SUPERVISOR_JOLOKIA_PORT or jolokia_port in daemon.yml)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Jolokia on " + settings.bindHost() + ":" + settings.jolokiaPort() + ": " + e.getMessage(), e);
        }
        server.start(false);
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
    }
}
