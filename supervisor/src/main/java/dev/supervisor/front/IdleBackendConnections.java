package dev.supervisor.front;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keep-alive backend connections waiting for their next request, per backend, for one event loop. Only that loop
 * touches it, so it needs no locks. Any client connection on the loop can reuse them, so even clients that close
 * after every request don't cost a backend connect. Most recently used first: the warmest connection is the least
 * likely to have been closed by the backend meanwhile.
 */
final class IdleBackendConnections {
    private final Map<BackendSlot, ArrayDeque<BackendConnection>> bySlot = new HashMap<>();
    private final int maxPerBackend;
    private final long maxIdleNanos;

    IdleBackendConnections(int maxPerBackend, long maxIdleNanos) {
        this.maxPerBackend = maxPerBackend;
        this.maxIdleNanos = maxIdleNanos;
    }

    BackendConnection take(BackendSlot slot) {
        ArrayDeque<BackendConnection> idle = bySlot.get(slot);
        if (idle == null) {
            return null;
        }
        long now = System.nanoTime();
        BackendConnection connection;
        while ((connection = idle.pollLast()) != null) {
            connection.idle = false;
            if (connection.channel().isActive() && now - connection.idleSince < maxIdleNanos) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    boolean offer(BackendConnection connection) {
        ArrayDeque<BackendConnection> idle = bySlot.computeIfAbsent(connection.slot, s -> new ArrayDeque<>());
        if (idle.size() >= maxPerBackend) {
            return false;
        }
        connection.idle = true;
        connection.idleSince = System.nanoTime();
        idle.addLast(connection);
        return true;
    }

    void remove(BackendConnection connection) {
        connection.idle = false;
        ArrayDeque<BackendConnection> idle = bySlot.get(connection.slot);
        if (idle != null) {
            idle.remove(connection);
        }
    }

    /** Closes the idle connections to a backend that left the pool. */
    void closeAll(BackendSlot slot) {
        ArrayDeque<BackendConnection> idle = bySlot.remove(slot);
        if (idle != null) {
            for (BackendConnection connection : new ArrayList<>(idle)) {
                connection.idle = false;
                connection.close();
            }
        }
    }

    void closeAll() {
        List<BackendSlot> slots = new ArrayList<>(bySlot.keySet());
        for (BackendSlot slot : slots) {
            closeAll(slot);
        }
    }
}
