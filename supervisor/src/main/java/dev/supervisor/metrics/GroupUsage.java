package dev.supervisor.metrics;

/**
 * What one instance's whole process group used at the last sample.
 *
 * @param cpuPercent      CPU time over the last interval, in % of one core (a busy loop reads ~100, two ~200)
 * @param cpuSecondsTotal CPU seconds spent by the group since the sampler first saw it; never decreases (a child
 *                        that exits takes its ticks away from the sum, which must not make a counter go back)
 * @param rssBytes        resident memory summed over the group (VmRSS; shared pages counted once per process)
 * @param pssBytes        proportional set size summed over the group (smaps_rollup Pss: shared pages split)
 * @param threads         threads of every process of the group
 * @param openFds         open file descriptors of every process of the group
 * @param processes       processes in the group
 * @param sampledAtMillis epoch millis of the sample
 */
public record GroupUsage(String app, int id, long pid, double cpuPercent, double cpuSecondsTotal, long rssBytes,
                         long pssBytes, int threads, int openFds, int processes, long sampledAtMillis) {

    /** The figure shown as "mem", as pm2 shows it: resident memory (the one max_memory_restart compares). */
    public long memoryBytes() {
        return rssBytes;
    }
}
