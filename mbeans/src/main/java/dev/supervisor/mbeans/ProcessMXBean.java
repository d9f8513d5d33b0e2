package dev.supervisor.mbeans;

/** One instance, {@code supervisor:type=Process,app=<app>,id=<id>}. */
public interface ProcessMXBean {
    int getId();

    String getApp();

    long getPid();

    String getStatus();

    long getUptimeMillis();

    int getRestarts();

    int getUnstableRestarts();

    String getLastExit();

    String getOutLog();

    String getErrLog();

    ProcessInfo getInfo();

    /** CPU of the whole process group over the last sample, in % of one core. */
    double getCpuPercent();

    /** CPU seconds the process group has used since the sampler first saw it. */
    double getCpuSeconds();

    /** Resident memory of the whole process group, in bytes. */
    long getMemoryBytes();

    /** Proportional set size of the process group, in bytes. */
    long getPssBytes();

    int getThreads();

    int getOpenFds();

    void restart();

    void stop();

    void sendSignal(String signal);

    void sendLineToStdin(String line);
}
