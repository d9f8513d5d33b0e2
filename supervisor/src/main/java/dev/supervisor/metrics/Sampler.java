package dev.supervisor.metrics;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples CPU, memory, threads and open fds of every instance's whole process group from /proc, on its own
 * thread, every {@code interval}. One pass over /proc per sample: each process's stat tells its group; only
 * members of our groups are read further. Pss (smaps_rollup makes the kernel walk every mapping) and the fd
 * count are read every {@code detailEvery} samples and carried over in between, which keeps the cost bounded
 * (docs/BENCHMARKS.md). On top of that the sampler holds itself to {@link #BUDGET} of one core: when a sample
 * costs more than the budget allows at {@code interval} (thousands of processes, a slow /proc), the next one
 * waits longer. Readers get an immutable snapshot; nothing here blocks them.
 */
public final class Sampler implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    private static final Logger LOG = LogManager.getLogger(Sampler.class);
    private static final long CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux ABI we run on
    private static final long PAGE_SIZE = 4096;
    /**
     * The share of one core sampling may use, averaged over recent samples: less than half of the 1 % the whole
     * idle daemon may use, since the JVM's own housekeeping and the servers take the rest (at 1 % the daemon idled
     * at 1.4 %; at 0.5 %, 0.9-1.2 % at 1,000 processes: docs/BENCHMARKS.md, 2026-12-02).
     */
    public static final double BUDGET = 0.004;

    private final ProcessGroups groups;
    private final Duration interval;
    private final int detailEvery;
    private final ProcReader proc;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private ScheduledExecutorService thread;

    // Touched only by the sampling thread (sampleOnce is synchronized for tests that call it directly).
    private final Map<Long, Previous> previous = new HashMap<>();
    private long round;
    private double averageCpuNanos; // exponential moving average of one sample's CPU time

    private volatile Map<Long, GroupUsage> byPid = Map.of();
    private volatile Cost cost = new Cost(0, 0, 0, 0, 0);

    /**
     * @param detailEvery read Pss and fds every this many samples (1: every sample)
     */
    public Sampler(ProcessGroups groups, Duration interval, int detailEvery) {
        this(groups, interval, detailEvery, new File("/proc"));
    }

    Sampler(ProcessGroups groups, Duration interval, int detailEvery, File procRoot) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("sample interval must be positive, got " + interval);
        }
        this.groups = groups;
        this.interval = interval;
        this.detailEvery = Math.max(1, detailEvery);
        this.proc = new ProcReader(procRoot);
    }

    public Sampler(ProcessGroups groups, Duration interval) {
        this(groups, interval, 5);
    }

    public Duration interval() {
        return interval;
    }

    /** Starts sampling on a thread of its own. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "supervisor-sampler");
            t.setDaemon(true);
            return t;
        });
        thread.execute(this::sampleAndReschedule);
    }

    private void sampleAndReschedule() {
        try {
            sampleOnce();
        } catch (RuntimeException e) {
            LOG.error("sampling failed; trying again in {} ms", interval.toMillis(), e);
        }
        synchronized (this) {
            if (thread != null && !thread.isShutdown()) {
                thread.schedule(this::sampleAndReschedule, nextDelay().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The interval, stretched so that sampling stays within {@link #BUDGET} of one core. */
    public synchronized Duration nextDelay() {
        long budgeted = (long) (averageCpuNanos / BUDGET) - (long) averageCpuNanos;
        return Duration.ofNanos(Math.max(interval.toNanos(), budgeted));
    }

    /** The last sample of the group led by {@code pid}; empty before its first sample or after it left. */
    public Optional<GroupUsage> usage(long pid) {
        return pid == 0 ? Optional.empty() : Optional.ofNullable(byPid.get(pid));
    }

    /** The last sample of every group, by leader pid. */
    public Map<Long, GroupUsage> usages() {
        return byPid;
    }

    /** What sampling itself costs. */
    public Cost cost() {
        return cost;
    }

    /** One pass over /proc. Returns the new snapshot. */
    public synchronized Map<Long, GroupUsage> sampleOnce() {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        List<ProcessGroups.Group> live = groups.live();
        Map<Long, ProcessGroups.Group> wanted = new HashMap<>(live.size() * 2);
        for (ProcessGroups.Group g : live) {
            if (g.pid() > 0) {
                wanted.put(g.pid(), g);
            }
        }
        boolean detail = round++ % detailEvery == 0;
        Map<Long, Acc> acc = new HashMap<>(wanted.size() * 2);
        if (!wanted.isEmpty()) {
            for (String name : proc.pids()) {
                if (name.isEmpty() || name.charAt(0) < '0' || name.charAt(0) > '9') {
                    continue;
                }
                ProcReader.Stat st = proc.stat(name);
                if (st == null || !wanted.containsKey(st.pgrp())) {
                    continue;
                }
                Acc a = acc.computeIfAbsent(st.pgrp(), k -> new Acc());
                a.processes++;
                a.ticks += st.cpuTicks();
                a.threads += st.threads();
                a.rss += st.rssPages() * PAGE_SIZE;
                if (detail || !previous.containsKey(st.pgrp())) {
                    long pss = proc.pssBytes(name);
                    a.pss += Math.max(0, pss);
                    a.fds += Math.max(0, proc.openFds(name));
                }
            }
        }
        long now = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        Map<Long, GroupUsage> next = new HashMap<>(acc.size() * 2);
        Map<Long, Previous> seen = new HashMap<>(acc.size() * 2);
        for (Map.Entry<Long, Acc> e : acc.entrySet()) {
            long pid = e.getKey();
            Acc a = e.getValue();
            ProcessGroups.Group g = wanted.get(pid);
            Previous p = previous.get(pid);
            double percent = 0;
            double total;
            long pss = a.pss;
            int fds = a.fds;
            if (p == null) {
                total = a.ticks / (double) CLOCK_TICKS;
            } else {
                long delta = Math.max(0, a.ticks - p.ticks);
                double seconds = (now - p.atNanos) / 1e9;
                percent = seconds > 0 ? 100.0 * delta / CLOCK_TICKS / seconds : 0;
                total = p.totalSeconds + delta / (double) CLOCK_TICKS;
                if (!detail) { // carried over from the last detailed sample
                    pss = p.pss;
                    fds = p.fds;
                }
            }
            seen.put(pid, new Previous(a.ticks, now, total, pss, fds));
            next.put(pid, new GroupUsage(g.app(), g.id(), pid, percent, total, a.rss, pss, a.threads, fds, a.processes, nowMillis));
        }
        previous.clear();
        previous.putAll(seen);
        byPid = Map.copyOf(next);
        long spent = threads.getCurrentThreadCpuTime() - cpu0;
        averageCpuNanos = averageCpuNanos == 0 ? spent : 0.8 * averageCpuNanos + 0.2 * spent;
        Cost c = cost;
        cost = new Cost(c.samples() + 1, c.cpuNanos() + Math.max(0, spent), System.nanoTime() - wall0, spent, acc.values().stream().mapToInt(x -> x.processes).sum());
        return byPid;
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            thread = null;
        }
    }

    /**
     * @param samples      samples taken
     * @param cpuNanos     CPU time (user + system) the sampling thread spent, in total
     * @param lastWallNanos duration of the last sample
     * @param lastCpuNanos CPU time of the last sample
     * @param lastProcesses processes read in the last sample
     */
    public record Cost(long samples, long cpuNanos, long lastWallNanos, long lastCpuNanos, int lastProcesses) {
    }

    private static final class Acc {
        int processes;
        long ticks;
        int threads;
        long rss;
        long pss;
        int fds;
    }

    private record Previous(long ticks, long atNanos, double totalSeconds, long pss, int fds) {
    }
}
