package dev.supervisor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the CLI sends the daemon to start or apply apps: the apps document (already read from JSON, YAML, or
 * evaluated JS), where it came from, and the CLI invocation's environment. Travels as one JSON string.
 *
 * @param document  {@code {"apps": [...]}} (or a bare list)
 * @param source    the file it was read from, or "command line"
 * @param baseDir   relative paths (cwd, script) resolve against it
 * @param envName   picks the {@code env_<name>} blocks; empty for none
 * @param cliEnv    the CLI's environment; empty when unknown (e.g. a JMX caller), then apps get a minimal one
 * @param only      apply only the app of this name; empty for all
 * @param instances overrides every app's instances when not 0
 * @param namespace overrides every app's namespace when not empty
 */
public record AppsRequest(JsonNode document, String source, Path baseDir, String envName, Optional<Map<String, String>> cliEnv,
                          String only, int instances, String namespace) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.set("document", document);
        n.put("source", source);
        n.put("baseDir", baseDir.toString());
        n.put("env", envName);
        cliEnv.ifPresent(e -> n.set("cliEnv", JSON.valueToTree(e)));
        n.put("only", only);
        n.put("instances", instances);
        n.put("namespace", namespace);
        return n.toString();
    }

    public static AppsRequest parse(String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new ConfigException("not a valid apps request (JSON): " + e.getMessage());
        }
        if (n == null || !n.isObject() || !n.has("document")) {
            throw new ConfigException("not a valid apps request: expected {\"document\": {\"apps\": [...]}, \"source\": ..., \"baseDir\": ...}");
        }
        Optional<Map<String, String>> env = Optional.empty();
        if (n.path("cliEnv").isObject()) {
            Map<String, String> m = new LinkedHashMap<>();
            n.get("cliEnv").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            env = Optional.of(m);
        }
        String base = n.path("baseDir").asText("/");
        if (!Path.of(base).isAbsolute()) {
            throw new ConfigException("apps request: baseDir '" + base + "' must be an absolute path");
        }
        return new AppsRequest(n.get("document"), n.path("source").asText("request"), Path.of(base),
                n.path("env").asText(""), env, n.path("only").asText(""), n.path("instances").asInt(0), n.path("namespace").asText(""));
    }
}
