package dev.supervisor.management;

import dev.supervisor.config.DaemonSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the effective Jolokia access policy: conf/jolokia-access.xml with our own origins filled in, so CORS
 * admits only the console and the agent itself, whatever ports they were given.
 */
public final class AccessPolicy {
    private AccessPolicy() {
    }

    public static Path write(DaemonSettings settings) {
        Path template = settings.installDir().resolve("conf/jolokia-access.xml");
        Path target = settings.home().resolve("jolokia-access.xml");
        try {
            String xml = Files.readString(template, StandardCharsets.UTF_8)
                    .replace("${jolokia.origin}", origin(settings, settings.jolokiaPort()))
                    .replace("${console.origin}", origin(settings, settings.consolePort()));
            Files.createDirectories(settings.home());
            Files.writeString(target, xml, StandardCharsets.UTF_8);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Jolokia policy " + target + " from " + template + ": " + e.getMessage(), e);
        }
    }

    private static String origin(DaemonSettings s, int port) {
        String host = "0.0.0.0".equals(s.bindHost()) ? "127.0.0.1" : s.bindHost();
        return "http://" + host + ":" + port;
    }
}
