package dev.supervisor.mbeans;

import java.util.List;

/** One app, {@code supervisor:type=App,name=<name>}. Operations act on all of the app's instances. */
public interface AppMXBean {
    String getName();

    String getNamespace();

    int getInstancesWanted();

    int getInstancesOnline();

    /** Restarts summed over the instances. */
    int getRestarts();

    List<Long> getPids();

    /** e.g. "online 2/2", "errored 1/2", "stopped". */
    String getStatus();

    /** The public port the front listens on, 0 when there is none. */
    int getPort();

    /** http, tcp or none. */
    String getFront();

    List<ProcessInfo> getProcesses();

    /** idle, running, rolling back or queued. */
    String getReloadState();

    /** The step of the running reload (NONE when idle): one state of the reload state machine. */
    ReloadStep getReloadStep();

    /** While a reload runs, its last progress line, e.g. "2/4 instance 1: waiting until it is ready"; else "". */
    String getReloadDetail();

    /** Set when a daemon restart interrupted a reload of this app: at which step, and what was restored. */
    String getReloadInterrupted();

    /** The last finished reload, or null before the first. */
    ReloadResult getLastReload();

    void start();

    void stop();

    void restart();

    ReloadResult reload();

    ReloadResult softReload();

    void delete();

    void scale(int instances);

    void sendSignal(String signal);
}
