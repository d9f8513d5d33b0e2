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

    /** CPU of every instance (draining ones included), in % of one core. */
    double getCpuPercent();

    /** Resident memory of every instance (draining ones included), in bytes. */
    long getMemoryBytes();

    /** idle, running or queued. */
    String getReloadState();

    /** While a reload runs, e.g. "2/4 instance 1: waiting for ready"; else "". */
    String getReloadStep();

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
