package dev.supervisor.mbeans;

import java.util.List;
import java.util.Map;

/** One app, {@code supervisor:type=App,name=<name>}. Operations act on all of the app's instances. */
@Description("One app: its instances, status, front, reloads and recent events. Operations act on all of its "
        + "instances. Sends the process and reload notifications of the app.")
public interface AppMXBean {
    @Description("The app's name")
    String getName();

    @Description("The app's namespace (a target for the God's operations)")
    String getNamespace();

    @Description("Instances the app is configured for")
    int getInstancesWanted();

    @Description("Instances online now")
    int getInstancesOnline();

    @Description("Restarts summed over the instances")
    int getRestarts();

    @Description("Pids of the running instances")
    List<Long> getPids();

    @Description("e.g. 'online 2/2', 'errored (online 1/2)', 'stopped'")
    String getStatus();

    @Description("The public port the front listens on, 0 when there is none")
    int getPort();

    @Description("The front on the public port: http, tcp or none")
    String getFront();

    @Description("One row per instance, keyed by id (an old instance a reload is draining: <id>-old-<pid>); "
            + "with cpu and memory. A table in JConsole and hawtio, a map in Jolokia")
    Map<String, ProcessInfo> getProcesses();

    @Description("CPU of every instance (draining ones included), in % of one core")
    double getCpuPercent();

    @Description("Resident memory of every instance (draining ones included), in bytes")
    long getMemoryBytes();

    @Description("The reload pipeline: idle, running, rolling back or queued")
    String getReloadState();

    @Description("The step of the running reload (NONE when idle): one state of the reload state machine")
    ReloadStep getReloadStep();

    @Description("While a reload runs, its last progress line, e.g. '2/4 instance 1: waiting until it is ready'; else empty")
    String getReloadDetail();

    @Description("Set when a daemon restart interrupted a reload of this app: at which step, and what was restored")
    String getReloadInterrupted();

    @Description("The last finished reload: outcome, replaced, failed, duration, reason and steps; null before the first")
    ReloadResult getLastReload();

    @Description("The app's last events, oldest first: starts, exits (code or signal), restarts, reloads and their outcome")
    List<String> getEvents();

    @Description("Starts the app's stopped instances (or its configured instances if it has none)")
    void start();

    @Description("Stops every instance (kill_signal, then SIGKILL after kill_timeout)")
    void stop();

    @Description("Restarts every instance (stop, then start: requests fail meanwhile; prefer reload)")
    void restart();

    @Description("Hard reload: start new instances, wait until ready, switch traffic, drain and stop the old ones. "
            + "If a new one fails, the old keeps serving")
    ReloadResult reload();

    @Description("Like reload, but each old instance is asked to exit by itself within graceful_timeout")
    ReloadResult softReload();

    @Description("Stops every instance and removes the app")
    void delete();

    @Description("Sets the number of instances, without dropping requests")
    void scale(@Param(name = "instances", description = "the new number of instances (1 or more)") int instances);

    @Description("Sends a signal to every instance's process group")
    void sendSignal(@Param(name = "signal", description = "e.g. SIGUSR2, USR2 or 12") String signal);
}
