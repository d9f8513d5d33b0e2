package dev.supervisor.reload;

import java.util.Locale;

/** An app's reload state machine: idle -> running -> idle; queued while a forced reload waits its turn. */
public enum ReloadState {
    IDLE, RUNNING, QUEUED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
