package dev.supervisor.management.console;

import dev.supervisor.config.DaemonSettings;
import dev.supervisor.management.ManagementPortInUseException;
import dev.supervisor.management.http.AuthThrottle;
import dev.supervisor.management.http.HttpLimits;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ClassMatcher;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The hawtio web console at {@code http://<bindHost>:<consolePort>/hawtio/}, served by an embedded Jetty inside
 * the daemon and reading the daemon's platform MBeanServer through the war's own Jolokia servlet.
 *
 * <p>Login goes through the JAAS realm {@value #REALM}, backed by the daemon's credentials file: the admin may
 * do anything, the viewer only read ({@link ConsoleAccessControl}). hawtio's Jolokia obeys the same access
 * policy file as the daemon's agent. Starting deploys a 9 MB war, so {@link #startAsync()} does it off the
 * caller's thread and {@link #status()} tells how it went.
 */
public final class HawtioConsole implements AutoCloseable {
    public static final String CONTEXT_PATH = "/hawtio";
    public static final String REALM = "supervisor";
    /** System property naming the hawtio war, checked after the install directory. */
    public static final String WAR_PROPERTY = "supervisor.hawtio.war";

    private static final Logger LOG = LogManager.getLogger(HawtioConsole.class);
    private static final String HAWTIO_VERSION = "4.2.0";

    /**
     * Merged into the war's web.xml: hawtio's Jolokia servlet asks the ACL MBean before each request, which is
     * what keeps the viewer read-only. The session cookie is SameSite=Strict: a page on another site cannot send a
     * request with the operator's session. Set here and not as a {@code jolokia.restrictorClass} system property,
     * which the daemon's own Jolokia agent would try to load too.
     */
    private static final String OVERRIDE_WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="5.0">
              <servlet>
                <servlet-name>jolokia-agent</servlet-name>
                <init-param>
                  <param-name>restrictorClass</param-name>
                  <param-value>io.hawt.system.RBACRestrictor</param-value>
                </init-param>
              </servlet>
              <session-config>
                <cookie-config>
                  <http-only>true</http-only>
                  <attribute>
                    <attribute-name>SameSite</attribute-name>
                    <attribute-value>Strict</attribute-value>
                  </attribute>
                </cookie-config>
              </session-config>
            </web-app>
            """;

    private final DaemonSettings settings;
    private final Path war;
    private final Path jolokiaPolicy;
    private final MBeanServer mbeanServer = ManagementFactory.getPlatformMBeanServer();
    private final HttpLimits limits = HttpLimits.fromSystemProperties();
    private final AuthThrottle throttle = new AuthThrottle();

    private final AtomicBoolean claimed = new AtomicBoolean();
    private boolean closed;
    private volatile String status = "down: not started";
    private volatile int boundPort;
    private final List<AutoCloseable> undo = new ArrayList<>();
    private Server server;

    /**
     * @param settings      bind host, console port and the home directory (temp files, credentials file)
     * @param war           the hawtio war, see {@link #locateWar(Path)}
     * @param jolokiaPolicy the daemon's jolokia-access.xml, applied to hawtio's Jolokia too; null for none
     */
    public HawtioConsole(DaemonSettings settings, Path war, Path jolokiaPolicy) {
        this.settings = settings;
        this.war = war;
        this.jolokiaPolicy = jolokiaPolicy;
    }

    /**
     * Finds the hawtio war: {@code <installDir>/supervisor/target/lib/hawtio.war} (the packaged layout), then
     * the {@value #WAR_PROPERTY} system property, then the local Maven repository.
     *
     * @throws IllegalStateException naming every place looked at, when none has it
     */
    public static Path locateWar(Path installDir) {
        List<Path> candidates = new ArrayList<>();
        if (installDir != null) {
            candidates.add(installDir.resolve("supervisor/target/lib/hawtio.war"));
        }
        String property = System.getProperty(WAR_PROPERTY);
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "hawt", "hawtio-war",
                HAWTIO_VERSION, "hawtio-war-" + HAWTIO_VERSION + ".war"));
        return candidates.stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new IllegalStateException("hawtio war not found; looked at " + candidates));
    }

    /**
     * Starts the console on a thread of its own. The future fails (with {@link ManagementPortInUseException}
     * when the port is taken) instead of anything being thrown here; {@link #status()} says the same.
     * A console starts once: after a failure or {@link #close()}, make a new one.
     */
    public CompletableFuture<Void> startAsync() {
        if (!claimed.compareAndSet(false, true)) {
            return CompletableFuture.failedFuture(new IllegalStateException("console already started once"));
        }
        status = "starting";
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                startClaimed();
                started.complete(null);
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "hawtio-console-start");
        starter.setDaemon(true);
        starter.start();
        return started;
    }

    /** Starts the console and returns once it serves, or throws with the reason (also kept in {@link #status()}). */
    public void start() {
        if (!claimed.compareAndSet(false, true)) {
            throw new IllegalStateException("console already started once");
        }
        startClaimed();
    }

    private synchronized void startClaimed() {
        if (closed) {
            status = "down: stopped";
            throw new IllegalStateException("console closed before it started");
        }
        status = "starting";
        try {
            doStart();
            status = "up at " + url();
            LOG.info("hawtio console {}", status);
        } catch (RuntimeException e) {
            status = "down: " + e.getMessage();
            LOG.error("hawtio console did not start: {}", e.getMessage());
            stopQuietly();
            throw e;
        }
    }

    private void doStart() {
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("hawtio war not found at " + war);
        }
        server = new Server(threadPool());
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(settings.bindHost());
        connector.setPort(settings.consolePort());
        server.addConnector(connector);
        // Bind before deploying anything, so a taken port fails fast and touches nothing else.
        try {
            connector.open();
        } catch (IOException e) {
            if (hasCause(e, BindException.class)) {
                throw new ManagementPortInUseException("console", settings.bindHost(), settings.consolePort(), e);
            }
            throw new UncheckedIOException("console cannot listen on " + settings.bindHost() + ":"
                    + settings.consolePort() + ": " + e.getMessage(), e);
        }
        boundPort = connector.getLocalPort();

        undo.add(ConsoleSystemProperties.apply(ConsoleSystemProperties.forConsole(REALM, jolokiaPolicy)));
        undo.add(CredentialsRealm.install(REALM, settings.credentialsFile(), settings.installDir().resolve("conf/login.conf")));
        registerAccessControl();
        WebAppContext console = webApp(prepareTempDir());
        installSupervisorPlugin(console);
        server.setHandler(console);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("console failed to start: " + e.getMessage(), e);
        }
        WebAppContext webApp = (WebAppContext) server.getHandler();
        if (!webApp.isAvailable()) {
            Throwable why = webApp.getUnavailableException();
            throw new IllegalStateException("hawtio webapp unavailable: " + (why == null ? "unknown" : why), why);
        }
    }

    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("console");
        pool.setDaemon(true);
        return pool;
    }

    private WebAppContext webApp(Path tempDir) {
        WebAppContext webApp = new WebAppContext();
        webApp.setContextPath(CONTEXT_PATH);
        webApp.setWar(war.toAbsolutePath().toString());
        // Jetty empties its temp directory when it starts: keep our own file next to it, not in it.
        webApp.setTempDirectory(tempDir.resolve("jetty").toFile());
        webApp.setParentLoaderPriority(true);
        webApp.setThrowUnavailableOnStartupException(true);
        // The war brings its own Jolokia 2.1: it must not see the daemon's Jolokia 2.6 (see HostJolokiaJars).
        ClassMatcher hidden = new ClassMatcher("org.jolokia.");
        HostJolokiaJars.locations(getClass().getClassLoader()).forEach(hidden::add);
        webApp.addHiddenClassMatcher(hidden);
        webApp.addOverrideDescriptor(writeOverrideDescriptor(tempDir).toUri().toString());
        // Our guard runs before any of hawtio's filters and servlets: limits, cross-site check, login throttle.
        FilterHolder guard = new FilterHolder(new ConsoleRequestGuard(limits, throttle));
        guard.setName("supervisor-request-guard");
        FilterMapping mapping = new FilterMapping();
        mapping.setFilterName(guard.getName());
        mapping.setPathSpec("/*");
        mapping.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
        webApp.getServletHandler().prependFilter(guard);
        webApp.getServletHandler().prependFilterMapping(mapping);
        return webApp;
    }

    /** A fresh {@code <home>/console-tmp}: the war is unpacked under it on every start. */
    private Path prepareTempDir() {
        Path dir = settings.home().resolve("console-tmp");
        try {
            deleteTree(dir);
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare console temp dir " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static Path writeOverrideDescriptor(Path tempDir) {
        Path file = tempDir.resolve("override-web.xml");
        try {
            Files.writeString(file, OVERRIDE_WEB_XML, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** The "Supervisor" view (module console-plugin); the console works without it, as a plain JMX console. */
    private void installSupervisorPlugin(WebAppContext console) {
        if (SupervisorPlugin.available(getClass().getClassLoader())) {
            undo.add(SupervisorPlugin.install(console, mbeanServer));
        } else {
            LOG.warn("the Supervisor view's assets are not on the classpath (build the console-plugin module)");
        }
    }

    private void registerAccessControl() {
        try {
            ObjectName name = new ObjectName(ConsoleAccessControl.OBJECT_NAME);
            mbeanServer.registerMBean(new ConsoleAccessControl(mbeanServer), name);
            undo.add(() -> mbeanServer.unregisterMBean(name));
        } catch (InstanceAlreadyExistsException e) {
            // Another console in this JVM registered it; it holds no state, so sharing it is fine.
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + ConsoleAccessControl.OBJECT_NAME, e);
        }
    }

    /** e.g. "up at http://127.0.0.1:8080/hawtio/", "starting", "down: console port 8080 on ... in use". */
    public String status() {
        return status;
    }

    public boolean isUp() {
        return status.startsWith("up");
    }

    /** The port listened on once started (useful with port 0), else the configured one. */
    public int port() {
        return boundPort > 0 ? boundPort : settings.consolePort();
    }

    public String url() {
        String host = settings.bindHost();
        if ("0.0.0.0".equals(host) || "::".equals(host)) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port() + CONTEXT_PATH + "/";
    }

    /** Stops the console and puts back what starting changed; waits for a start in progress to finish first. */
    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            stopQuietly();
            status = "down: stopped";
        }
    }

    private void stopQuietly() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("console did not stop cleanly: {}", e.toString());
            }
            // A connector opened early but never started is not closed by stop(): release the port here.
            for (var connector : server.getConnectors()) {
                if (connector instanceof ServerConnector open) {
                    open.close();
                }
            }
            server = null;
        }
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).close();
            } catch (Exception e) {
                LOG.warn("console cleanup: {}", e.toString());
            }
        }
        undo.clear();
        boundPort = 0;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
