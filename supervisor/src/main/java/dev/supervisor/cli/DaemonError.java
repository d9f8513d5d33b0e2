package dev.supervisor.cli;

/** The daemon refused or failed an operation; the message is the daemon's, meant for the user. */
public class DaemonError extends RuntimeException {
    public DaemonError(String message) {
        super(message);
    }
}
