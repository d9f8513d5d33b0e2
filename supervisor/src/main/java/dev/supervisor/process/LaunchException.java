package dev.supervisor.process;

/** A program could not be started (missing executable, permission, bad cwd). */
public class LaunchException extends dev.supervisor.errors.UserError {
    public LaunchException(String message) {
        super(message);
    }
}
