package dev.supervisor.management;

import dev.supervisor.metrics.GroupUsage;
import dev.supervisor.metrics.Sampler;
import dev.supervisor.mbeans.ProcessInfo;

import java.util.Optional;

/** The sampler's last figures, as the MBeans show them; none when the daemon runs without a sampler. */
final class Usage {
    static final Usage NONE = new Usage(null);

    private final Sampler sampler;

    Usage(Sampler sampler) {
        this.sampler = sampler;
    }

    Optional<GroupUsage> of(long pid) {
        return sampler == null ? Optional.empty() : sampler.usage(pid);
    }

    /** The row with its process group's figures (zeros while nothing runs or before the first sample). */
    ProcessInfo enrich(ProcessInfo p) {
        return of(p.getPid())
                .map(u -> p.withUsage(round(u.cpuPercent()), u.memoryBytes(), u.pssBytes(), u.threads(), u.openFds()))
                .orElse(p);
    }

    /** One decimal, as pm2 shows it: more digits are noise between two samples. */
    static double round(double percent) {
        return Math.round(percent * 10) / 10.0;
    }
}
