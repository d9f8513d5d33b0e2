package dev.supervisor.mbeans;

import java.util.List;

/**
 * The supervisor daemon, {@code supervisor:type=God}.
 *
 * <p>{@code target} is resolved as pm2 does: {@code all}, a numeric id, an app name, a namespace, or
 * {@code /regex/} on app names. A target that matches nothing is an error naming it.
 */
@Description("The supervisor daemon (pm2's God): every app and instance, counts by status, health, and the "
        + "operations of the CLI. Sends every process and reload notification of the daemon.")
public interface GodMXBean {
    @Description("The supervisor's version")
    String getVersion();

    @Description("The daemon's own pid")
    long getPid();

    @Description("Milliseconds since the daemon started")
    long getUptimeMillis();

    @Description("Apps known to the daemon")
    int getAppCount();

    @Description("Instances of every app, draining old ones included")
    int getProcessCount();

    @Description("Instances online")
    int getOnlineCount();

    /** Instances by status, for check scripts: a crash (errored, waiting restart) is not a stop on purpose. */
    @Description("Instances starting (not ready yet)")
    int getLaunchingCount();

    @Description("Instances errored: crashed max_restarts times, or failed to launch")
    int getErroredCount();

    @Description("Instances stopped on purpose (or exited with autorestart off)")
    int getStoppedCount();

    @Description("Instances that crashed and wait for their restart delay")
    int getWaitingRestartCount();

    /** Every instance that should run (all but those stopped on purpose) is online. */
    @Description("True when every instance that should run (all but those stopped on purpose) is online")
    boolean isHealthy();

    /** Why {@link #isHealthy()} is false, e.g. "api[1] errored"; "" when healthy. */
    @Description("Why Healthy is false, e.g. 'api[1] errored'; empty when healthy")
    String getUnhealthy();

    /** CPU of every instance, in % of one core. */
    @Description("CPU of every instance, in % of one core")
    double getCpuPercent();

    /** Resident memory of every instance, in bytes. */
    @Description("Resident memory of every instance, in bytes")
    long getMemoryBytes();

    @Description("The apps' names")
    List<String> getAppNames();

    /** Where the daemon keeps its state (logs, dump, credentials). */
    @Description("The state directory: logs, dump, credentials")
    String getHome();

    /** The hawtio console: "up at http://...", "starting", "down: why" or "disabled". */
    @Description("The hawtio console: 'up at http://...', 'starting', 'down: why' or 'disabled'")
    String getConsoleStatus();

    /** The remote JMX connector: "up at service:jmx:...", "off" or "down: why". */
    @Description("The remote JMX connector: 'up at service:jmx:...', 'off' or 'down: why'")
    String getJmxStatus();

    /** The Prometheus/OpenMetrics endpoint: "up at http://.../metrics", "disabled" or "down: why". */
    @Description("The Prometheus endpoint: 'up at http://.../metrics', 'disabled' or 'down: why'")
    String getMetricsStatus();

    /** The saved process list: "ok", "fell back to dump.json.bak: why" or "unreadable: why" (resurrect/save). */
    @Description("The saved process list (dump.json): 'ok', 'fell back to dump.json.bak: why' or 'unreadable: why'")
    String getDumpStatus();

    /** Every instance, draining ones included. */
    @Description("Every instance, draining ones included, with cpu and memory (pm2 jlist)")
    List<ProcessInfo> list();

    /**
     * {@link #list()}'s table columns as one JSON text, a row per instance in list()'s order:
     * {@code [[id, name, namespace, pid, uptimeMillis, restarts, status, cpuPercent, memoryBytes, privatePort], ...]}.
     * What the CLI's {@code list} reads: at 1,000 instances list()'s composites cost the daemon ~50 ms of CPU to
     * convert and serialise, this text ~2 ms.
     */
    @Description("list()'s table as one JSON text: [[id, name, namespace, pid, uptimeMillis, restarts, status, cpuPercent, memoryBytes, privatePort], ...] (the CLI's list)")
    String listTable();

    /** Starts the apps of an apps file (YAML/JSON), or one script, and returns the started app names. */
    @Description("Starts the apps of an apps file (YAML/JSON), or one script; returns the started app names")
    List<String> start(@Param(name = "appsFileOrScript", description = "an apps file (.yml, .yaml, .json) or a script, absolute path") String appsFileOrScript);

