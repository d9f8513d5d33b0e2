package dev.supervisor.god;

/**
 * Told after every change the daemon must be able to recover from (a status, an app added or removed, a reload
 * step); the daemon then records the running state in its state directory. Must not block.
 */
@FunctionalInterface
public interface StateJournal {
    void changed();

    StateJournal NONE = () -> { };
}
