package dev.supervisor.testing;

import dev.supervisor.config.DaemonSettings;
import dev.supervisor.config.LogPolicy;
import dev.supervisor.daemon.Daemon;
import dev.supervisor.god.God;
import dev.supervisor.mbeans.AppMXBean;
import dev.supervisor.mbeans.GodMXBean;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.mbeans.ProcessInfo;

import javax.management.JMX;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A real daemon in the test JVM: temp home, free ports, no console and no remote JMX unless
 * {@link #start(Options)} asks for them. One daemon at a time per JVM: the MBean names are fixed.
 */
public final class TestDaemon implements AutoCloseable {
    /** The hawtio war is unpacked at every console start; give a loaded 2-core machine its time. */
    private static final Duration CONSOLE_START = Duration.ofMinutes(2);

    /**
     * What to start besides the God and Jolokia. {@code Options.defaults().withConsole().withJmx()}; a port of 0
     * means a free one is picked.
     */
    public record Options(Path home, boolean console, int consolePort, int jmxPort) {
        public static Options defaults() {
            return new Options(null, false, 0, 0);
        }

        /** The hawtio console on a free port; await it with {@link TestDaemon#awaitConsoleUp()}. */
        public Options withConsole() {
            return new Options(home, true, consolePort, jmxPort);
        }

        /** The console on this port (e.g. one already taken, to see it go down). */
        public Options withConsoleOnPort(int port) {
            return new Options(home, true, port, jmxPort);
        }

        /** The remote JMX connector on a free port. */
        public Options withJmx() {
            return withJmxOnPort(Fixtures.freePort());
        }

        public Options withJmxOnPort(int port) {
            return new Options(home, console, consolePort, port);
        }

        public Options withHome(Path dir) {
            return new Options(dir, console, consolePort, jmxPort);
        }
    }

    private final Daemon daemon;
    private final Path home;

    private TestDaemon(Path home, Daemon daemon) {
        this.home = home;
        this.daemon = daemon;
    }

    public static TestDaemon start() {
        try {
            Path home = Files.createTempDirectory("supervisor-test-");
            return start(home);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestDaemon start(Path home) {
        return start(Options.defaults().withHome(home));
    }

    public static TestDaemon start(Options options) {
        Path home = options.home();
        try {
            if (home == null) {
                home = Files.createTempDirectory("supervisor-test-");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int consolePort = options.consolePort() > 0 ? options.consolePort() : Fixtures.freePort();
        DaemonSettings settings = new DaemonSettings(home, "127.0.0.1", Fixtures.freePort(), consolePort, options.console(),
                options.jmxPort(), "127.0.0.1", false, LogPolicy.DEFAULT, Fixtures.projectRoot());
        return new TestDaemon(home, Daemon.start(settings));
    }

    /**
     * Waits until the console (started in the background by the daemon) has come up and returns its URL, e.g.
     * {@code http://127.0.0.1:PORT/hawtio/}; fails with the status if it went down instead.
     */
    public String awaitConsoleUp() {
        String status = awaitConsoleSettled();
        if (!status.startsWith("up at ")) {
            throw new AssertionError("console did not come up: " + status);
        }
        return status.substring("up at ".length());
    }

    /** The console's status once it is no longer starting: "up at ...", "down: ..." or "disabled ...". */
    public String awaitConsoleSettled() {
        await("console of the daemon in " + home + " to settle").atMost(CONSOLE_START).pollInterval(Duration.ofMillis(100))
                .until(() -> !isStarting(daemon.consoleStatus()));
        return daemon.consoleStatus();
    }

    private static boolean isStarting(String status) {
        return status.equals("starting") || status.equals("down: not started");
    }

    public Daemon daemon() {
        return daemon;
    }

    public God god() {
        return daemon.god();
    }

    public Path home() {
        return home;
    }

    public GodMXBean godBean() {
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ObjectNames.god(), GodMXBean.class);
    }

    public AppMXBean appBean(String name) {
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), ObjectNames.app(name), AppMXBean.class);
    }

    public List<ProcessInfo> list() {
        return god().list();
    }

    public ProcessInfo process(String app, int index) {
        return list().stream().filter(p -> p.getName().equals(app) && p.getInstanceIndex() == index
                && !p.getStatus().equals("draining")).findFirst()
                .orElseThrow(() -> new AssertionError("no instance " + index + " of " + app + " in " + list()));
    }

    public String jolokiaUrl() {
        return daemon.jolokiaUrl();
    }

    public String user() {
        return daemon.credentials().username();
    }

    /** What one CLI command printed and returned. */
    public record CliResult(int code, String out, String err) {
    }

    /** Runs one CLI command in-process against this daemon, through Jolokia like bin/supervisor. */
    public CliResult cli(String... args) {
        return cli(java.util.Map.of(), args);
    }

    /** {@link #cli(String...)} with more variables in the CLI's environment (e.g. one an app should see, or LANG). */
    public CliResult cli(java.util.Map<String, String> extraEnv, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("SUPERVISOR_HOME", home.toString(),
                "SUPERVISOR_JOLOKIA_PORT", Integer.toString(daemon.jolokiaPort()), "PATH", System.getenv("PATH"),
                "LANG", "C.UTF-8"));
        env.putAll(extraEnv);
        int code = dev.supervisor.cli.SupervisorCli.run(args, env, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        return new CliResult(code, out.toString(), err.toString());
    }

    public String password() {
        return daemon.credentials().password();
    }

    @Override
    public void close() {
        daemon.close();
    }
}
