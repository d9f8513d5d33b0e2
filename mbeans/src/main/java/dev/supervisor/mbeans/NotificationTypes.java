package dev.supervisor.mbeans;

/** JMX notification types sent by the God, App and Process MBeans. */
public final class NotificationTypes {
    /** A process instance changed status; userData is the new status. */
    public static final String PROCESS_STATUS = "supervisor.process.status";
    /** A process instance exited; message has the exit code or signal. */
    public static final String PROCESS_EXIT = "supervisor.process.exit";
    /** The restart policy restarted an instance. */
    public static final String PROCESS_RESTART = "supervisor.process.restart";
    /** An instance crashed {@code max_restarts} times within {@code min_uptime}: now errored. */
    public static final String RESTART_OVERLIMIT = "supervisor.process.restart.overlimit";

    public static final String RELOAD_STARTED = "supervisor.reload.started";
    public static final String RELOAD_STEP = "supervisor.reload.step";
    public static final String RELOAD_DONE = "supervisor.reload.done";
    public static final String RELOAD_FAILED = "supervisor.reload.failed";

    /** What the God and an App send (every type above, for its apps). */
    public static final String[] APP_TYPES = {PROCESS_STATUS, RESTART_OVERLIMIT, RELOAD_STARTED, RELOAD_STEP, RELOAD_DONE,
            RELOAD_FAILED};
    /** What a Process sends. */
    public static final String[] PROCESS_TYPES = {PROCESS_STATUS};

    private NotificationTypes() {
    }
}
