package dev.supervisor.management.console;

/**
 * The attributes hawtio's {@code io.hawt.web.plugin.PluginServlet} reads from every
 * {@code hawtio:type=plugin,name=*} MBean to list the console's plugins (Url, Scope and Module are mandatory).
 * The same shape as hawtio's own {@code io.hawt.web.plugin.HawtioPlugin}, whose jar (hawtio-plugin-mbean) is
 * not served by the Maven repository here.
 */
public interface HawtioPluginMBean {
    /** Where the remote entry lives, without the file name, e.g. {@code /hawtio/supervisor-plugin}. */
    String getUrl();

    /** The Module Federation container name. */
    String getScope();

    /** The exposed module holding the plugin entry function. */
    String getModule();

    String getRemoteEntryFileName();

    boolean isBustRemoteEntryCache();

    /** The exported function hawtio calls once the module is loaded. */
    String getPluginEntry();
}
