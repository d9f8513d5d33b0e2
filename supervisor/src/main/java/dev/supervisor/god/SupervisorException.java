package dev.supervisor.god;

/** An operation the user asked for cannot be done; the message says what and why. */
public class SupervisorException extends dev.supervisor.errors.UserError {
    public SupervisorException(String message) {
        super(message);
    }
}
