package dev.supervisor.errors;

/**
 * The one root of the errors a user can act on: a bad config, an unknown target, a refused operation, a launch
 * that failed. The message names what is wrong and where, and says what to do. The CLI, Jolokia and the MBeans
 * map this root in one place (a client error, not a crash); anything else is a bug of ours.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
