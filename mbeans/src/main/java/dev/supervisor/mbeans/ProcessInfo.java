package dev.supervisor.mbeans;

import java.beans.ConstructorProperties;

/** One row of the process table, as an MXBean composite (pm2's {@code pm2 jlist} entry). */
public final class ProcessInfo {
    private final int id;
    private final String name;
    private final String namespace;
    private final String status;
    private final long pid;
    private final long uptimeMillis;
    private final int restarts;
    private final int unstableRestarts;
    private final String lastExit;
    private final int instanceIndex;
    private final int privatePort;
    private final String outLog;
    private final String errLog;
    private final long createdAt;
    private final double cpuPercent;
    private final long memoryBytes;
    private final long pssBytes;
    private final int threads;
    private final int openFds;

    /** A row without resource figures (they come from the sampler: see {@link #withUsage}). */
    public ProcessInfo(int id, String name, String namespace, String status, long pid, long uptimeMillis,
                       int restarts, int unstableRestarts, String lastExit, int instanceIndex, int privatePort,
                       String outLog, String errLog, long createdAt) {
        this(id, name, namespace, status, pid, uptimeMillis, restarts, unstableRestarts, lastExit, instanceIndex,
                privatePort, outLog, errLog, createdAt, 0, 0, 0, 0, 0);
    }

    @ConstructorProperties({"id", "name", "namespace", "status", "pid", "uptimeMillis", "restarts",
            "unstableRestarts", "lastExit", "instanceIndex", "privatePort", "outLog", "errLog", "createdAt",
            "cpuPercent", "memoryBytes", "pssBytes", "threads", "openFds"})
    public ProcessInfo(int id, String name, String namespace, String status, long pid, long uptimeMillis,
                       int restarts, int unstableRestarts, String lastExit, int instanceIndex, int privatePort,
                       String outLog, String errLog, long createdAt, double cpuPercent, long memoryBytes,
                       long pssBytes, int threads, int openFds) {
        this.cpuPercent = cpuPercent;
        this.memoryBytes = memoryBytes;
        this.pssBytes = pssBytes;
        this.threads = threads;
        this.openFds = openFds;
        this.id = id;
        this.name = name;
        this.namespace = namespace;
        this.status = status;
        this.pid = pid;
        this.uptimeMillis = uptimeMillis;
        this.restarts = restarts;
        this.unstableRestarts = unstableRestarts;
        this.lastExit = lastExit;
        this.instanceIndex = instanceIndex;
        this.privatePort = privatePort;
        this.outLog = outLog;
        this.errLog = errLog;
        this.createdAt = createdAt;
    }

    public int getId() { return id; }
    public String getName() { return name; }
    public String getNamespace() { return namespace; }
    /** launching, online, stopping, stopped, errored, waiting restart, or draining. */
    public String getStatus() { return status; }
    /** 0 when no process is running. */
    public long getPid() { return pid; }
    public long getUptimeMillis() { return uptimeMillis; }
    public int getRestarts() { return restarts; }
    public int getUnstableRestarts() { return unstableRestarts; }
    /** "" before the first exit, else e.g. "exit code 1" or "signal SIGKILL". */
    public String getLastExit() { return lastExit; }
    public int getInstanceIndex() { return instanceIndex; }
    /** The port the instance listens on behind the front, 0 when the app has none. */
    public int getPrivatePort() { return privatePort; }
    public String getOutLog() { return outLog; }
    public String getErrLog() { return errLog; }
    /** Epoch millis when this instance was created. */
    public long getCreatedAt() { return createdAt; }
    /** CPU of the instance's whole process group over the last sample, in % of one core (pm2's "cpu"). */
    public double getCpuPercent() { return cpuPercent; }
    /** Resident memory of the instance's whole process group, in bytes (pm2's "mem"). */
    public long getMemoryBytes() { return memoryBytes; }
    /** Proportional set size of the process group (shared pages split between their users), in bytes. */
    public long getPssBytes() { return pssBytes; }
    /** Threads of every process of the group. */
    public int getThreads() { return threads; }
    /** Open file descriptors of every process of the group. */
    public int getOpenFds() { return openFds; }

    /** This row with the sampler's figures. */
    public ProcessInfo withUsage(double cpu, long memory, long pss, int threadCount, int fds) {
        return new ProcessInfo(id, name, namespace, status, pid, uptimeMillis, restarts, unstableRestarts, lastExit,
                instanceIndex, privatePort, outLog, errLog, createdAt, cpu, memory, pss, threadCount, fds);
    }

    @Override
    public String toString() {
        return name + "[" + id + "] " + status + " pid=" + pid;
    }
}
