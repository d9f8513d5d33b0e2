package dev.supervisor.mbeans;

import java.util.List;

/**
 * The supervisor daemon, {@code supervisor:type=God}.
 *
 * <p>{@code target} is resolved as pm2 does: {@code all}, a numeric id, an app name, a namespace, or
 * {@code /regex/} on app names. A target that matches nothing is an error naming it.
 */
public interface GodMXBean {
    String getVersion();

    long getPid();

    long getUptimeMillis();

    int getAppCount();

    int getProcessCount();

    int getOnlineCount();

    List<String> getAppNames();

    /** Where the daemon keeps its state (logs, dump, credentials). */
    String getHome();

    /** The hawtio console: "up at http://...", "starting", "down: why" or "disabled". */
    String getConsoleStatus();

    /** The remote JMX connector: "up at service:jmx:...", "off" or "down: why". */
    String getJmxStatus();

    /** Every instance, draining ones included. */
    List<ProcessInfo> list();

    /** Starts the apps of an apps file (YAML/JSON), or one script, and returns the started app names. */
    List<String> start(String appsFileOrScript);

    /**
     * The CLI's start: {@code name}, {@code namespace} and {@code env} may be empty, {@code instances} 0 to keep
     * the file's value. With an apps file, {@code name} picks one app of it.
     */
    List<String> startWith(String appsFileOrScript, String name, int instances, String namespace, String env);

    /** Returns the ids acted on. */
    List<Integer> stop(String target);

    List<Integer> restart(String target);

    List<Integer> delete(String target);

    /** Hard reload (start new, wait ready, switch traffic, drain old, stop old) of each matching app. */
    List<ReloadResult> reload(String target);

    /** Like {@link #reload(String)}, but the old instance is asked to exit by itself within graceful_timeout. */
    List<ReloadResult> softReload(String target);

    /**
     * Starts a reload the daemon drives by itself and returns a ticket for {@link #reloadProgress}.
     * {@code parallel} 0 means the default batch size; {@code force} queues behind a running reload
     * instead of being refused. {@code target} may also be an apps file.
     */
    String beginReload(String target, int parallel, boolean force, String env);

    ReloadProgress reloadProgress(String ticket, int from);

    /**
     * The CLI's start/reload/startOrReload of an apps document, followed with {@link #reloadProgress}: apps already
     * running get the new config and environment by reload, the others start. {@code request} is JSON:
     * {@code {"document": {"apps": [...]}, "source": "/path/file", "baseDir": "/path", "env": "production",
     * "cliEnv": {...}, "only": "", "instances": 0, "namespace": ""}}. Warnings (ignored fields) come as lines.
     */
    String beginApply(String request, int parallel, boolean force);

    /** {@link #resurrect()}, followed with {@link #reloadProgress}: a line per instance as it comes online. */
    String beginResurrect();

    /** pm2's {@code start <name|id>}: starts the matching instances that are stopped or errored. */
    List<Integer> startStopped(String target);

    /** pm2's {@code restart --update-env}: the apps take {@code env} (a JSON object) as their environment base first. */
    List<Integer> restartWithEnv(String target, String env);

    /**
     * pm2's {@code reload --update-env}: the matching apps take {@code env} (a JSON object) as their environment
     * base; instances started from now on (the reload's new ones) get it. Returns the app names.
     */
    List<String> setEnvironment(String target, String env);

    /** pm2's {@code scale app +N|-N}. */
    List<Integer> scaleBy(String app, int delta);

    /** The environment instance {@code id} runs with, one {@code NAME=value} per line (pm2's {@code env <id>}). */
    String environment(int id);

    /** Sets the number of instances of one app, without dropping requests. */
    List<Integer> scale(String app, int instances);

    /** A human-readable description of every matching instance. */
    String describe(String target);

    List<Integer> sendSignal(String signal, String target);

    List<Integer> reset(String target);

    String ping();

    /** Writes the process list to the dump file; returns its path. */
    String save();

    /** Starts the apps of the dump file that are not running; returns their names. */
    List<String> resurrect();

    /** Reopens every log file (after an external rotation). */
    void reloadLogs();

    /** Truncates the logs of the matching apps. */
    List<String> flush(String target);

    /** Stops every app and exits the daemon. */
    void kill();
}
