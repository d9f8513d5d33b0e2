package dev.supervisor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** An environment sent as a JSON object of strings (the CLI's, for --update-env). */
public final class EnvJson {
    private EnvJson() {
    }

    public static Map<String, String> parse(String json) {
        try {
            JsonNode n = new ObjectMapper().readTree(json);
            if (n == null || !n.isObject()) {
                throw new ConfigException("environment: expected a JSON object of NAME: value, got " + json);
            }
            Map<String, String> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (IOException e) {
            throw new ConfigException("environment: not valid JSON: " + e.getMessage());
        }
    }

    public static String toJson(Map<String, String> env) {
        return new ObjectMapper().valueToTree(env).toString();
    }
}
