package dev.supervisor.reload;

import dev.supervisor.config.AppConfig;

/** One instance as the reload pipeline sees it. Implemented by the god package; read on the app's owner. */
public interface Replica {
    int id();

    /** 0 when no process runs. */
    long pid();

    /** Online under its id: a new instance can be started beside it and traffic switched. */
    boolean isServing();

    /** e.g. "stopped", for messages. */
    String statusLabel();

    /** The config this instance's process runs (or will run at its next launch). */
    AppConfig config();
}
