package dev.supervisor.readiness;

/** A new instance did not become ready: it exited, or the wait timed out. The message says which and why. */
public class ReadinessException extends dev.supervisor.errors.UserError {
    public ReadinessException(String message) {
        super(message);
    }
}
