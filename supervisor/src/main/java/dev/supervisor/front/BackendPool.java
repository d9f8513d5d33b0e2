package dev.supervisor.front;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backends a front routes to. Event loops read the member list on every request without locking (a volatile
 * immutable list); the supervisor's threads replace it.
 */
final class BackendPool {
    private volatile List<BackendSlot> members = List.of();
    /** Members plus removed backends still draining, for in-flight counts. */
    private final Map<Backend, BackendSlot> tracked = new ConcurrentHashMap<>();
    private final AtomicInteger nextStart = new AtomicInteger();

    List<BackendSlot> members() {
        return members;
    }

    List<Backend> backends() {
        List<BackendSlot> current = members;
        List<Backend> result = new ArrayList<>(current.size());
        for (BackendSlot slot : current) {
            result.add(slot.backend());
        }
        return List.copyOf(result);
    }

    /** @return false when the backend is already a member */
    synchronized boolean add(Backend backend) {
        for (BackendSlot slot : members) {
            if (slot.backend().equals(backend)) {
                return false;
            }
        }
        BackendSlot slot = new BackendSlot(backend);
        List<BackendSlot> next = new ArrayList<>(members);
        next.add(slot);
        tracked.put(backend, slot);
        members = List.copyOf(next);
        return true;
    }

    /**
     * Takes the backend out of the member list: no new work from now on. The caller then drains the slot.
     * Returns null when it was not a member.
     */
    synchronized BackendSlot remove(Backend backend) {
        BackendSlot found = null;
        List<BackendSlot> next = new ArrayList<>(members.size());
        for (BackendSlot slot : members) {
            if (slot.backend().equals(backend)) {
                found = slot;
            } else {
                next.add(slot);
            }
        }
        if (found != null) {
            members = List.copyOf(next);
        }
        return found;
    }

    /** The slot's drain is over: stop reporting its in-flight count. */
    void forget(BackendSlot slot) {
        tracked.remove(slot.backend(), slot);
    }

    int active(Backend backend) {
        BackendSlot slot = tracked.get(backend);
        return slot == null ? 0 : slot.active();
    }

    List<BackendSlot> allTracked() {
        return List.copyOf(tracked.values());
    }

    /**
     * The member with the least work in flight, skipping {@code excluded}; ties go round robin so that idle
     * backends share new work evenly. Null when no member is left.
     */
    BackendSlot pickLeastBusy(List<BackendSlot> excluded) {
        return pick(excluded, true);
    }

    /** The next member in turn, skipping {@code excluded}. Null when no member is left. */
    BackendSlot pickRoundRobin(List<BackendSlot> excluded) {
        return pick(excluded, false);
    }

    private BackendSlot pick(List<BackendSlot> excluded, boolean leastBusy) {
        List<BackendSlot> current = members;
        int size = current.size();
        if (size == 0) {
            return null;
        }
        if (size == 1) {
            BackendSlot only = current.get(0);
            return excluded != null && excluded.contains(only) ? null : only;
        }
        int start = Math.floorMod(nextStart.getAndIncrement(), size);
        BackendSlot best = null;
        int bestActive = Integer.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            BackendSlot slot = current.get((start + i) % size);
            if (excluded != null && excluded.contains(slot)) {
                continue;
            }
            if (!leastBusy) {
                return slot;
            }
            int active = slot.active();
            if (active < bestActive) {
                best = slot;
                bestActive = active;
            }
        }
        return best;
    }

    static CompletableFuture<DrainResult> nothingToDrain() {
        return CompletableFuture.completedFuture(new DrainResult(0, false));
    }
}
