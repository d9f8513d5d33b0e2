package dev.supervisor.management;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last events of each app (starts, exits with their code or signal, restarts, reloads and their outcome),
 * kept from the God's events, at most {@link #PER_APP} per app, for describe and the App MBean. Recording is a
 * few field writes under a per-app lock: it runs on the threads that send the events (the apps' owners), so the
 * time is formatted when the history is read, not at each event (a start of 1,000 apps records thousands).
 */
final class AppHistory {
    static final int PER_APP = 50;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private record Event(long at, String text) {
    }

    private final Map<String, Deque<Event>> byApp = new ConcurrentHashMap<>();

    void record(String app, String event) {
        Deque<Event> events = byApp.computeIfAbsent(app, a -> new ArrayDeque<>());
        Event e = new Event(System.currentTimeMillis(), event);
        synchronized (events) {
            if (events.size() == PER_APP) {
                events.removeFirst();
            }
            events.addLast(e);
        }
    }

    /** Oldest first, each line "yyyy-MM-dd HH:mm:ss.SSS event" in the daemon's time zone. */
    List<String> events(String app) {
        Deque<Event> events = byApp.get(app);
        if (events == null) {
            return List.of();
        }
        List<Event> copy;
        synchronized (events) {
            copy = List.copyOf(events);
        }
        ZoneId zone = ZoneId.systemDefault();
        return copy.stream().map(e -> TIME.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(e.at()), zone)) + " " + e.text())
                .toList();
    }

    void forget(String app) {
        byApp.remove(app);
    }
}
