package dev.supervisor.god;

import dev.supervisor.process.ProcessStatus;
import dev.supervisor.reload.ReloadInProgressException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * max_memory_restart: an online instance whose process tree holds more resident memory than its app's limit
 * is replaced through the reload pipeline (so the swap drops no request), never killed in place. The daemon
 * runs {@link #checkOnce} every {@link #INTERVAL}, as pm2 does.
 */
public final class MemoryLimit {
    public static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final Logger LOG = LogManager.getLogger(MemoryLimit.class);

    private final God god;

    public MemoryLimit(God god) {
        this.god = god;
    }

    /** Returns the ids whose reload was started. An app already reloading is left for the next round. */
    public List<Integer> checkOnce() {
        List<Integer> reloaded = new ArrayList<>();
        for (App app : god.apps()) {
            long limit = app.config().maxMemoryBytes();
            if (limit <= 0) {
                continue;
            }
            for (Instance i : app.instances()) {
                long pid = i.pid();
                if (i.status() != ProcessStatus.ONLINE || pid == 0) {
                    continue;
                }
                long rss = residentBytes(pid);
                if (rss > limit) {
                    LOG.warn("{}[{}] pid {} uses {} MB, over max_memory_restart {} MB: reloading it",
                            app.name(), i.id(), pid, rss >> 20, limit >> 20);
                    try {
                        god.reloadInstances(app, Set.of(i.id()), (name, line) -> LOG.info("memory limit: {}", line));
                        reloaded.add(i.id());
                    } catch (ReloadInProgressException e) {
                        LOG.info("{}: {}; memory limit checked again in {} s", app.name(), e.getMessage(), INTERVAL.toSeconds());
                    }
                    break;
                }
            }
        }
        return reloaded;
    }

    /** VmRSS of the process and its descendants, from /proc (0 when it is gone). */
    static long residentBytes(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return 0;
        }
        return Stream.concat(Stream.of(h.get()), h.get().descendants()).mapToLong(p -> vmRss(p.pid())).sum();
    }

    private static long vmRss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone in the meantime
        }
        return 0;
    }
}
