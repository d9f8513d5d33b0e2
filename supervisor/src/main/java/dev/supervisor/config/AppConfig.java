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
        String spec) {

    public static final String DEFAULT_NAMESPACE = "default";
    public static final String DEFAULT_INSTANCE_VAR = "SUPERVISOR_INSTANCE";

    public AppConfig {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        stopExitCodes = Set.copyOf(stopExitCodes);
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
        return new AppConfig(name, namespace, command, cwd, env, n, port, front, autorestart, maxRestarts, minUptime,
                restartDelay, expBackoffRestartDelay, killTimeout, killSignal, stopExitCodes, waitReady, listenTimeout,
                readyUrl, readyPattern, gracefulTimeout, outFile, errorFile, mergeLogs, logDateFormat, logPolicy,
                maxMemoryBytes, instanceVar, sourceFile, spec);
    }

    public AppConfig withNamespace(String ns) {
        return new AppConfig(name, ns, command, cwd, env, instances, port, front, autorestart, maxRestarts, minUptime,
                restartDelay, expBackoffRestartDelay, killTimeout, killSignal, stopExitCodes, waitReady, listenTimeout,
                readyUrl, readyPattern, gracefulTimeout, outFile, errorFile, mergeLogs, logDateFormat, logPolicy,
                maxMemoryBytes, instanceVar, sourceFile, spec);
    }

    public AppConfig withName(String n) {
        return new AppConfig(n, namespace, command, cwd, env, instances, port, front, autorestart, maxRestarts, minUptime,
                restartDelay, expBackoffRestartDelay, killTimeout, killSignal, stopExitCodes, waitReady, listenTimeout,
                readyUrl, readyPattern, gracefulTimeout, outFile, errorFile, mergeLogs, logDateFormat, logPolicy,
                maxMemoryBytes, instanceVar, sourceFile, spec);
    }
}
