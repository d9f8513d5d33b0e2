package dev.supervisor.process;

/** A program could not be started (missing executable, permission, bad cwd). */
public class LaunchException extends RuntimeException {
    public LaunchException(String message) {
        super(message);
    }
}
