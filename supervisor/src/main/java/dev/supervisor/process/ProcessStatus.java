package dev.supervisor.process;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The status of one process instance, with every allowed transition in one table. pm2's statuses plus two a
 * reload owns: {@code replacing} (an old instance set aside while its replacement starts; it still serves) and
 * {@code draining} (out of the front's pool, finishing in-flight work).
 *
 * <p>Reserved transitions (into and out of replacing and draining, except a death) may only be made by the reload
 * holding the instance: HikariCP's "reserve before you mutate". The instance checks this in one place.
 */
public enum ProcessStatus {
    LAUNCHING, ONLINE, REPLACING, DRAINING, STOPPING, STOPPED, ERRORED, WAITING_RESTART;

    private static final Map<ProcessStatus, Set<ProcessStatus>> ALLOWED = Map.of(
            LAUNCHING, EnumSet.of(ONLINE, STOPPING, STOPPED, ERRORED, WAITING_RESTART, LAUNCHING),
            ONLINE, EnumSet.of(REPLACING, STOPPING, STOPPED, ERRORED, WAITING_RESTART, LAUNCHING),
            REPLACING, EnumSet.of(ONLINE, DRAINING, STOPPING, STOPPED),
            DRAINING, EnumSet.of(REPLACING, STOPPING, STOPPED),
            STOPPING, EnumSet.of(STOPPED, ERRORED),
            STOPPED, EnumSet.of(LAUNCHING),
            ERRORED, EnumSet.of(LAUNCHING, STOPPED),
            WAITING_RESTART, EnumSet.of(LAUNCHING, STOPPED));

    public boolean canBecome(ProcessStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** Whether {@code this -> next} may only be made by the reload that reserved the instance. */
    public boolean isReservedTransition(ProcessStatus next) {
        boolean death = next == STOPPED;
        return next == REPLACING || next == DRAINING || ((this == REPLACING || this == DRAINING) && !death);
    }

    /** A process may be running in these statuses. */
    public boolean isRunning() {
        return this == LAUNCHING || this == ONLINE || this == REPLACING || this == DRAINING || this == STOPPING;
    }

    /** pm2's spelling: "online", "waiting restart". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
