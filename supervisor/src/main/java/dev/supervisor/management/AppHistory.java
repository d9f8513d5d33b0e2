package dev.supervisor.management;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last events of each app (starts, exits with their code or signal, restarts, reloads and their outcome),
 * kept from the God's events, at most {@link #PER_APP} per app, for describe and the App MBean. Recording is a
 * few field writes under a per-app lock: it runs on the threads that send the events.
 */
final class AppHistory {
    static final int PER_APP = 50;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Map<String, Deque<String>> byApp = new ConcurrentHashMap<>();

    void record(String app, String event) {
        Deque<String> events = byApp.computeIfAbsent(app, a -> new ArrayDeque<>());
        String line = TIME.format(LocalDateTime.now()) + " " + event;
        synchronized (events) {
            if (events.size() == PER_APP) {
                events.removeFirst();
            }
            events.addLast(line);
        }
    }

    /** Oldest first. */
    List<String> events(String app) {
        Deque<String> events = byApp.get(app);
        if (events == null) {
            return List.of();
        }
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    void forget(String app) {
        byApp.remove(app);
    }
}
