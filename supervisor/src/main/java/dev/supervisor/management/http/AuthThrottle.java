package dev.supervisor.management.http;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Slows password guessing on every endpoint that checks a password, and records each failure with its source
 * address. Counted per source address and user, and per source address alone (a spray over many user names).
 * After {@value #FREE_PER_USER} failures for one user (or {@value #FREE_PER_SOURCE} from one source) the pair is
 * locked for 1 s, doubling with each further failure up to {@link #MAX_LOCK}: a guesser gets a handful of tries a
 * minute, while the right password is never refused for more than {@link #MAX_LOCK}. Attempts refused during a lock
 * are not counted (they would keep it locked forever). A success clears the user's count.
 */
public final class AuthThrottle {
    public static final Duration MAX_LOCK = Duration.ofSeconds(30);
    static final int FREE_PER_USER = 5;
    static final int FREE_PER_SOURCE = 20;
    private static final int MAX_ENTRIES = 10_000;
    private static final Logger LOG = LogManager.getLogger(AuthThrottle.class);

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    private static final class Entry {
        int failures;
        boolean locked;
        long lockedUntil;
        long lastFailure;
    }

    public AuthThrottle() {
        this(System::nanoTime);
    }

    AuthThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** How long this source and user must still wait, if locked. */
    public Optional<Duration> lockedFor(String source, String user) {
        long now = nanoClock.getAsLong();
        long left = Math.max(left(pairKey(source, user), now), left(sourceKey(source), now));
        return left > 0 ? Optional.of(Duration.ofNanos(left)) : Optional.empty();
    }

    public void failed(String endpoint, String source, String user) {
        long now = nanoClock.getAsLong();
        if (entries.size() > MAX_ENTRIES) {
            entries.values().removeIf(e -> now - e.lastFailure > Duration.ofMinutes(15).toNanos());
        }
        int pair = count(pairKey(source, user), FREE_PER_USER, now);
        count(sourceKey(source), FREE_PER_SOURCE, now);
        LOG.warn("authentication failed on {} for user '{}' from {} ({} failure(s) in a row)", endpoint,
                printable(user), source, pair);
    }

    public void succeeded(String source, String user) {
        entries.remove(pairKey(source, user));
    }

    private int count(String key, int free, long now) {
        Entry e = entries.computeIfAbsent(key, k -> new Entry());
        synchronized (e) {
            e.failures++;
            e.lastFailure = now;
            if (e.failures > free) {
                long lock = Math.min(MAX_LOCK.toNanos(),
                        Duration.ofSeconds(1).toNanos() << Math.min(20, e.failures - free - 1));
                e.locked = true;
                e.lockedUntil = now + lock;
                LOG.warn("authentication locked for {} ms: {}", Duration.ofNanos(lock).toMillis(), printable(key));
            }
            return e.failures;
        }
    }

    private long left(String key, long now) {
        Entry e = entries.get(key);
        if (e == null) {
            return 0;
        }
        synchronized (e) {
            return e.locked ? e.lockedUntil - now : 0;
        }
    }

    private static String pairKey(String source, String user) {
        return source + " user " + printable(user);
    }

    private static String sourceKey(String source) {
        return source;
    }

    /** User names come from the request: cut and strip control characters before they reach a log or a key. */
    static String printable(String user) {
        if (user == null) {
            return "";
        }
        String s = user.length() > 64 ? user.substring(0, 64) + "…" : user;
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
