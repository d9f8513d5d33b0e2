package dev.supervisor.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.supervisor.logs.LogDateFormat;
import org.apache.commons.exec.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads an apps file (YAML or JSON, top level {@code apps: [...]}, pm2's field names) into validated
 * {@link AppConfig}s. All-or-nothing: any invalid app fails the whole file with a message that names the
 * file, the app and the field.
 */
public final class AppsFileLoader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<String> FIELDS = Set.of("name", "script", "args", "cwd", "interpreter", "interpreter_args",
            "node_args", "env", "instances", "exec_mode", "port", "namespace", "front", "autorestart", "max_restarts",
            "min_uptime", "restart_delay", "exp_backoff_restart_delay", "kill_timeout", "kill_signal",
            "stop_exit_codes", "wait_ready", "listen_timeout", "ready_url", "ready_pattern", "graceful_timeout",
            "out_file", "error_file", "merge_logs", "combine_logs", "log_date_format", "log_max_size", "log_retain",
            "max_memory_restart", "instance_var", "treekill");
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "cron_restart", "cron_restart is not supported yet",
            "watch", "watch is not supported: use 'supervisor reload' from your deploy step",
            "log_file", "log_file is not supported: use out_file and error_file (with merge_logs for one pair per app)");

    private final ObjectMapper json = new ObjectMapper();
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final LogPolicy defaultLogs;
    private final int cpus;

    public AppsFileLoader(LogPolicy defaultLogs) {
        this.defaultLogs = defaultLogs;
        this.cpus = Runtime.getRuntime().availableProcessors();
    }

    public static boolean isAppsFile(String arg) {
        String lower = arg.toLowerCase(Locale.ROOT);
        return lower.endsWith(".json") || lower.endsWith(".yml") || lower.endsWith(".yaml");
    }

    /** Loads every app of a file; {@code envName} picks the {@code env_<name>} blocks, may be empty. */
    public List<AppConfig> load(Path file, String envName) {
        Path abs = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new ConfigException(abs + ": apps file not found");
        }
        JsonNode root;
        try {
            ObjectMapper mapper = abs.toString().endsWith(".json") ? json : yaml;
            root = mapper.readTree(abs.toFile());
        } catch (JsonProcessingException e) {
            throw new ConfigException(abs + ": not valid " + (abs.toString().endsWith(".json") ? "JSON" : "YAML")
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(abs + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode apps = root != null && root.isObject() ? root.get("apps") : root;
        if (root != null && root.isObject()) {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("apps") && !f.equals("deploy")) {
                    throw new ConfigException(abs + ": unknown top-level field '" + f + "' (expected 'apps')");
                }
            }
        }
        if (apps == null || !apps.isArray()) {
            throw new ConfigException(abs + ": expected a top-level 'apps' list");
        }
        if (apps.isEmpty()) {
            throw new ConfigException(abs + ": 'apps' is empty");
        }
        return fromNodes((ArrayNode) apps, abs.toString(), abs.getParent(), envName);
    }

    /** Loads one script given on the command line, as pm2 start script.py --name x does. */
    public AppConfig loadScript(String script, String name, int instances, String namespace, Path cwd) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("script", script);
        if (name != null && !name.isBlank()) {
            node.put("name", name);
        }
        if (instances != 0) {
            node.put("instances", instances);
        }
        if (namespace != null && !namespace.isBlank()) {
            node.put("namespace", namespace);
        }
        ArrayNode arr = JsonNodeFactory.instance.arrayNode().add(node);
        return fromNodes(arr, "command line", cwd, "").get(0);
    }

    /** Loads normalized specs, e.g. those saved in the dump file. */
    public List<AppConfig> loadSpecs(List<String> specs, String source) {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        for (String spec : specs) {
            try {
                arr.add(json.readTree(spec));
            } catch (JsonProcessingException e) {
                throw new ConfigException(source + ": a saved app is not valid JSON: " + e.getOriginalMessage());
            }
        }
        return fromNodes(arr, source, Path.of("/"), "");
    }

    private List<AppConfig> fromNodes(ArrayNode apps, String source, Path baseDir, String envName) {
        List<AppConfig> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < apps.size(); i++) {
            JsonNode node = apps.get(i);
            if (!node.isObject()) {
                throw new ConfigException(source + ": apps[" + i + "]: expected an object with at least 'script'");
            }
            AppConfig app = new AppReader(source, i, (ObjectNode) node, baseDir, envName).read();
            if (!names.add(app.name())) {
                throw new ConfigException(source + ": app '" + app.name() + "' (apps[" + i + "]): field 'name': "
                        + "duplicate name '" + app.name() + "' (each app needs its own name)");
            }
            result.add(app);
        }
        return result;
    }

    /** Reads one app node; every error goes through {@link #fail}. */
    private final class AppReader {
        private final String source;
        private final int index;
        private final ObjectNode node;
        private final Path baseDir;
        private final String envName;
        private String label;

        AppReader(String source, int index, ObjectNode node, Path baseDir, String envName) {
            this.source = source;
            this.index = index;
            this.node = node;
            this.baseDir = baseDir;
            this.envName = envName == null ? "" : envName;
            this.label = "apps[" + index + "]";
        }

        AppConfig read() {
            JsonNode declaredName = node.get("name");
            if (declaredName != null && declaredName.isTextual()) {
                label = "app '" + declaredName.asText() + "' (apps[" + index + "])";
            }
            Map<String, Map<String, String>> envProfiles = new LinkedHashMap<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (f.startsWith("env_")) {
                    envProfiles.put(f.substring(4), stringMap(f));
                } else if (UNSUPPORTED.containsKey(f)) {
                    fail(f, UNSUPPORTED.get(f));
                } else if (!FIELDS.contains(f)) {
                    fail(f, "unknown field" + suggestion(f));
                }
            }
            String script = text("script", null);
            String name = text("name", null);
            if (script == null || script.isBlank()) {
                fail("script", "missing: every app needs the program to run");
            }
            if (name == null) {
                name = defaultName(script);
            }
            label = "app '" + name + "' (apps[" + index + "])";
            if (!NAME.matcher(name).matches()) {
                fail("name", "'" + name + "' is not a valid name (letters, digits, '.', '_' or '-', up to 64, starting with a letter or digit)");
            }
            Path cwd = baseDir.resolve(text("cwd", ".")).normalize();
            if (!Files.isDirectory(cwd)) {
                fail("cwd", "directory " + cwd + " does not exist");
            }
            List<String> command = command(script, cwd);

            Map<String, String> env = new LinkedHashMap<>(stringMap("env"));
            if (!envName.isEmpty()) {
                Map<String, String> profile = envProfiles.get(envName);
                if (profile == null) {
                    fail("env_" + envName, "--env " + envName + " was asked for but this app has no env_" + envName
                            + (envProfiles.isEmpty() ? "" : " (it has: env_" + String.join(", env_", envProfiles.keySet()) + ")"));
                }
                env.putAll(profile);
            }

            int instances = instances();
            int port = integer("port", 0, 0, 65535);
            FrontKind front = FrontKind.HTTP;
            if (node.has("front")) {
                try {
                    front = FrontKind.parse(text("front", "http"));
                } catch (IllegalArgumentException e) {
                    fail("front", e.getMessage());
                }
            }
            String killSignal = "SIGINT";
            if (node.has("kill_signal")) {
                try {
                    killSignal = Signals.normalize(text("kill_signal", "SIGINT"));
                } catch (IllegalArgumentException e) {
                    fail("kill_signal", e.getMessage());
                }
            }
            Optional<String> readyPattern = optionalText("ready_pattern");
            readyPattern.ifPresent(p -> {
                try {
                    Pattern.compile(p);
                } catch (PatternSyntaxException e) {
                    fail("ready_pattern", "not a valid regular expression: " + e.getDescription());
                }
            });
            Optional<String> dateFormat = optionalText("log_date_format");
            dateFormat.ifPresent(f -> {
                try {
                    LogDateFormat.parse(f);
                } catch (IllegalArgumentException e) {
                    fail("log_date_format", e.getMessage());
                }
            });
            LogPolicy logs = defaultLogs;
            if (node.has("log_max_size") || node.has("log_retain")) {
                try {
                    logs = new LogPolicy(size("log_max_size", defaultLogs.maxBytes()), integer("log_retain", defaultLogs.retain(), 0, 1000));
                } catch (IllegalArgumentException e) {
                    fail("log_max_size", e.getMessage());
                }
            }
            boolean mergeLogs = bool("merge_logs", false) || bool("combine_logs", false);
            String instanceVar = text("instance_var", AppConfig.DEFAULT_INSTANCE_VAR);
            bool("treekill", true);
            text("exec_mode", "fork");

            ObjectNode spec = node.deepCopy();
            spec.put("name", name);
            spec.put("cwd", cwd.toString());
            spec.put("script", script.contains("/") ? cwd.resolve(script).normalize().toString() : script);
            spec.set("env", JsonNodeFactory.instance.pojoNode(env));
            spec.remove(new ArrayList<>(envProfiles.keySet()).stream().map(k -> "env_" + k).toList());

            return new AppConfig(name, text("namespace", AppConfig.DEFAULT_NAMESPACE), command, cwd, env, instances,
                    port, front, bool("autorestart", true), integer("max_restarts", 16, 0, Integer.MAX_VALUE),
                    duration("min_uptime", Duration.ofMillis(1000)), duration("restart_delay", Duration.ZERO),
                    duration("exp_backoff_restart_delay", Duration.ZERO), duration("kill_timeout", Duration.ofMillis(1600)),
                    killSignal, stopExitCodes(), bool("wait_ready", false), duration("listen_timeout", Duration.ofMillis(3000)),
                    optionalText("ready_url"), readyPattern, duration("graceful_timeout", Duration.ofMillis(8000)),
                    optionalText("out_file").map(cwd::resolve), optionalText("error_file").map(cwd::resolve), mergeLogs,
                    dateFormat, logs, node.has("max_memory_restart") ? size("max_memory_restart", 0) : 0, instanceVar,
                    source.startsWith("/") ? Optional.of(Path.of(source)) : Optional.empty(), spec.toString());
        }

        private List<String> command(String script, Path cwd) {
            List<String> command = new ArrayList<>();
            String interpreter = text("interpreter", null);
            if (interpreter == null) {
                interpreter = Interpreters.forScript(script);
            }
            if (!"none".equals(interpreter)) {
                Optional<Path> exe = Executables.find(interpreter, cwd);
                if (exe.isEmpty()) {
                    fail("interpreter", "'" + interpreter + "' not found or not executable (looked on PATH"
                            + (interpreter.contains("/") ? "" : " and in " + cwd) + ")");
                }
                command.add(exe.get().toString());
                command.addAll(argList("interpreter_args"));
                command.addAll(argList("node_args"));
                Path scriptPath = cwd.resolve(script).normalize();
                if (!Files.isRegularFile(scriptPath)) {
                    fail("script", "'" + script + "' not found (looked for " + scriptPath + ")");
                }
                command.add(scriptPath.toString());
            } else {
                Optional<Path> exe = Executables.find(script, cwd);
                if (exe.isEmpty()) {
                    Path p = cwd.resolve(script);
                    fail("script", Files.exists(p) ? "'" + p + "' is not executable (chmod +x it, or set 'interpreter')"
                            : "'" + script + "' not found (looked on PATH and in " + cwd + ")");
                }
                command.add(exe.get().toString());
            }
            command.addAll(argList("args"));
            return command;
        }

        private String defaultName(String script) {
            String base = Path.of(script).getFileName().toString();
            int dot = base.lastIndexOf('.');
            return dot > 0 ? base.substring(0, dot) : base;
        }

        private int instances() {
            JsonNode v = node.get("instances");
            if (v == null) {
                return 1;
            }
            if (v.isTextual() && v.asText().equals("max")) {
                return cpus;
            }
            int n = integer("instances", 1, -cpus + 1, 1024);
            if (n == 0) {
                return cpus;
            }
            return n < 0 ? Math.max(1, cpus + n) : n;
        }

        private Set<Integer> stopExitCodes() {
            JsonNode v = node.get("stop_exit_codes");
            Set<Integer> codes = new TreeSet<>();
            if (v == null) {
                return codes;
            }
            if (v.isInt()) {
                codes.add(v.asInt());
            } else if (v.isArray()) {
                for (JsonNode c : v) {
                    if (!c.isInt()) {
                        fail("stop_exit_codes", "expected exit codes (integers), got " + c);
                    }
                    codes.add(c.asInt());
                }
            } else {
                fail("stop_exit_codes", "expected an integer or a list of integers, got " + v);
            }
            return codes;
        }

        private List<String> argList(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (v.isTextual()) {
                return List.of(CommandLine.parse("x " + v.asText()).getArguments());
            }
            if (v.isArray()) {
                List<String> out = new ArrayList<>();
                for (JsonNode a : v) {
                    if (!a.isValueNode()) {
                        fail(field, "expected a string or a list of strings, got " + v);
                    }
                    out.add(a.asText());
                }
                return out;
            }
            fail(field, "expected a string or a list of strings, got " + v);
            return List.of();
        }

        private Map<String, String> stringMap(String field) {
            JsonNode v = node.get(field);
            Map<String, String> out = new LinkedHashMap<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (!v.isObject()) {
                fail(field, "expected a map of variable names to values, got " + v);
            }
            v.fields().forEachRemaining(e -> {
                if (!e.getValue().isValueNode()) {
                    fail(field, "variable '" + e.getKey() + "' must be a string, number or boolean");
                }
                out.put(e.getKey(), e.getValue().asText());
            });
            return out;
        }

        private String text(String field, String dflt) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isTextual() && !v.isNumber()) {
                fail(field, "expected a string, got " + v);
            }
            return v.asText();
        }

        private Optional<String> optionalText(String field) {
            return Optional.ofNullable(text(field, null)).filter(s -> !s.isBlank());
        }

        private boolean bool(String field, boolean dflt) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (v.isBoolean()) {
                return v.asBoolean();
            }
            if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) {
                return Boolean.parseBoolean(v.asText());
            }
            fail(field, "expected true or false, got " + v);
            return dflt;
        }

        private int integer(String field, int dflt, int min, int max) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return dflt;
            }
            long n = 0;
            if (v.isIntegralNumber()) {
                n = v.asLong();
            } else if (v.isTextual() && v.asText().matches("-?\\d+")) {
                n = Long.parseLong(v.asText());
            } else {
                fail(field, "expected an integer, got " + v);
            }
            if (n < min || n > max) {
                fail(field, n + " is out of range (" + min + ".." + max + ")");
            }
            return (int) n;
        }

        private Duration duration(String field, Duration dflt) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isNumber() && !v.isTextual()) {
                fail(field, "expected a duration, got " + v);
            }
            try {
                Duration d = Units.parseDuration(v.asText());
                if (d.isNegative()) {
                    fail(field, "must not be negative");
                }
                return d;
            } catch (IllegalArgumentException e) {
                fail(field, e.getMessage());
                return dflt;
            }
        }

        private long size(String field, long dflt) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return dflt;
            }
            try {
                return Units.parseSize(v.asText());
            } catch (IllegalArgumentException e) {
                fail(field, e.getMessage());
                return dflt;
            }
        }

        private String suggestion(String field) {
            String best = null;
            int bestDistance = 3;
            for (String known : FIELDS) {
                int d = editDistance(field, known);
                if (d < bestDistance) {
                    best = known;
                    bestDistance = d;
                }
            }
            return best == null ? "" : " (did you mean '" + best + "'?)";
        }

        private void fail(String field, String why) {
            throw new ConfigException(source + ": " + label + ": field '" + field + "': " + why);
        }
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
