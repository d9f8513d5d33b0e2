package dev.supervisor.cli;

/** No daemon answers at the Jolokia URL (connection refused). */
public class DaemonUnreachable extends RuntimeException {
    public DaemonUnreachable(String message) {
        super(message);
    }
}
