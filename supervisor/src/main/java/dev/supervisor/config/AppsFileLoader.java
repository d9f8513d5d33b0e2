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
    /** Where the dump keeps the CLI environment an app was started with (not a pm2 field). */
    public static final String BASE_ENV_FIELD = "supervisor_base_env";
    /** What apps get when no CLI environment is known (a JMX caller): enough to run, none of the daemon's secrets. */
    private static final List<String> MINIMAL_ENV = List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL",
            "LC_CTYPE", "TZ", "TMPDIR");
    /** pm2's "time: true": an ISO-like timestamp on every line. */
    static final String TIME_FORMAT = "YYYY-MM-DDTHH:mm:ss";

    private final ObjectMapper json = new ObjectMapper();
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final LogPolicy defaultLogs;
    private final int cpus;

    public AppsFileLoader(LogPolicy defaultLogs) {
        this.defaultLogs = defaultLogs;
        this.cpus = Runtime.getRuntime().availableProcessors();
    }

    /** JSON, YAML or a pm2 JavaScript ecosystem file ({@code *.config.js|cjs|mjs}). */
    public static boolean isAppsFile(String arg) {
        return EcosystemFile.isEcosystemFile(arg);
    }

    /**
     * Loads every app of a JSON or YAML file; {@code envName} picks the {@code env_<name>} blocks, may be empty.
     * The daemon reads files itself only for JMX callers; the CLI sends an {@link AppsRequest}.
     */
    public List<AppConfig> load(Path file, String envName) {
        Path abs = file.toAbsolutePath().normalize();
        if (EcosystemFile.isJavaScript(abs.toString().toLowerCase(Locale.ROOT))) {
            throw new ConfigException(abs + ": a JavaScript ecosystem file is evaluated by the CLI (bin/supervisor start "
                    + abs.getFileName() + "); the daemon does not run user code: convert it to JSON or YAML to pass it over JMX");
        }
        JsonNode root = EcosystemFile.read(abs, Map.of(), Path.of("/"));
        return load(new AppsRequest(root, abs.toString(), abs.getParent(), envName, Optional.empty(), "", 0, "")).apps();
    }

    /** Loads the apps of a request: the document's apps, filtered and overridden as the request says. */
    public LoadedApps load(AppsRequest request) {
        String source = request.source();
        JsonNode root = request.document();
        JsonNode apps = root != null && root.isObject() ? root.get("apps") : root;
        if (root != null && root.isObject()) {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("apps") && !f.equals("deploy")) {
                    throw new ConfigException(source + ": unknown top-level field '" + f + "' (expected 'apps')");
                }
            }
        }
        if (apps == null || !apps.isArray()) {
            throw new ConfigException(source + ": expected a top-level 'apps' list");
        }
        if (apps.isEmpty()) {
            throw new ConfigException(source + ": 'apps' is empty");
        }
        Warnings warnings = new Warnings(source);
        List<AppConfig> configs = fromNodes((ArrayNode) apps, source, request.baseDir(), request.envName(), request.cliEnv(), warnings);
        if (!request.only().isBlank()) {
            configs = configs.stream().filter(c -> c.name().equals(request.only())).toList();
            if (configs.isEmpty()) {
                throw new ConfigException(source + ": no app named '" + request.only() + "'");
            }
        }
        if (request.instances() != 0) {
            configs = configs.stream().map(c -> c.withInstances(request.instances())).toList();
        }
        if (!request.namespace().isBlank()) {
            configs = configs.stream().map(c -> c.withNamespace(request.namespace())).toList();
        }
        return new LoadedApps(configs, warnings.lines());
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
        return fromNodes(arr, "command line", cwd, "", Optional.empty(), new Warnings("command line")).get(0);
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
        return fromNodes(arr, source, Path.of("/"), "", Optional.empty(), new Warnings(source));
    }

    private List<AppConfig> fromNodes(ArrayNode apps, String source, Path baseDir, String envName,
                                      Optional<Map<String, String>> cliEnv, Warnings warnings) {
        List<AppConfig> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < apps.size(); i++) {
            JsonNode node = apps.get(i);
            if (!node.isObject()) {
                throw new ConfigException(source + ": apps[" + i + "]: expected an object with at least 'script'");
            }
            AppConfig app = new AppReader(source, i, normalizeAliases((ObjectNode) node), baseDir, envName, cliEnv, warnings).read();
            if (!names.add(app.name())) {
                throw new ConfigException(source + ": app '" + app.name() + "' (apps[" + i + "]): field 'name': "
                        + "duplicate name '" + app.name() + "' (each app needs its own name)");
            }
            result.add(app);
        }
        return result;
    }

    /** pm2's aliases (out, err, cron, combine_logs, exec_interpreter, ...) under their main name; the main name wins. */
    private static ObjectNode normalizeAliases(ObjectNode node) {
        ObjectNode copy = node.deepCopy();
        for (Map.Entry<String, String> a : Pm2Fields.ALIASES.entrySet()) {
            JsonNode v = copy.remove(a.getKey());
            if (v != null && !copy.has(a.getValue())) {
                copy.set(a.getValue(), v);
            }
        }
        return copy;
    }

    /** Collects what a file gets told once: the fields ignored here (and why), and the missing env_<name> blocks. */
    private static final class Warnings {
        private final String source;
        private final Map<String, Set<String>> ignored = new java.util.TreeMap<>();
        private final List<String> other = new ArrayList<>();

        Warnings(String source) {
            this.source = source;
        }

        void ignored(String field, String app) {
            ignored.computeIfAbsent(field, f -> new java.util.LinkedHashSet<>()).add(app);
        }

        void add(String line) {
            other.add(line);
        }

        List<String> lines() {
            List<String> out = new ArrayList<>(other);
            if (!ignored.isEmpty()) {
                StringBuilder sb = new StringBuilder(source + ": these pm2 fields are accepted and ignored:");
                for (Map.Entry<String, Set<String>> e : ignored.entrySet()) {
                    sb.append("\n  ").append(e.getKey()).append(" (").append(String.join(", ", e.getValue())).append("): ")
                            .append(Pm2Fields.IGNORED.get(e.getKey()));
                }
                out.add(sb.toString());
            }
            return out;
        }
    }

    /** Reads one app node; every error goes through {@link #fail}. */
    private final class AppReader {
        private final String source;
        private final int index;
        private final ObjectNode node;
        private final Path baseDir;
        private final String envName;
        private final Optional<Map<String, String>> cliEnv;
        private final Warnings warnings;
        private String label;

        AppReader(String source, int index, ObjectNode node, Path baseDir, String envName,
                  Optional<Map<String, String>> cliEnv, Warnings warnings) {
            this.source = source;
            this.index = index;
            this.node = node;
            this.baseDir = baseDir;
            this.envName = envName == null ? "" : envName;
            this.cliEnv = cliEnv;
            this.warnings = warnings;
            this.label = "apps[" + index + "]";
        }

        AppConfig read() {
            JsonNode declaredName = node.get("name");
            if (declaredName != null && declaredName.isTextual()) {
                label = "app '" + declaredName.asText() + "' (apps[" + index + "])";
            }
            Map<String, Map<String, String>> envProfiles = new LinkedHashMap<>();
            List<String> ignoredHere = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (f.startsWith("env_")) {
                    envProfiles.put(f.substring(4), stringMap(f));
                } else if (Pm2Fields.IGNORED.containsKey(f)) {
                    ignoredHere.add(f);
                } else if (!Pm2Fields.SUPPORTED.contains(f) && !f.equals(BASE_ENV_FIELD)) {
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
            if (bool("append_env_to_name", false) && !envName.isEmpty()) {
                name = name + "-" + envName;
            }
            for (String f : ignoredHere) {
                warnings.ignored(f, name);
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
                    // pm2 warns and starts the app with its plain env.
                    warnings.add(source + ": app '" + name + "': environment [" + envName + "] is not defined (no env_" + envName
                            + (envProfiles.isEmpty() ? "" : "; it has env_" + String.join(", env_", envProfiles.keySet()))
                            + "): starting it with 'env' only");
                } else {
                    env.putAll(profile);
                }
            }
            Map<String, String> baseEnv = baseEnv();

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
            if (dateFormat.isEmpty() && bool("time", false)) {
                dateFormat = Optional.of(TIME_FORMAT);
            }
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
            Optional<String> cron = optionalText("cron_restart");
            cron.ifPresent(c -> {
                try {
                    CronExpressions.parse(c);
                } catch (IllegalArgumentException e) {
                    fail("cron_restart", e.getMessage());
                }
            });
            WatchSpec watch = watch(cwd);
            Optional<Path> logFile = logFile(name, cwd);
            Optional<String> incrementVar = optionalText("increment_var");
            boolean autostart = bool("autostart", true);

            ObjectNode spec = node.deepCopy();
            spec.put("name", name);
            spec.put("cwd", cwd.toString());
            spec.put("script", script.contains("/") ? cwd.resolve(script).normalize().toString() : script);
            spec.set("env", JsonNodeFactory.instance.pojoNode(env));
            spec.remove(new ArrayList<>(envProfiles.keySet()).stream().map(k -> "env_" + k).toList());
            spec.remove("append_env_to_name");
            spec.set(BASE_ENV_FIELD, JsonNodeFactory.instance.pojoNode(new java.util.TreeMap<>(baseEnv)));
            final Optional<String> dates = dateFormat;

            return new AppConfig(name, text("namespace", AppConfig.DEFAULT_NAMESPACE), command, cwd, env, instances,
                    port, front, bool("autorestart", true), integer("max_restarts", 16, 0, Integer.MAX_VALUE),
                    duration("min_uptime", Duration.ofMillis(1000)), duration("restart_delay", Duration.ZERO),
                    duration("exp_backoff_restart_delay", Duration.ZERO), duration("kill_timeout", Duration.ofMillis(1600)),
                    killSignal, stopExitCodes(), bool("wait_ready", false), duration("listen_timeout", Duration.ofMillis(3000)),
                    optionalText("ready_url"), readyPattern, duration("graceful_timeout", Duration.ofMillis(8000)),
                    optionalText("out_file").map(cwd::resolve), optionalText("error_file").map(cwd::resolve), mergeLogs,
                    dates, logs, node.has("max_memory_restart") ? size("max_memory_restart", 0) : 0, instanceVar,
                    source.startsWith("/") ? Optional.of(Path.of(source)) : Optional.empty(), spec.toString(),
                    autostart, logFile, cron, watch, baseEnv, incrementVar);
        }

        /**
         * The environment under the app's env: the saved one (dump), else the CLI's (filtered as filter_env says),
         * else a minimal one; never the daemon's own.
         */
        private Map<String, String> baseEnv() {
            if (node.get(BASE_ENV_FIELD) != null && node.get(BASE_ENV_FIELD).isObject()) {
                return stringMap(BASE_ENV_FIELD);
            }
            Map<String, String> base = new LinkedHashMap<>();
            if (cliEnv.isEmpty()) {
                for (String k : MINIMAL_ENV) {
                    String v = System.getenv(k);
                    if (v != null) {
                        base.put(k, v);
                    }
                }
                return base;
            }
            base.putAll(cliEnv.get());
            JsonNode filter = node.get("filter_env");
            if (filter == null || filter.isNull() || (filter.isBoolean() && !filter.asBoolean())) {
                return base;
            }
            if (filter.isBoolean()) {
                base.keySet().retainAll(MINIMAL_ENV);
                return base;
            }
            List<String> prefixes = argList("filter_env");
            base.keySet().removeIf(k -> prefixes.stream().anyMatch(k::startsWith));
            return base;
        }

        private WatchSpec watch(Path cwd) {
            JsonNode v = node.get("watch");
            if (v == null || v.isNull() || (v.isBoolean() && !v.asBoolean())
                    || (v.isTextual() && v.asText().equals("false"))) {
                if (node.has("ignore_watch")) {
                    argList("ignore_watch");
                }
                return WatchSpec.OFF;
            }
            List<Path> paths = new ArrayList<>();
            if (v.isBoolean() || (v.isTextual() && v.asText().equals("true"))) {
                paths.add(cwd);
            } else {
                for (String p : argListRaw("watch")) {
                    Path abs = cwd.resolve(p).normalize();
                    if (!Files.exists(abs)) {
                        fail("watch", "'" + p + "' does not exist (looked for " + abs + ")");
                    }
                    paths.add(abs);
                }
            }
            List<String> ignore = node.has("ignore_watch") ? argListRaw("ignore_watch") : List.of();
            for (String i : ignore) {
                try {
                    WatchPatterns.compile(i);
                } catch (IllegalArgumentException e) {
                    fail("ignore_watch", e.getMessage());
                }
            }
            return new WatchSpec(true, paths, ignore, duration("watch_delay", WatchSpec.DEFAULT_DELAY));
        }

        private Optional<Path> logFile(String name, Path cwd) {
            JsonNode v = node.get("log_file");
            if (v == null || v.isNull() || (v.isBoolean() && !v.asBoolean())) {
                return Optional.empty();
            }
            if (v.isBoolean()) {
                return Optional.of(Path.of(name + ".log")); // relative: in the supervisor's log directory, as pm2's
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                fail("log_file", "expected true, false or a file path, got " + v);
            }
            return Optional.of(cwd.resolve(v.asText()).normalize());
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

        /** A string or a list of strings, taken as they are (no shell-style splitting). */
        private List<String> argListRaw(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (v.isTextual()) {
                return List.of(v.asText());
            }
            return argList(field);
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
            for (String known : Pm2Fields.SUPPORTED) {
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
