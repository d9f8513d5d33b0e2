package dev.supervisor.metrics;

import java.util.List;

/**
 * What the sampler needs from the supervisor: the process groups alive right now. The daemon implements it
 * over the God's table, so this package depends on nothing of ours.
 */
@FunctionalInterface
public interface ProcessGroups {
    /** One running instance: its app, its id, and the pid of its group leader (pgid == pid, see ChildProcess). */
    record Group(String app, int id, long pid) {
    }

    List<Group> live();
}
