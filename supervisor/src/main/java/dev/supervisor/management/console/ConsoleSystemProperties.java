package dev.supervisor.management.console;

import dev.supervisor.management.Credentials;
import dev.supervisor.management.RolePrincipal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that sets the JVM-wide system properties the hawtio war reads its configuration from
 * (hawtio's ConfigManager reads {@code hawtio.*}; its Jolokia servlet takes every {@code jolokia.<key>} as a
 * setting). They are put back as they were on {@link #close()}.
 *
 * <ul>
 *   <li>{@code hawtio.authenticationEnabled=true}, {@code hawtio.realm}: log in through our JAAS realm;</li>
 *   <li>{@code hawtio.roles=admin,viewer} and {@code hawtio.rolePrincipalClasses}: who may log in at all;</li>
 *   <li>{@code hawtio.disableProxy=true}: the console manages this daemon only; its proxy servlet would relay
 *       requests to other Jolokia agents on this host;</li>
 *   <li>{@code jolokia.policyLocation}: hawtio's Jolokia obeys the same access policy file as the daemon's own
 *       agent.</li>
 * </ul>
 */
final class ConsoleSystemProperties implements AutoCloseable {
    private final Map<String, String> previous = new HashMap<>();

    private ConsoleSystemProperties() {
    }

    static Map<String, String> forConsole(String realm, Path jolokiaPolicy) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("hawtio.authenticationEnabled", "true");
        properties.put("hawtio.realm", realm);
        properties.put("hawtio.roles", Credentials.ADMIN_ROLE + "," + Credentials.VIEWER_ROLE);
        properties.put("hawtio.rolePrincipalClasses", RolePrincipal.class.getName());
        properties.put("hawtio.disableProxy", "true");
        if (jolokiaPolicy != null) {
            properties.put("jolokia.policyLocation", jolokiaPolicy.toAbsolutePath().toUri().toString());
        }
        return properties;
    }

    static ConsoleSystemProperties apply(Map<String, String> properties) {
        ConsoleSystemProperties applied = new ConsoleSystemProperties();
        properties.forEach((key, value) -> {
            applied.previous.put(key, System.getProperty(key));
            System.setProperty(key, value);
        });
        return applied;
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
        previous.clear();
    }
}
