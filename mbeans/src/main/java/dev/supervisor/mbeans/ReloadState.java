package dev.supervisor.mbeans;

import java.util.Locale;

/**
 * An app's reload state: IDLE -> RUNNING -> (ROLLING_BACK ->) IDLE; QUEUED while a forced reload waits behind a
 * running one. The step within RUNNING is a {@link ReloadStep}.
 */
public enum ReloadState {
    IDLE, RUNNING, ROLLING_BACK, QUEUED;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
