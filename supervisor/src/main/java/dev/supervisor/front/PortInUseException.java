package dev.supervisor.front;

/** The front's public port is already taken by another program. */
public class PortInUseException extends dev.supervisor.errors.UserError {
    public PortInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
