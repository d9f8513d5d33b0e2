package dev.supervisor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One app as declared in an apps file, validated and with defaults applied (pm2's names and defaults).
 * Immutable: a reload with a new file builds a new one.
 *
 * @param command      the full command line: interpreter (+ its args) + script + args
 * @param env          the environment to add to the daemon's, the chosen {@code env_<name>} merged in
 * @param port         the public port (0 = none); with a front, instances get private ports in PORT
 * @param killSignal   e.g. "SIGINT"
 * @param readyUrl     may contain ${PORT}
 * @param spec         the app's normalized declaration as JSON (absolute paths, env chosen), for the dump file
 * @param autostart    false: the app is added to the list stopped (pm2's autostart)
 * @param logFile      pm2's log_file: stdout and stderr of every instance, combined
 * @param cronRestart  a cron expression (pm2's cron_restart); each firing reloads the app
 * @param watch        pm2's watch/ignore_watch/watch_delay; a change reloads the app
 * @param baseEnv      the environment of the CLI invocation that started the app (pm2 gives apps the CLI's
 *                     environment, never the daemon's); {@link #env} is applied over it
 * @param incrementVar pm2's increment_var: this variable gets its env value plus the instance index
 */
public record AppConfig(
        String name,
        String namespace,
        List<String> command,
        Path cwd,
        Map<String, String> env,
        int instances,
        int port,
        FrontKind front,
        boolean autorestart,
        int maxRestarts,
        Duration minUptime,
        Duration restartDelay,
        Duration expBackoffRestartDelay,
        Duration killTimeout,
        String killSignal,
        Set<Integer> stopExitCodes,
        boolean waitReady,
        Duration listenTimeout,
        Optional<String> readyUrl,
        Optional<String> readyPattern,
        Duration gracefulTimeout,
        Optional<Path> outFile,
        Optional<Path> errorFile,
        boolean mergeLogs,
        Optional<String> logDateFormat,
        LogPolicy logPolicy,
        long maxMemoryBytes,
        String instanceVar,
        Optional<Path> sourceFile,
        String spec,
        boolean autostart,
        Optional<Path> logFile,
        Optional<String> cronRestart,
        WatchSpec watch,
        Map<String, String> baseEnv,
        Optional<String> incrementVar) {

    public static final String DEFAULT_NAMESPACE = "default";
    public static final String DEFAULT_INSTANCE_VAR = "SUPERVISOR_INSTANCE";

    public AppConfig {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        stopExitCodes = Set.copyOf(stopExitCodes);
        baseEnv = Map.copyOf(baseEnv);
    }

    /** The environment an instance starts with: the CLI's, then the app's env (instance variables come on top). */
    public Map<String, String> launchEnv() {
        Map<String, String> all = new java.util.HashMap<>(baseEnv);
        all.putAll(env);
        return all;
    }

    public boolean hasFront() {
        return port > 0 && front != FrontKind.NONE;
    }

    /**
     * How long a launch may take to become ready: listen_timeout, except for apps whose readiness is just staying
     * up for min_uptime (no port, no wait_ready, ready_url or ready_pattern), which get min_uptime on top.
     */
    public Duration readinessTimeout() {
        boolean aliveOnly = port == 0 && !waitReady && readyUrl.isEmpty() && readyPattern.isEmpty();
        return aliveOnly ? listenTimeout.plus(minUptime) : listenTimeout;
    }

    public AppConfig withInstances(int n) {
        return copy(name, namespace, n, baseEnv);
    }

    public AppConfig withNamespace(String ns) {
        return copy(name, ns, instances, baseEnv);
    }

    public AppConfig withName(String n) {
        return copy(n, namespace, instances, baseEnv);
    }

    /** The same app with a new CLI environment (pm2's --update-env). */
    public AppConfig withBaseEnv(Map<String, String> newBaseEnv) {
        return copy(name, namespace, instances, newBaseEnv);
    }

    private AppConfig copy(String n, String ns, int count, Map<String, String> base) {
        return new AppConfig(n, ns, command, cwd, env, count, port, front, autorestart, maxRestarts, minUptime,
                restartDelay, expBackoffRestartDelay, killTimeout, killSignal, stopExitCodes, waitReady, listenTimeout,
                readyUrl, readyPattern, gracefulTimeout, outFile, errorFile, mergeLogs, logDateFormat, logPolicy,
                maxMemoryBytes, instanceVar, sourceFile, spec, autostart, logFile, cronRestart, watch, base, incrementVar);
    }
}