    /**
     * The CLI's start: {@code name}, {@code namespace} and {@code env} may be empty, {@code instances} 0 to keep
     * the file's value. With an apps file, {@code name} picks one app of it.
     */
    @Description("The CLI's start with options; returns the started app names")
    List<String> startWith(@Param(name = "appsFileOrScript", description = "an apps file (.yml, .yaml, .json) or a script, absolute path") String appsFileOrScript,
                           @Param(name = "name", description = "with an apps file: the one app of it to start; with a script: the app's name; empty for all / the default") String name,
                           @Param(name = "instances", description = "number of instances; 0 keeps the file's value") int instances,
                           @Param(name = "namespace", description = "namespace to put the apps in; empty keeps the file's") String namespace,
                           @Param(name = "env", description = "the env_<name> section of the apps file to apply; empty for none") String env);

    /** Returns the ids acted on. */
    @Description("Stops the matching instances; returns their ids")
    List<Integer> stop(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    @Description("Restarts the matching instances (stop then start); returns their ids")
    List<Integer> restart(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    @Description("Stops the matching instances and removes their apps; returns their ids")
    List<Integer> delete(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    /**
     * {@link #delete}, followed with {@link #reloadProgress}: the matching apps are deleted at once, and a line says
     * "deleted NAME (ids [...])" as each one is gone. The CLI's {@code delete all}.
     */
    @Description("Deletes the matching apps at once, in the background; a line per app as it is gone; returns a ticket for reloadProgress")
    String beginDelete(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    /** Hard reload (start new, wait ready, switch traffic, drain old, stop old) of each matching app. */
    @Description("Hard reload of each matching app: start new, wait ready, switch traffic, drain old, stop old")
    List<ReloadResult> reload(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    /** Like {@link #reload(String)}, but the old instance is asked to exit by itself within graceful_timeout. */
    @Description("Like reload, but each old instance is asked to exit by itself within graceful_timeout")
    List<ReloadResult> softReload(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    /**
     * Starts a reload the daemon drives by itself and returns a ticket for {@link #reloadProgress}.
     * {@code parallel} 0 means the default batch size; {@code force} queues behind a running reload
     * instead of being refused. {@code target} may also be an apps file.
     */
    @Description("Starts a reload the daemon drives by itself; returns a ticket for reloadProgress")
    String beginReload(@Param(name = "target", description = "all, an id, an app name, a namespace, /regex/, or an apps file") String target,
                       @Param(name = "parallel", description = "instances replaced at once; 0 for the default") int parallel,
                       @Param(name = "force", description = "queue behind a running reload instead of being refused") boolean force,
                       @Param(name = "env", description = "with an apps file: the env_<name> section to apply; empty for none") String env);

    /**
     * {@link #beginReload} with a mode. A separate name, not an overload: Jolokia needs a signature to call an
     * overloaded operation, and clients (the console, scripts) call {@code beginReload} by name.
     */
    @Description("Like beginReload, with a mode: surge starts every new instance at once beside the old ones and "
            + "switches each as it gets ready (about one app start for any number of instances; capacity never drops)")
    String beginReloadWith(@Param(name = "target", description = "all, an id, an app name, a namespace, /regex/, or an apps file") String target,
                           @Param(name = "parallel", description = "instances replaced at once; 0 for the default (ignored with surge)") int parallel,
                           @Param(name = "force", description = "queue behind a running reload instead of being refused") boolean force,
                           @Param(name = "env", description = "with an apps file: the env_<name> section to apply; empty for none") String env,
                           @Param(name = "surge", description = "true: all new instances at once beside the old ones; false: batches (the default)") boolean surge);

    @Description("The steps of a reload started with beginReload, from a line index on")
    ReloadProgress reloadProgress(@Param(name = "ticket", description = "the ticket beginReload returned") String ticket,
                                  @Param(name = "from", description = "the first step line wanted (the previous answer's next)") int from);

    /**
     * The CLI's start/reload/startOrReload of an apps document, followed with {@link #reloadProgress}: apps already
     * running get the new config and environment by reload, the others start. {@code request} is JSON:
     * {@code {"document": {"apps": [...]}, "source": "/path/file", "baseDir": "/path", "env": "production",
     * "cliEnv": {...}, "only": "", "instances": 0, "namespace": ""}}. Warnings (ignored fields) come as lines.
     */
    @Description("The CLI's start/reload/startOrReload of an apps document: running apps get it by reload, the others start; returns a ticket for reloadProgress")
    String beginApply(@Param(name = "request", description = "JSON: {\"document\": {\"apps\": [...]}, \"source\", \"baseDir\", \"env\", \"cliEnv\", \"only\", \"instances\", \"namespace\"}") String request,
                      @Param(name = "parallel", description = "instances replaced at once; 0 for the default") int parallel,
                      @Param(name = "force", description = "queue behind a running reload instead of being refused") boolean force);

    /** {@link #resurrect()}, followed with {@link #reloadProgress}: a line per instance as it comes online. */
    @Description("Starts the saved apps that are not running, in the background; returns a ticket for reloadProgress")
    String beginResurrect();

    /** pm2's {@code start <name|id>}: starts the matching instances that are stopped or errored. */
    @Description("pm2's start <name|id>: starts the matching instances that are stopped or errored; returns their ids")
    List<Integer> startStopped(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    /** pm2's {@code restart --update-env}: the apps take {@code env} (a JSON object) as their environment base first. */
    @Description("pm2's restart --update-env: the apps take this environment, then their instances restart; returns their ids")
    List<Integer> restartWithEnv(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target,
                                 @Param(name = "env", description = "the CLI's environment as a JSON object of NAME: value") String env);

    /**
     * pm2's {@code reload --update-env}: the matching apps take {@code env} (a JSON object) as their environment
     * base; instances started from now on (the reload's new ones) get it. Returns the app names.
     */
    @Description("pm2's --update-env for a reload: the apps' instances launched from now on get this environment; returns the app names")
    List<String> setEnvironment(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target,
                                @Param(name = "env", description = "the CLI's environment as a JSON object of NAME: value") String env);

    /** pm2's {@code scale app +N|-N}. */
    @Description("pm2's scale app +N / -N: adds or removes instances relative to the current count; returns the ids")
    List<Integer> scaleBy(@Param(name = "app", description = "the app's name") String app,
                          @Param(name = "delta", description = "instances to add (positive) or remove (negative); at least 1 stays") int delta);

    /** The environment instance {@code id} runs with, one {@code NAME=value} per line (pm2's {@code env <id>}). */
    @Description("pm2's env <id>: the environment the instance runs with, one NAME=value per line")
    String environment(@Param(name = "id", description = "the instance's id") int id);

    /** Sets the number of instances of one app, without dropping requests. */
    @Description("Sets the number of instances of one app, without dropping requests; returns the ids added or removed")
    List<Integer> scale(@Param(name = "app", description = "the app's name") String app,
                        @Param(name = "instances", description = "the new number of instances (1 or more)") int instances);

    /** A human-readable description of every matching instance. */
    @Description("A human-readable description of every matching instance: config, resources, recent events")
    String describe(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    @Description("Sends a signal to the process group of every matching instance; returns their ids")
    List<Integer> sendSignal(@Param(name = "signal", description = "e.g. SIGUSR2, USR2 or 12") String signal,
                             @Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    @Description("Resets the restart counters of the matching instances; returns their ids")
    List<Integer> reset(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    @Description("Answers 'pong': the daemon is up")
    String ping();

    /** Writes the process list to the dump file; returns its path. */
    @Description("Writes the process list to the dump file (resurrected at the next start); returns its path")
    String save();

    /** Starts the apps of the dump file that are not running; returns their names. */
    @Description("Starts the apps of the dump file that are not running; returns their names")
    List<String> resurrect();

    /** Reopens every log file (after an external rotation). */
    @Description("Reopens every log file (after an external rotation)")
    void reloadLogs();

    /** Truncates the logs of the matching apps. */
    @Description("Truncates the logs of the matching apps; returns the files truncated")
    List<String> flush(@Param(name = "target", description = "all, an id, an app name, a namespace, or /regex/ on app names") String target);

    /**
     * The last {@code lines} lines (1 to 1000) of instance {@code id}'s {@code stream} log, "out" or "err",
     * oldest first. For the console's log panel; the console lets only the admin run it (logs may hold secrets).
     */
    @Description("The last lines of an instance's out or err log, oldest first (admin only: logs may hold secrets)")
    List<String> tailLog(@Param(name = "id", description = "the instance's id") int id,
                         @Param(name = "stream", description = "out or err") String stream,
                         @Param(name = "lines", description = "how many lines, 1 to 1000") int lines);

    /** Stops every app and exits the daemon. */
    @Description("Stops every app and exits the daemon")
    void kill();
}
