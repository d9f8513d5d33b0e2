package dev.supervisor.reload;

import dev.supervisor.errors.UserError;

/** A second reload of an app while one runs, without --force; or an operation refused while a reload runs. */
public class ReloadInProgressException extends UserError {
    public ReloadInProgressException(String message) {
        super(message);
    }
}
