package dev.supervisor.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark, not a test (bench/sampler-bench.sh): the sampler's CPU cost with N idle process groups, at its
 * default interval and detail period, as a share of one core. Usage: SamplerBench [groups] [seconds].
 */
public final class SamplerBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<Process> procs = new ArrayList<>();
        List<ProcessGroups.Group> groups = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                Process p = new ProcessBuilder("/usr/bin/setsid", "sleep", "3600").start();
                procs.add(p);
                groups.add(new ProcessGroups.Group("app" + (i / 4), i, p.pid()));
            }
            Thread.sleep(1000);
            for (int detailEvery : new int[]{5, 1}) {
                Sampler s = new Sampler(() -> groups, Sampler.DEFAULT_INTERVAL, detailEvery);
                s.sampleOnce(); // warm-up: class loading and JIT are not the steady state
                Sampler.Cost before = s.cost();
                long wall0 = System.nanoTime();
                s.start();
                Thread.sleep(Duration.ofSeconds(seconds).toMillis());
                s.close();
                double wall = (System.nanoTime() - wall0) / 1e9;
                Sampler.Cost after = s.cost();
                long samples = after.samples() - before.samples();
                double cpu = (after.cpuNanos() - before.cpuNanos()) / 1e9;
                int seen = s.usages().size();
                System.out.printf("groups=%d seen=%d interval=%ds detail_every=%d samples=%d cpu_per_sample=%.1fms "
                                + "effective_interval=%.2fs share_of_one_core=%.2f%%%n",
                        n, seen, Sampler.DEFAULT_INTERVAL.toSeconds(), detailEvery, samples, cpu * 1000 / samples,
                        wall / samples, 100 * cpu / wall);
            }
        } finally {
            for (Process p : procs) {
                p.destroyForcibly();
            }
        }
    }
}
