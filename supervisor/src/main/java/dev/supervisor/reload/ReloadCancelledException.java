package dev.supervisor.reload;

/** A running reload was cancelled (stop, delete, kill of its app): it rolls back, then the operation acts. */
public class ReloadCancelledException extends RuntimeException {
    public ReloadCancelledException(String why) {
        super("reload cancelled: " + why);
    }
}
