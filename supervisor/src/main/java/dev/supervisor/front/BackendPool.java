package dev.supervisor.front;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The backends a front routes to. Event loops read the member list on every request without locking (a volatile
 * immutable list); the supervisor's threads replace it.
 */
final class BackendPool {
    private volatile List<BackendSlot> members = List.of();
    /** Members plus removed backends still draining, for in-flight counts. */
    private final Map<Backend, BackendSlot> tracked = new ConcurrentHashMap<>();
    private final AtomicInteger nextStart = new AtomicInteger();
    private final Duration warmUp;
    private final LongSupplier clock;

    BackendPool() {
        this(Duration.ZERO, System::nanoTime);
    }

    /**
     * @param warmUp how long a backend that joins beside a settled member takes to get its full share
     * @param clock  System.nanoTime, or a test's
     */
    BackendPool(Duration warmUp, LongSupplier clock) {
        this.warmUp = warmUp;
        this.clock = clock;
    }

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
        // Warm-up only beside a member that has been serving for a warm-up or longer (a reload, a restart): it
        // takes the rest meanwhile. Instances that start together (an app's start) share from the first request.
        long now = clock.getAsLong();
        boolean besideSettled = false;
        for (BackendSlot member : members) {
            besideSettled |= member.settled(now, warmUp.toNanos());
        }
        BackendSlot slot = new BackendSlot(backend, now, besideSettled ? warmUp : Duration.ZERO);
        List<BackendSlot> next = new ArrayList<>(members);
        next.add(slot);
        tracked.put(backend, slot);
        members = List.copyOf(next);
        return true;
    }

    /** How long until the member has its full share of new work: 0 once it has, or when it is not a member. */
    long warmUpLeftNanos(Backend backend) {
        for (BackendSlot slot : members) {
            if (slot.backend().equals(backend)) {
                return slot.warmUpLeftNanos(clock.getAsLong());
            }
        }
        return 0;
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
     * The member with the least work in flight for its weight (a backend in its warm-up weighs less), skipping
     * {@code excluded}; ties go round robin so that idle backends share new work evenly. Null when no member is left.
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
        long now = leastBusy ? clock.getAsLong() : 0;
        BackendSlot best = null;
        long bestLoad = 0;
        int bestWeight = 1;
        for (int i = 0; i < size; i++) {
            BackendSlot slot = current.get((start + i) % size);
            if (excluded != null && excluded.contains(slot)) {
                continue;
            }
            if (!leastBusy) {
                return slot;
            }
            // (active + 1) / weight, compared as cross products: with this request counted, the lighter one wins.
            long load = slot.active() + 1L;
            int weight = slot.weightPermille(now);
            if (best == null || load * bestWeight < bestLoad * weight) {
                best = slot;
                bestLoad = load;
                bestWeight = weight;
            }
        }
        return best;
    }

    static CompletableFuture<DrainResult> nothingToDrain() {
        return CompletableFuture.completedFuture(new DrainResult(0, false));
    }
}
