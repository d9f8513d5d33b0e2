package dev.supervisor.mbeans;

/**
 * The step a reload is at: the states of an app's reload state machine, in pipeline order. Each step from
 * SET_ASIDE to LEAVE_FRONT_AND_DRAIN has an undo; STOP_OLD is past the point of no return (the new instance
 * serves), so a failure there rolls forward.
 */
public enum ReloadStep {
    /** No reload runs. */
    NONE,
    /** An apps file's new config is taken by the app (undo: the previous config). */
    APPLY_CONFIG,
    /** The old instance is reserved (REPLACING) and a new entry takes its id (undo: the old one goes back). */
    SET_ASIDE,
    /** The new process is forked (undo: it is killed). */
    LAUNCH_CANDIDATE,
    /** Waiting until the new process is ready, within listen_timeout (undo: nothing; the launch's undo kills it). */
    AWAIT_READY,
    /** The new instance joins the front's pool (undo: it leaves). */
    JOIN_FRONT,
    /** The old instance leaves the pool and its in-flight work drains (undo: it joins the pool again). */
    LEAVE_FRONT_AND_DRAIN,
    /** The old process is signalled and awaited (no undo: rolls forward). */
    STOP_OLD,
    /** The old entry leaves the table (no undo). */
    DROP_OLD,
    /** An instance not serving (stopped, errored, waiting) or with front: none is restarted with the config. */
    RESTART_IN_PLACE,
    /** An apps file changed the number of instances. */
    SCALE,
    /** A step failed or the reload was cancelled: the undos run, newest first. */
    ROLLING_BACK
}
