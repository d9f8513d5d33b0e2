package dev.supervisor.triggers;

/**
 * What a trigger needs from the daemon: reload one app through the zero-downtime pipeline (the God implements it).
 * A trigger never kills or restarts an instance in place.
 */
public interface AppReloader {
    /**
     * Reloads every instance of {@code app}. {@code queue}: when a reload of the app already runs, run this one
     * after it (a file changed during a reload must still be picked up) instead of skipping it.
     */
    void reloadApp(String app, String why, boolean queue);
}
