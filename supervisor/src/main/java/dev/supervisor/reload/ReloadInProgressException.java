package dev.supervisor.reload;

import dev.supervisor.god.SupervisorException;

/** A second reload of an app while one runs, without --force. */
public class ReloadInProgressException extends SupervisorException {
    public ReloadInProgressException(String message) {
        super(message);
    }
}
