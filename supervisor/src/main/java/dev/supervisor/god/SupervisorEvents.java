package dev.supervisor.god;

import dev.supervisor.mbeans.ReloadStep;
import dev.supervisor.process.ProcessStatus;
import dev.supervisor.reload.ReloadEvents;

/**
 * What the God tells the outside (the management layer turns these into JMX notifications). Called after the
 * owner's command that caused it, outside any lock.
 */
public interface SupervisorEvents extends ReloadEvents {
    void statusChanged(Instance instance, ProcessStatus from, ProcessStatus to, String why);

    /** An app-level event that is not a reload step (e.g. restart overlimit). */
    default void reloadEvent(String type, String app, String message) {
        reloadEvent(type, app, message, ReloadStep.NONE);
    }

    /** The app set changed: an app was added or deleted. */
    void appAdded(App app);

    void appRemoved(App app);

    /** An instance took an id (at start, or as a reload's replacement) or left it. */
    void instanceBound(Instance instance);

    void instanceSetAside(Instance instance);

    void instanceRemoved(Instance instance);
}
