package dev.supervisor.mbeans;

/** One instance, {@code supervisor:type=Process,app=<app>,id=<id>}. */
@Description("One instance of an app: its process (and process group), status, restarts, logs and resource use. "
        + "The old instance a reload is draining appears as type=DrainingProcess.")
public interface ProcessMXBean {
    @Description("The instance's id, unique across apps (pm2's id)")
    int getId();

    @Description("The app this instance belongs to")
    String getApp();

    @Description("The process id, 0 when no process runs")
    long getPid();

    @Description("launching, online, draining, stopping, stopped, errored or waiting restart")
    String getStatus();

    @Description("Milliseconds since the instance became online, 0 when it is not online")
    long getUptimeMillis();

    @Description("Restarts of this instance (pm2's restart count)")
    int getRestarts();

    @Description("Restarts that came before min_uptime (crash loop counter; errored at max_restarts)")
    int getUnstableRestarts();

    @Description("How the last process ended, e.g. 'exit code 1' or 'signal SIGKILL'; empty before the first exit")
    String getLastExit();

    @Description("The stdout log file")
    String getOutLog();

    @Description("The stderr log file")
    String getErrLog();

    @Description("All of the above as one row (pm2 jlist's entry), with cpu and memory")
    ProcessInfo getInfo();

    @Description("CPU of the whole process group over the last sample, in % of one core")
    double getCpuPercent();

    @Description("CPU seconds the process group has used since the sampler first saw it")
    double getCpuSeconds();

    @Description("Resident memory (RSS) of the whole process group, in bytes")
    long getMemoryBytes();

    @Description("Proportional set size (Pss: shared pages split between their users) of the process group, in bytes")
    long getPssBytes();

    @Description("Threads of every process of the group")
    int getThreads();

    @Description("Open file descriptors of every process of the group")
    int getOpenFds();

    @Description("Restarts this instance: stop (kill_signal, then SIGKILL after kill_timeout), then start")
    void restart();

    @Description("Stops this instance (kill_signal, then SIGKILL after kill_timeout); it stays stopped")
    void stop();

    @Description("Sends a signal to the instance's whole process group")
    void sendSignal(@Param(name = "signal", description = "e.g. SIGUSR2, USR2 or 12") String signal);

    @Description("Writes one line to the instance's standard input")
    void sendLineToStdin(@Param(name = "line", description = "the text; a newline is added") String line);
}
