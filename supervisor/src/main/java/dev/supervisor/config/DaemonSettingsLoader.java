package dev.supervisor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Daemon settings come from, in order of precedence: environment variables ({@code SUPERVISOR_HOME},
 * {@code SUPERVISOR_JOLOKIA_PORT}, {@code SUPERVISOR_CONSOLE_PORT}, {@code SUPERVISOR_JMX_PORT},
 * {@code SUPERVISOR_METRICS_PORT}), then
 * {@code $SUPERVISOR_HOME/daemon.yml}, then {@code <install>/conf/daemon.yml}, then built-in defaults.
 */
public final class DaemonSettingsLoader {
    private static final Set<String> FIELDS = Set.of("bind", "jolokia_port", "console_port", "console_enabled",
            "jmx_port", "jmx_host", "jmx_tls", "log_max_size", "log_retain", "front_bind",
            "sample_interval", "metrics_port", "metrics_enabled", "log_dir_mode", "log_file_mode");

    private DaemonSettingsLoader() {
    }

    /** The state directory: {@code SUPERVISOR_HOME}, else {@code ~/.supervisor}. */
    public static Path home(Map<String, String> env) {
        return Path.of(env.getOrDefault("SUPERVISOR_HOME", System.getProperty("user.home") + "/.supervisor"))
                .toAbsolutePath().normalize();
    }

    public static DaemonSettings load(Map<String, String> env, Path installDir) {
        Path home = home(env);
        Path file = home.resolve("daemon.yml");
        if (!Files.isRegularFile(file)) {
            file = installDir.resolve("conf/daemon.yml");
        }
        JsonNode node = Files.isRegularFile(file) ? read(file) : null;
        Field f = new Field(file, node);
        LogPolicy logs;
        try {
            logs = new LogPolicy(Units.parseSize(f.text("log_max_size", "10M")), f.integer("log_retain", 5));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": field 'log_max_size': " + e.getMessage());
        }
        Duration sampleInterval;
        try {
            sampleInterval = Units.parseDuration(f.text("sample_interval", "2s"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": field 'sample_interval': " + e.getMessage());
        }
        if (sampleInterval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new ConfigException(file + ": field 'sample_interval': " + f.text("sample_interval", "")
                    + " is too short (at least 100ms; e.g. 2s)");
        }
        LogPermissions permissions;
        try {
            permissions = new LogPermissions(LogPermissions.octal(f.text("log_dir_mode", "0700")),
                    LogPermissions.octal(f.text("log_file_mode", "0600")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": field 'log_dir_mode'/'log_file_mode': " + e.getMessage());
        }
        return new DaemonSettings(home,
                f.text("bind", "127.0.0.1"),
                port(env, "SUPERVISOR_JOLOKIA_PORT", f.integer("jolokia_port", 8778)),
                port(env, "SUPERVISOR_CONSOLE_PORT", f.integer("console_port", 8080)),
                Boolean.parseBoolean(env.getOrDefault("SUPERVISOR_CONSOLE_ENABLED", f.text("console_enabled", "true"))),
                port(env, "SUPERVISOR_JMX_PORT", f.integer("jmx_port", 0)),
                f.text("jmx_host", "127.0.0.1"),
                Boolean.parseBoolean(f.text("jmx_tls", "false")),
                logs, installDir,
                f.text("front_bind", f.text("bind", "127.0.0.1")),
                sampleInterval,
                port(env, "SUPERVISOR_METRICS_PORT", f.integer("metrics_port", 8779)),
                Boolean.parseBoolean(env.getOrDefault("SUPERVISOR_METRICS_ENABLED", f.text("metrics_enabled", "true"))),
                permissions);
    }

    private static int port(Map<String, String> env, String var, int dflt) {
        String v = env.get(var);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int p = Integer.parseInt(v.trim());
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new ConfigException("environment variable " + var + "='" + v + "' is not a port number (0..65535)");
        }
    }

    private static JsonNode read(Path file) {
        try {
            JsonNode node = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
            if (node != null && !node.isObject() && !node.isMissingNode()) {
                throw new ConfigException(file + ": expected a map of settings");
            }
            if (node != null) {
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (!FIELDS.contains(name)) {
                        throw new ConfigException(file + ": unknown setting '" + name + "' (known: " + String.join(", ", FIELDS) + ")");
                    }
                }
            }
            return node;
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read daemon settings: " + e.getMessage(), e);
        }
    }

    private record Field(Path file, JsonNode node) {
        String text(String name, String dflt) {
            JsonNode v = node == null ? null : node.get(name);
            return v == null || v.isNull() ? dflt : v.asText();
        }

        int integer(String name, int dflt) {
            JsonNode v = node == null ? null : node.get(name);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw new ConfigException(file + ": setting '" + name + "': expected an integer, got " + v);
            }
            return v.asInt();
        }
    }
}
