package dev.supervisor.management;

import dev.supervisor.mbeans.ReloadProgress;
import dev.supervisor.mbeans.ReloadResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Reloads begun by a client that follows them by polling (the CLI). The daemon drives the reload; a client
 * that goes away changes nothing. The newest tickets are kept, the oldest forgotten.
 */
final class ReloadTickets {
    private static final int KEEP = 64;
    private static final long POLL_WAIT_MILLIS = 1000;

    static final class Ticket {
        private final List<String> lines = new ArrayList<>();
        private List<CompletableFuture<ReloadResult>> futures = List.of();

        synchronized void line(String line) {
            lines.add(line);
            notifyAll();
        }

        synchronized void track(List<CompletableFuture<ReloadResult>> f) {
            futures = List.copyOf(f);
            CompletableFuture.allOf(f.toArray(CompletableFuture[]::new)).whenComplete((r, e) -> wake());
        }

        private synchronized void wake() {
            notifyAll();
        }

        /** Long poll: waits up to {@link #POLL_WAIT_MILLIS} for a new line or the end, so clients need not sleep. */
        synchronized ReloadProgress progress(String id, int from) throws InterruptedException {
            long deadline = System.currentTimeMillis() + POLL_WAIT_MILLIS;
            while (lines.size() <= from && !futures.stream().allMatch(CompletableFuture::isDone)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                wait(left);
            }
            boolean finished = futures.stream().allMatch(CompletableFuture::isDone);
            List<ReloadResult> results = finished ? futures.stream().map(CompletableFuture::join).toList() : List.of();
            int start = Math.max(0, Math.min(from, lines.size()));
            return new ReloadProgress(id, lines.subList(start, lines.size()), lines.size(), finished, results);
        }
    }

    private final Map<String, Ticket> tickets = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ticket> eldest) {
            return size() > KEEP;
        }
    };

    synchronized Map.Entry<String, Ticket> create() {
        String id = UUID.randomUUID().toString();
        Ticket t = new Ticket();
        tickets.put(id, t);
        return Map.entry(id, t);
    }

    synchronized Ticket get(String id) {
        Ticket t = tickets.get(id);
        if (t == null) {
            throw new IllegalArgumentException("unknown reload ticket '" + id + "' (tickets are kept for the last " + KEEP + " reloads)");
        }
        return t;
    }
}
