package dev.supervisor.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads an apps file into its JSON document, on the CLI's side: JSON, YAML, and pm2's JavaScript ecosystem files
 * ({@code *.config.js}, {@code .cjs}, {@code .mjs}), which are evaluated by {@code node} with the CLI's environment
 * and working directory, exactly as {@code pm2 start ecosystem.config.js} does. The daemon never runs user JS: it
 * receives the resulting document.
 */
public final class EcosystemFile {
    /** Evaluation of a JS file may not take longer than this (a config file that hangs is an error, not a wait). */
    private static final long NODE_TIMEOUT_SECONDS = 30;
    private static final String MARKER = "@@supervisor-ecosystem-json@@";
    /**
     * Loads the module (require, or import for ESM), takes its default export, calls it if it is a function (and
     * awaits it), then prints it as JSON after a marker, so the file's own console.log output does no harm.
     */
    private static final String EVALUATOR = String.join("\n",
            "const f = process.argv[1];",
            "const url = require('url');",
            "(async () => {",
            "  let m;",
            "  if (f.endsWith('.mjs')) { m = await import(url.pathToFileURL(f).href); }",
            "  else { try { m = require(f); } catch (e) {",
            "    if (e && (e.code === 'ERR_REQUIRE_ESM' || e.code === 'ERR_REQUIRE_ASYNC_MODULE')) m = await import(url.pathToFileURL(f).href); else throw e; } }",
            "  let c = m;",
            "  if (c && typeof c === 'object' && 'default' in c && (c.__esModule || Object.prototype.toString.call(c) === '[object Module]')) c = c.default;",
            "  if (typeof c === 'function') c = await c();",
            "  process.stdout.write('\\n" + MARKER + "' + JSON.stringify(c === undefined ? null : c));",
            "})().catch(e => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exit(1); });");

    private EcosystemFile() {
    }

    /** pm2's test: JSON, YAML, or a JS file named {@code *.config.js|cjs|mjs}. */
    public static boolean isEcosystemFile(String arg) {
        String lower = arg.toLowerCase(Locale.ROOT);
        return lower.endsWith(".json") || lower.endsWith(".yml") || lower.endsWith(".yaml") || isJavaScript(lower);
    }

    static boolean isJavaScript(String lower) {
        return lower.endsWith(".config.js") || lower.endsWith(".config.cjs") || lower.endsWith(".config.mjs");
    }

    /**
     * The file's document. {@code env} and {@code cwd} are those of the CLI invocation (node runs with them, so
     * {@code process.env} in the file sees what the user's shell has).
     */
    public static JsonNode read(Path file, Map<String, String> env, Path cwd) {
        Path abs = cwd.resolve(file).toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs)) {
            throw new ConfigException(abs + ": apps file not found");
        }
        String lower = abs.toString().toLowerCase(Locale.ROOT);
        if (isJavaScript(lower)) {
            return evaluate(abs, env, cwd);
        }
        boolean isJson = lower.endsWith(".json");
        ObjectMapper mapper = isJson ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        try {
            JsonNode root = mapper.readTree(abs.toFile());
            if (root == null || root.isMissingNode()) {
                throw new ConfigException(abs + ": the file is empty (expected a top-level 'apps' list)");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(abs + ": not valid " + (isJson ? "JSON" : "YAML")
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(abs + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static JsonNode evaluate(Path file, Map<String, String> env, Path cwd) {
        Optional<Path> node = findNode(env);
        if (node.isEmpty()) {
            throw new ConfigException(file + ": a JavaScript ecosystem file needs 'node' to be evaluated, and no 'node' is on "
                    + "PATH (" + env.getOrDefault("PATH", "unset") + "); install Node.js, or convert the file to JSON or YAML");
        }
        ProcessBuilder pb = new ProcessBuilder(node.get().toString(), "-e", EVALUATOR, file.toString()).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process p = pb.start();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(NODE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ConfigException(file + ": node did not finish evaluating the file within " + NODE_TIMEOUT_SECONDS + " s");
            }
            // node has exited; a child it left behind could still hold the pipe open, so the read is bounded too.
            String stdout = out.get(5, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                throw new ConfigException(file + ": node could not evaluate the file (exit code " + p.exitValue() + "): "
                        + firstLines(within(err), 6));
            }
            int at = stdout.lastIndexOf(MARKER);
            if (at < 0) {
                throw new ConfigException(file + ": node printed no configuration: " + firstLines(within(err), 6));
            }
            JsonNode root = new ObjectMapper().readTree(stdout.substring(at + MARKER.length()));
            if (root == null || root.isNull()) {
                throw new ConfigException(file + ": the module exports nothing (expected module.exports = { apps: [...] })");
            }
            return root;
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot run node to evaluate it: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigException(file + ": interrupted while node evaluated it");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ConfigException(file + ": node exited but its output did not end within 5 s (a process it started "
                    + "still holds it?); make the config file only export the apps");
        }
    }

    private static Optional<Path> findNode(Map<String, String> env) {
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, "node");
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    private static String firstLines(String text, int n) {
        List<String> lines = text.strip().lines().limit(n).toList();
        return lines.isEmpty() ? "(no error output)" : String.join("\n  ", lines);
    }

    /** What a stream said, waited for a bounded time: a process node left behind may hold the pipe open. */
    private static String within(CompletableFuture<String> drained) {
        try {
            return drained.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return "(its output did not end)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
