package dev.supervisor.god;

/** An operation the user asked for cannot be done; the message says what and why. */
public class SupervisorException extends RuntimeException {
    public SupervisorException(String message) {
        super(message);
    }
}
