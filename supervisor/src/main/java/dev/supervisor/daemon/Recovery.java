package dev.supervisor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.supervisor.god.God;
import dev.supervisor.process.ProcessSignaller;
import dev.supervisor.process.SocketOwners;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * After an unclean death of the daemon (kill -9, OOM), the record it left says what ran. Every recorded process
 * still alive is stopped, then the apps are started again exactly as recorded, each with its instance count (the
 * instances that were stopped or errored stay stopped).
 *
 * <p>Why stop rather than adopt: the processes' stdout/stderr pipes were read by the dead daemon (their read ends
 * died with it, so the next write gets SIGPIPE or blocks), their front is gone (its port died with the daemon),
 * and their readiness and exit can no longer be observed through a child handle. An adopted process would be one
 * we cannot log, route to or reap: not sound. A pid whose start time (/proc/PID/stat field 22) does not match the
 * record is another process that reused the pid: it is never signalled.
 */
final class Recovery {
    private static final Logger LOG = LogManager.getLogger(Recovery.class);
    private static final Duration SIGKILL_GRACE = Duration.ofSeconds(2);

    private Recovery() {
    }

    /** The result: what was stopped and what was restored, for the log. */
    record Outcome(int stopped, int skipped, List<String> restored, Map<String, String> interrupted) {
    }

    static Outcome recover(JsonNode record, God god, String source) {
        int[] counts = stopLeftovers(record);
        return restore(record, god, source, counts[0], counts[1]);
    }

    /**
     * Stops every recorded process still alive whose start time matches (and its group's later members):
     * kill_signal, then SIGKILL after kill_timeout. Returns {stopped, already gone or not ours}.
     */
    static int[] stopLeftovers(JsonNode record) {
        List<Long> victims = new ArrayList<>();
        int skipped = 0;
        Duration longest = Duration.ZERO;
        Map<String, String> signals = new LinkedHashMap<>();
        for (JsonNode app : record.path("apps")) {
            Duration killTimeout = Duration.ofMillis(app.path("killTimeoutMillis").asLong(1600));
            longest = killTimeout.compareTo(longest) > 0 ? killTimeout : longest;
            String signal = app.path("killSignal").asText("SIGINT");
            for (JsonNode p : app.path("processes")) {
                long pgid = p.path("pgid").asLong();
                long ticks = p.path("startTicks").asLong();
                List<Long> members = groupMembers(pgid, ticks);
                if (members.isEmpty()) {
                    skipped++;
                    continue;
                }
                LOG.warn("recovery: {}[{}] pid {} (generation {}) outlived the previous daemon: stopping its group {}",
                        app.path("name").asText(), p.path("id").asInt(), p.path("pid").asLong(), p.path("generation").asInt(), members);
                for (long pid : members) {
                    signals.put(Long.toString(pid), signal);
                    victims.add(pid);
                }
            }
        }
        for (long pid : victims) {
            ProcessSignaller.send(pid, signals.get(Long.toString(pid)), false);
        }
        awaitGone(victims, longest);
        List<Long> left = victims.stream().filter(Recovery::alive).toList();
        for (long pid : left) {
            LOG.warn("recovery: pid {} still alive after kill_timeout: SIGKILL", pid);
            ProcessSignaller.send(pid, "SIGKILL", false);
        }
        awaitGone(left, SIGKILL_GRACE);
        return new int[]{victims.size(), skipped};
    }

    private static Outcome restore(JsonNode record, God god, String source, int stoppedCount, int skipped) {
        List<String> specs = new ArrayList<>();
        Map<String, String> interrupted = new LinkedHashMap<>();
        Map<String, java.util.Set<Integer>> stopped = new LinkedHashMap<>();
        for (JsonNode app : record.path("apps")) {
            specs.add(app.path("spec").toString());
            java.util.Set<Integer> indexes = new java.util.TreeSet<>();
            app.path("stoppedIndexes").forEach(n -> indexes.add(n.asInt()));
            stopped.put(app.path("name").asText(), indexes);
            JsonNode reload = app.path("reload");
            if (!reload.isMissingNode() && !reload.path("step").asText("NONE").equals("NONE")) {
                String text = "reload interrupted by a daemon restart at step " + reload.path("step").asText()
                        + "; rolled back to the config before the reload (" + app.path("spec").path("instances").asInt() + " instance(s))";
                interrupted.put(app.path("name").asText(), text);
                LOG.warn("recovery: app {}: {}", app.path("name").asText(), text);
            }
        }
        List<String> restored = specs.isEmpty() ? List.of() : god.restore(specs, source, interrupted, stopped);
        return new Outcome(stoppedCount, skipped, restored, interrupted);
    }

    /**
     * The live processes of the group an instance led: the leader if its start time matches the record, and any
     * process in the group started after it (a group id cannot be reused while a member lives, so these are the
     * instance's own descendants even if the leader is gone).
     */
    static List<Long> groupMembers(long pgid, long leaderTicks) {
        List<Long> out = new ArrayList<>();
        if (pgid <= 1 || leaderTicks <= 0) {
            return out;
        }
        OptionalLong leader = SocketOwners.startTime(pgid);
        boolean leaderOurs = leader.isPresent() && leader.getAsLong() == leaderTicks;
        if (leader.isPresent() && !leaderOurs) {
            // The pid was reused by an unrelated process: then the group cannot be ours either.
            LOG.info("recovery: pid {} now belongs to another process (start time {} vs {} recorded): left alone",
                    pgid, leader.getAsLong(), leaderTicks);
            return out;
        }
        for (long pid : SocketOwners.pids()) {
            if (SocketOwners.processGroup(pid).orElse(-1) == pgid && SocketOwners.startTime(pid).orElse(-1) >= leaderTicks) {
                out.add(pid);
            }
        }
        return out;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && !SocketOwners.commandLine(pid).orElse("").isEmpty();
    }

    private static void awaitGone(List<Long> pids, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && pids.stream().anyMatch(Recovery::alive)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static JsonNode read(RunRecord record) throws IOException {
        return record.read();
    }
}
