package dev.supervisor.reload;

import dev.supervisor.mbeans.ReloadStep;

/** Where a reload reports (JMX notifications); called by the pipeline's driver, outside any lock. */
public interface ReloadEvents {
    /** @param step the step the app's reload is at, the notification's user data */
    void reloadEvent(String type, String app, String message, ReloadStep step);
}
