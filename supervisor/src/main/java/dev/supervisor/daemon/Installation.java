package dev.supervisor.daemon;

import java.nio.file.Path;

/**
 * Where the supervisor is installed and which version it is. Kept apart from {@link Daemon} so that the CLI,
 * which needs both, does not load the daemon's logging (half of its start-up time).
 */
public final class Installation {
    private Installation() {
    }

    public static String version() {
        String v = Installation.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** bin/supervisor passes -Dsupervisor.install; else the jar's place in the source tree tells. */
    public static Path directory() {
        String prop = System.getProperty("supervisor.install");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        try {
            Path jar = Path.of(Installation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // <install>/supervisor/target/supervisor.jar or <install>/supervisor/target/classes
            return jar.getParent().getParent().getParent();
        } catch (Exception e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
