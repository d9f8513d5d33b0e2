package dev.supervisor.management;

import dev.supervisor.mbeans.ReloadProgress;
import dev.supervisor.mbeans.ReloadResult;
import dev.supervisor.reload.ReloadListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reloads begun by a client that follows them by polling (the CLI). The daemon drives the reload; a client
 * that goes away changes nothing. The newest tickets are kept, the oldest forgotten.
 */
final class ReloadTickets {
    private static final int KEEP = 64;
    private static final long POLL_WAIT_MILLIS = 1000;
    /**
     * How long a poll that has new lines waits for more before it answers: a start of 1,000 apps makes 2,000 lines,
     * which would otherwise be about as many round trips, each a request through the agent for both processes.
     */
    static final Duration GATHER = Duration.ofMillis(50);

    static final class Ticket {
        private final long gatherNanos;
        private final List<String> lines = new ArrayList<>();
        private List<CompletableFuture<ReloadResult>> futures = List.of();
        private boolean finished;

        private Ticket(Duration gather) {
            this.gatherNanos = gather.toNanos();
        }

        synchronized void line(String line) {
            lines.add(line);
            notifyAll();
        }

        synchronized void track(List<CompletableFuture<ReloadResult>> f) {
            futures = List.copyOf(f);
            CompletableFuture.allOf(f.toArray(CompletableFuture[]::new)).whenComplete((r, e) -> finish());
        }

        private synchronized void finish() {
            finished = true;
            notifyAll();
        }

        /**
         * Long poll: waits up to {@link #POLL_WAIT_MILLIS} for a new line or the end, so clients need not sleep; once
         * a line is there, up to {@link #GATHER} more for the lines that follow it. The end answers at once.
         */
        synchronized ReloadProgress progress(String id, int from) throws InterruptedException {
            // nanoTime: a wall clock set back must not stretch the wait
            long now = System.nanoTime();
            long end = now + TimeUnit.MILLISECONDS.toNanos(POLL_WAIT_MILLIS);
            boolean gathering = false;
            while (!finished && end - now > 0) {
                if (lines.size() > from && !gathering) {
                    gathering = true;
                    end = Math.min(end, now + gatherNanos);
                    continue;
                }
                TimeUnit.NANOSECONDS.timedWait(this, end - now);
                now = System.nanoTime();
            }
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

    private final Duration gather;

    ReloadTickets() {
        this(GATHER);
    }

    /** @param gather how long a poll with new lines waits for more ({@link #GATHER}) */
    ReloadTickets(Duration gather) {
        this.gather = gather;
    }

    /**
     * Begins an operation whose lines and results a client follows by polling: {@code start} gets a listener feeding
     * a new ticket and returns the operation's futures. The ticket is kept only once {@code start} returned, so an
     * operation refused up front (an unknown app, a bad request) leaves no ticket behind.
     *
     * @return the ticket's id, for {@link #get}
     */
    String begin(Function<ReloadListener, List<CompletableFuture<ReloadResult>>> start) {
        Ticket t = new Ticket(gather);
        t.track(start.apply((app, line) -> t.line(line)));
        String id = UUID.randomUUID().toString();
        synchronized (this) {
            tickets.put(id, t);
        }
        return id;
    }

    synchronized Ticket get(String id) {
        Ticket t = tickets.get(id);
        if (t == null) {
            throw new IllegalArgumentException("unknown reload ticket '" + id + "' (tickets are kept for the last " + KEEP + " reloads)");
        }
        return t;
    }
}
