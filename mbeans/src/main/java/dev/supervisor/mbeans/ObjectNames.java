package dev.supervisor.mbeans;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The ObjectName scheme. App names are restricted by the config loader to {@code [A-Za-z0-9._-]},
 * so they never need quoting.
 */
public final class ObjectNames {
    public static final String DOMAIN = "supervisor";
    public static final String GOD = DOMAIN + ":type=God";

    private ObjectNames() {
    }

    public static ObjectName god() {
        return parse(GOD);
    }

    public static ObjectName app(String app) {
        return parse(DOMAIN + ":type=App,name=" + app);
    }

    /** The instance currently serving under {@code id}. */
    public static ObjectName process(String app, int id) {
        return parse(DOMAIN + ":type=Process,app=" + app + ",id=" + id);
    }

    /**
     * An old instance set aside by a reload while it drains (pm2's {@code _old_<id>}). A type of its own: the
     * instance's {@link #process} name stays registered across the reload, so a console tab open on it is kept.
     */
    public static ObjectName drainingProcess(String app, int id, long pid) {
        return parse(DOMAIN + ":type=DrainingProcess,app=" + app + ",id=" + id + ",pid=" + pid);
    }

    /** Every Process MBean of one app (not the draining ones). */
    public static ObjectName processesOf(String app) {
        return parse(DOMAIN + ":type=Process,app=" + app + ",*");
    }

    /** The DrainingProcess MBeans of one app. */
    public static ObjectName drainingProcessesOf(String app) {
        return parse(DOMAIN + ":type=DrainingProcess,app=" + app + ",*");
    }

    private static ObjectName parse(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not a valid ObjectName: " + name, e);
        }
    }
}
