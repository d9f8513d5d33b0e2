package dev.supervisor.god;

import dev.supervisor.process.ProcessStatus;

/** What the God tells the outside (the management layer turns these into JMX notifications). */
public interface SupervisorEvents {
    void statusChanged(Instance instance, ProcessStatus from, ProcessStatus to, String why);

    void reloadEvent(String type, String app, String message);

    /** The app set changed: an app was added or deleted. */
    void appAdded(App app);

    void appRemoved(App app);

    /** An instance took an id (at start, or as a reload's replacement) or left it. */
    void instanceBound(Instance instance);

    void instanceSetAside(Instance instance);

    void instanceRemoved(Instance instance);
}
