package dev.supervisor.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the daemon runs: where its state lives and which ports it opens. Loaded by {@link DaemonSettingsLoader}
 * from {@code daemon.yml}, then overridden by environment variables.
 *
 * @param home          the state directory ($SUPERVISOR_HOME): logs, dump, credentials
 * @param bindHost      address for Jolokia and the console (127.0.0.1 unless configured)
 * @param jolokiaPort   Jolokia agent port
 * @param consolePort   hawtio console port; {@code consoleEnabled} false turns it off
 * @param jmxPort       remote JMX connector port, 0 = no remote connector (local attach still works)
 * @param jmxHost       address the JMX connector binds
 * @param jmxTls        use TLS (the JVM's default SSL context) for the JMX connector
 * @param logs          default log rotation for apps
 * @param installDir    where bin/, conf/ and the jars are
 * @param frontBind     address the apps' fronts bind their public ports on (127.0.0.1 unless configured)
 * @param sampleInterval how often CPU and memory of every instance are sampled ({@code sample_interval}, 2s)
 * @param metricsPort   the Prometheus/OpenMetrics endpoint's port ({@code metrics_port}, 8779); 0 picks a free one
 * @param metricsEnabled serve the metrics endpoint at all ({@code metrics_enabled})
 * @param logPermissions modes of the log directory and files (0700/0600 unless configured)
 */
public record DaemonSettings(Path home, String bindHost, int jolokiaPort, int consolePort, boolean consoleEnabled,
                             int jmxPort, String jmxHost, boolean jmxTls, LogPolicy logs, Path installDir,
                             String frontBind, Duration sampleInterval, int metricsPort, boolean metricsEnabled,
                             LogPermissions logPermissions) {
    public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(2);

    public DaemonSettings(Path home, String bindHost, int jolokiaPort, int consolePort, boolean consoleEnabled,
                          int jmxPort, String jmxHost, boolean jmxTls, LogPolicy logs, Path installDir,
                          String frontBind) {
        // Used by tests and embedders: the metrics endpoint takes any free port rather than a fixed one; owner-only logs.
        this(home, bindHost, jolokiaPort, consolePort, consoleEnabled, jmxPort, jmxHost, jmxTls, logs, installDir, frontBind,
                DEFAULT_SAMPLE_INTERVAL, 0, true, LogPermissions.DEFAULT);
    }

    public DaemonSettings(Path home, String bindHost, int jolokiaPort, int consolePort, boolean consoleEnabled,
                          int jmxPort, String jmxHost, boolean jmxTls, LogPolicy logs, Path installDir,
                          String frontBind, Duration sampleInterval, int metricsPort, boolean metricsEnabled) {
        this(home, bindHost, jolokiaPort, consolePort, consoleEnabled, jmxPort, jmxHost, jmxTls, logs, installDir, frontBind,
                sampleInterval, metricsPort, metricsEnabled, LogPermissions.DEFAULT);
    }

    /** Fronts bind where the management ports do. */
    public DaemonSettings(Path home, String bindHost, int jolokiaPort, int consolePort, boolean consoleEnabled,
                          int jmxPort, String jmxHost, boolean jmxTls, LogPolicy logs, Path installDir) {
        this(home, bindHost, jolokiaPort, consolePort, consoleEnabled, jmxPort, jmxHost, jmxTls, logs, installDir, bindHost);
    }

    public Path logDir() {
        return home.resolve("logs");
    }

    public Path credentialsFile() {
        return home.resolve("credentials");
    }

    public Path dumpFile() {
        return home.resolve("dump.json");
    }

    public Path pidFile() {
        return home.resolve("supervisor.pid");
    }

    public String jolokiaUrl() {
        return "http://" + hostForUrl(bindHost) + ":" + jolokiaPort + "/jolokia";
    }

    public String consoleUrl() {
        return "http://" + hostForUrl(bindHost) + ":" + consolePort + "/hawtio/";
    }

    /** The Prometheus scrape URL for the configured port (the daemon knows the bound one). */
    public String metricsUrl() {
        return "http://" + hostForUrl(bindHost) + ":" + metricsPort + "/metrics";
    }

    private static String hostForUrl(String host) {
        return "0.0.0.0".equals(host) ? "127.0.0.1" : host;
    }

    public DaemonSettings withPorts(int jolokia, int console, int jmx) {
        return new DaemonSettings(home, bindHost, jolokia, console, consoleEnabled, jmx, jmxHost, jmxTls, logs, installDir, frontBind,
                sampleInterval, metricsPort, metricsEnabled);
    }
}
