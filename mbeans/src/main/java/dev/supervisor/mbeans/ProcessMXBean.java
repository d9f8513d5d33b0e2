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

    void restart();

    void stop();

    void sendSignal(String signal);

    void sendLineToStdin(String line);
}
