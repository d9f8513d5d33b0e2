package dev.supervisor.process;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The status of one process instance, with every allowed transition in one table. pm2's statuses plus
 * {@code draining}: an old instance set aside by a reload, out of the front's pool, finishing in-flight work.
 */
public enum ProcessStatus {
    LAUNCHING, ONLINE, DRAINING, STOPPING, STOPPED, ERRORED, WAITING_RESTART;

    private static final Map<ProcessStatus, Set<ProcessStatus>> ALLOWED = Map.of(
            LAUNCHING, EnumSet.of(ONLINE, STOPPING, STOPPED, ERRORED, WAITING_RESTART, LAUNCHING),
            ONLINE, EnumSet.of(DRAINING, STOPPING, STOPPED, ERRORED, WAITING_RESTART, LAUNCHING),
            DRAINING, EnumSet.of(STOPPING, STOPPED, ONLINE),
            STOPPING, EnumSet.of(STOPPED, ERRORED),
            STOPPED, EnumSet.of(LAUNCHING, STOPPING),
            ERRORED, EnumSet.of(LAUNCHING, STOPPED, STOPPING),
            WAITING_RESTART, EnumSet.of(LAUNCHING, STOPPING, STOPPED));

    public boolean canBecome(ProcessStatus next) {
        return ALLOWED.get(this).contains(next);
    }

    /** A process may be running in these statuses. */
    public boolean isRunning() {
        return this == LAUNCHING || this == ONLINE || this == DRAINING || this == STOPPING;
    }

    /** pm2's spelling: "online", "waiting restart". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
