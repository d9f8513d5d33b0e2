package dev.supervisor.management.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where the daemon's own Jolokia (2.6) classes come from. The hawtio war carries its own Jolokia (2.1); when
 * the webapp can see both, hawtio's servlet fails with a ClassCastException. Hiding the {@code org.jolokia.}
 * package is not enough, because Jolokia also discovers its services through resource files under
 * {@code META-INF/jolokia/} of the same jars: so the jars' locations are hidden too.
 */
final class HostJolokiaJars {
    private static final String PACKAGE_DIR = "org/jolokia/";

    private HostJolokiaJars() {
    }

    /** Jar or class-directory locations as {@code file:} URIs, the form Jetty's ClassMatcher takes. */
    static Set<String> locations(ClassLoader loader) {
        Set<String> locations = new LinkedHashSet<>();
        try {
            for (URL url : Collections.list(loader.getResources(PACKAGE_DIR))) {
                String location = locationOf(url.toString());
                if (location != null) {
                    locations.add(location);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the daemon's Jolokia jars", e);
        }
        return locations;
    }

    static String locationOf(String packageUrl) {
        if (packageUrl.startsWith("jar:") && packageUrl.contains("!/")) {
            return packageUrl.substring("jar:".length(), packageUrl.indexOf("!/"));
        }
        if (packageUrl.startsWith("file:") && packageUrl.endsWith(PACKAGE_DIR)) {
            return packageUrl.substring(0, packageUrl.length() - PACKAGE_DIR.length());
        }
        return null;
    }
}
