package dev.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.supervisor.config.AppsRequest;
import dev.supervisor.config.ConfigException;
import dev.supervisor.config.EcosystemFile;
import dev.supervisor.config.EnvJson;
import dev.supervisor.config.DaemonSettings;
import dev.supervisor.config.DaemonSettingsLoader;
import dev.supervisor.daemon.Daemon;
import dev.supervisor.daemon.Installation;
import dev.supervisor.logs.LogTail;
import dev.supervisor.management.Credentials;
import dev.supervisor.mbeans.ObjectNames;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.concurrent.Callable;

/**
 * {@code bin/supervisor}: every command talks to the daemon through Jolokia, the same path scripts use, and
 * starts the daemon first if none answers. Exit codes: 0 ok, 1 the operation failed, 2 usage error.
 */
@Command(name = "supervisor", mixinStandardHelpOptions = true, versionProvider = SupervisorCli.Version.class,
        description = "A process supervisor managed the JVM way (pm2-compatible commands).",
        subcommands = {
                SupervisorCli.Start.class, SupervisorCli.Stop.class, SupervisorCli.Restart.class, SupervisorCli.Reload.class,
                SupervisorCli.Delete.class, SupervisorCli.Scale.class, SupervisorCli.ListCmd.class, SupervisorCli.Describe.class,
                SupervisorCli.Logs.class, Monit.class, SupervisorCli.Flush.class, SupervisorCli.ReloadLogs.class, SupervisorCli.Ping.class,
                SupervisorCli.Save.class, SupervisorCli.Resurrect.class, SupervisorCli.Kill.class, SupervisorCli.SendSignal.class,
                SupervisorCli.Reset.class, SupervisorCli.Console.class, SupervisorCli.Startup.class, SupervisorCli.DaemonCmd.class,
                SupervisorCli.Jlist.class, SupervisorCli.Unstartup.class, SupervisorCli.Update.class, SupervisorCli.Prettylist.class, SupervisorCli.Env.class,
                CommandLine.HelpCommand.class})
public final class SupervisorCli {
    static final String GOD = ObjectNames.GOD;

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Terminal term;
    private DaemonSettings settings;
    private JolokiaClient client;
    private String password = "";

    SupervisorCli(Map<String, String> env, PrintWriter out, PrintWriter err, Terminal term) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.term = term;
    }

    public static void main(String[] args) {
        // Always UTF-8 bytes (app log text stays intact); the locale only decides box drawing and symbols.
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        Map<String, String> env = System.getenv();
        System.exit(run(args, env, out, err, Terminal.detect(env, FastCli.stdoutIsTerminal())));
    }

    /** Runs one command; returns the exit code. Output as for a pipe: no colours. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        return run(args, env, out, err, Terminal.detect(env, false));
    }

    /** How long {@code kill} and {@code update} wait for the daemon to exit once it has stopped its apps. */
    static final java.time.Duration DAEMON_EXIT_WAIT = java.time.Duration.ofSeconds(60);

    /** Waits for the daemon's process to end, with a deadline: a daemon that does not exit is an error, not a hang. */
    static void awaitDaemonExit(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return;
        }
        try {
            h.get().onExit().get(DAEMON_EXIT_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new DaemonError("the daemon (pid " + pid + ") did not exit within " + DAEMON_EXIT_WAIT.toSeconds()
                    + " s of the kill; an app with a long kill_timeout may still be stopping: check 'ps -p " + pid
                    + "', or end it with 'kill -9 " + pid + "' (the next daemon then stops what it left)");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new DaemonError("waiting for the daemon (pid " + pid + ") to exit: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonError("interrupted while waiting for the daemon (pid " + pid + ") to exit");
        }
    }

    static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, Terminal term) {
        SupervisorCli cli = new SupervisorCli(env, out, err, term);
        CommandLine cmd = new CommandLine(cli);
        // Every subcommand answers --help (and -h), as pm2's do.
        cmd.getSubcommands().values().forEach(sub -> sub.getCommandSpec().mixinStandardHelpOptions(true));
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof DaemonError || e instanceof DaemonUnreachable || e instanceof dev.supervisor.errors.UserError
                    || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                err.println("supervisor: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    DaemonSettings settings() {
        if (settings == null) {
            DaemonSettings s = DaemonSettingsLoader.load(env, Installation.directory());
            if (s.jolokiaPort() == 0) {
                // A daemon would take some free port, and this CLI (and the next) would never find it: each would
                // start another daemon in the same home and wait a minute for it.
                throw new ConfigException("the Jolokia port is 0 (SUPERVISOR_JOLOKIA_PORT, or jolokia_port in "
                        + "daemon.yml): the CLI reaches the daemon at a fixed port; set one (the default is 8778)");
            }
            settings = s;
        }
        return settings;
    }

    /** The client to a running daemon, starting one if none answers. */
    JolokiaClient client() {
        if (client == null) {
            client = clientIfRunning();
        }
        if (client == null) {
            DaemonSettings s = settings();
            err.println("supervisor: no daemon running, starting one (home " + s.home() + ")");
            DaemonLauncher.start(s, () -> {
                client = clientIfRunning();
                if (client == null) {
                    throw new DaemonUnreachable("not answering yet");
                }
            }, err);
        }
        return client;
    }

    /** The client if a daemon answers, else null (for commands that must not start one). */
    JolokiaClient clientIfRunning() {
        DaemonSettings s = settings();
        if (!Files.exists(s.credentialsFile())) {
            return null;
        }
        JolokiaClient c = newClient(s);
        try {
            c.exec(GOD, "ping");
            return c;
        } catch (DaemonUnreachable e) {
            return null;
        }
    }

    private JolokiaClient newClient(DaemonSettings s) {
        Credentials creds = Credentials.load(s.credentialsFile());
        password = creds.password();
        int timeout = 0;
        try {
            timeout = Integer.parseInt(env.getOrDefault("SUPERVISOR_CLI_TIMEOUT", "0").trim()) * 1000;
        } catch (NumberFormatException e) {
            // the default then
        }
        return new JolokiaClient(s.jolokiaUrl(), creds.username(), creds.password(), timeout);
    }

    void printList() {
        ProcessTable.print(client().exec(GOD, "list"), out, term);
    }

    static String absolute(String fileOrScript) {
        Path p = Path.of(fileOrScript);
        if (EcosystemFile.isEcosystemFile(fileOrScript) || fileOrScript.contains("/") || Files.exists(p)) {
            return p.toAbsolutePath().normalize().toString();
        }
        return fileOrScript;
    }

    Path cwd() {
        return Path.of("").toAbsolutePath();
    }

    /**
     * The environment apps started by this command get (pm2: the CLI's). The admin password never travels on,
     * even when the user's shell has it exported (e.g. for curl).
     */
    Map<String, String> appEnvironment() {
        client();
        Map<String, String> e = new LinkedHashMap<>(env);
        if (password.length() >= 8) {
            e.values().removeIf(v -> v.contains(password));
        }
        return e;
    }

    /** Starts (or applies by reload) an apps document and follows it to the end; 0 when every app came up. */
    int apply(JsonNode document, String source, Path baseDir, String envName, String only, int parallel, boolean force) {
        AppsRequest req = new AppsRequest(document, source, baseDir, envName == null ? "" : envName,
                Optional.of(appEnvironment()), only == null ? "" : only, 0, "");
        String ticket = client().exec(GOD, "beginApply", req.toJson(), parallel, force).asText();
        boolean ok = follow(ticket);
        JsonNode list = client().exec(GOD, "list");
        ProcessTable.print(list, out, term);
        Set<String> names = new LinkedHashSet<>();
        JsonNode apps = document.isObject() ? document.path("apps") : document;
        for (JsonNode a : apps) {
            names.add(a.path("name").asText(""));
        }
        for (JsonNode p : list) {
            if (names.contains(p.path("name").asText()) && p.path("status").asText().equals("errored")) {
                err.println("supervisor: " + p.path("name").asText() + "[" + p.path("id").asText() + "] is errored: "
                        + p.path("lastExit").asText() + " (see " + p.path("errLog").asText() + ")");
                ok = false;
            }
        }
        return ok ? 0 : 1;
    }

    /** Prints a ticket's lines as they come (long polls: each call returns within a second); true if all went well. */
    boolean follow(String ticket) {
        int next = 0;
        while (true) {
            JsonNode p = client().exec(GOD, "reloadProgress", ticket, next);
            for (JsonNode line : p.path("lines")) {
                String l = line.asText();
                (l.startsWith("warning: ") ? err : out).println("[supervisor] " + l);
            }
            out.flush();
            next = p.path("next").asInt();
            if (p.path("finished").asBoolean()) {
                boolean ok = true;
                for (JsonNode r : p.path("results")) {
                    if (!"done".equals(r.path("outcome").asText())) {
                        ok = false;
                        err.println("supervisor: " + r.path("app").asText() + ": " + r.path("outcome").asText()
                                + (r.path("reason").asText().isEmpty() ? "" : ": " + r.path("reason").asText()));
                    }
                }
                return ok;
            }
        }
    }

    JsonNode readDocument(String file) {
        return EcosystemFile.read(Path.of(file), env, cwd());
    }

    /** The app names an apps document declares (name, or the script's base name as the loader defaults it). */
    static List<String> appNames(JsonNode document) {
        List<String> names = new ArrayList<>();
        JsonNode apps = document.isObject() ? document.path("apps") : document;
        for (JsonNode a : apps) {
            String name = a.path("name").asText("");
            if (name.isEmpty()) {
                String script = a.path("script").asText(a.path("exec").asText(""));
                String base = Path.of(script.isEmpty() ? "app" : script).getFileName().toString();
                int dot = base.lastIndexOf('.');
                name = dot > 0 ? base.substring(0, dot) : base;
            }
            names.add(name);
        }
        return names;
    }

    // ---- commands ------------------------------------------------------------------------------------

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        SupervisorCli cli;
    }

    abstract static class TargetOp extends Sub {
        @Parameters(index = "0", paramLabel = "<target>", description = "id, name, namespace, /regex/, all, or an apps file")
        String target;

        abstract String operation();

        abstract String verb();

        @Override
        public Integer call() {
            if (EcosystemFile.isEcosystemFile(target)) {
                return onFile(cli.readDocument(target));
            }
            JsonNode ids = cli.client().exec(GOD, operation(), target);
            cli.out.println("[supervisor] " + verb() + " " + target + " (ids " + ids + ")");
            cli.printList();
            return 0;
        }

        /** The command on every app an apps file declares (pm2 accepts a file wherever it accepts a name). */
        Integer onFile(JsonNode document) {
            Set<String> running = new LinkedHashSet<>();
            cli.client().exec(GOD, "list").forEach(p -> running.add(p.path("name").asText()));
            for (String name : appNames(document)) {
                if (running.contains(name)) {
                    JsonNode ids = cli.client().exec(GOD, operation(), name);
                    cli.out.println("[supervisor] " + verb() + " " + name + " (ids " + ids + ")");
                } else {
                    cli.err.println("[supervisor] " + name + " is not in the list, skipped");
                }
            }
            cli.printList();
            return 0;
        }
    }

    /** pm2's start flags; each given one overrides the field of every app started (pm2 does the same). */
    static final class StartFlags {
        @Option(names = {"-i", "--instances"}, paramLabel = "<N|max>", description = "instances: a number, max (CPUs), 0 (CPUs) or -1 (CPUs-1)")
        String instances;
        @Option(names = "--watch", description = "reload when a file under the app's cwd changes")
        Boolean watch;
        @Option(names = "--ignore-watch", paramLabel = "<paths>", description = "paths/regexes to ignore (space separated)")
        String ignoreWatch;
        @Option(names = "--watch-delay", paramLabel = "<ms>")
        String watchDelay;
        @Option(names = "--max-memory-restart", paramLabel = "<size>", description = "e.g. 200M: reload an instance above it")
        String maxMemoryRestart;
        @Option(names = {"--cron", "--cron-restart", "-c"}, paramLabel = "<expr>", description = "reload on a cron schedule")
        String cron;
        @Option(names = "--no-autorestart", description = "do not restart the app when it exits")
        boolean noAutorestart;
        @Option(names = "--interpreter", paramLabel = "<program>", description = "e.g. node, python3, bash, none")
        String interpreter;
        @Option(names = {"--interpreter-args", "--node-args"}, paramLabel = "<args>", description = "arguments for the interpreter")
        String interpreterArgs;
        @Option(names = {"-o", "--output"}, paramLabel = "<path>", description = "stdout log file")
        String output;
        @Option(names = {"-e", "--error"}, paramLabel = "<path>", description = "stderr log file")
        String error;
        @Option(names = {"-l", "--log"}, arity = "0..1", fallbackValue = "true", paramLabel = "<path>", description = "combined log file")
        String log;
        @Option(names = "--time", description = "prefix log lines with the time")
        boolean time;
        @Option(names = "--log-date-format", paramLabel = "<format>", description = "e.g. \"YYYY-MM-DD HH:mm:ss\"")
        String logDateFormat;
        @Option(names = "--merge-logs", description = "one log pair for all instances")
        boolean mergeLogs;
        @Option(names = "--kill-timeout", paramLabel = "<ms>")
        String killTimeout;
        @Option(names = "--wait-ready", description = "ready only when the app says so (sd_notify READY=1)")
        boolean waitReady;
        @Option(names = "--listen-timeout", paramLabel = "<ms>")
        String listenTimeout;
        @Option(names = "--max-restarts", paramLabel = "<n>")
        Integer maxRestarts;
        @Option(names = "--restart-delay", paramLabel = "<ms>")
        String restartDelay;
        @Option(names = "--exp-backoff-restart-delay", paramLabel = "<ms>")
        String expBackoff;
        @Option(names = "--port", paramLabel = "<port>", description = "the app's public port (its front)")
        Integer port;
        @Option(names = "--kill-signal", paramLabel = "<signal>")
        String killSignal;
        @Option(names = "--cwd", paramLabel = "<dir>")
        String cwd;

        void applyTo(ObjectNode app) {
            if (instances != null) {
                if (instances.matches("-?\\d+")) {
                    app.put("instances", Integer.parseInt(instances));
                } else {
                    app.put("instances", instances);
                }
            }
            if (watch != null) {
                app.put("watch", watch);
            }
            if (ignoreWatch != null) {
                ArrayNode a = app.putArray("ignore_watch");
                for (String i : ignoreWatch.trim().split("\\s+")) {
                    a.add(i);
                }
            }
            putIf(app, "watch_delay", watchDelay);
            putIf(app, "max_memory_restart", maxMemoryRestart);
            putIf(app, "cron_restart", cron);
            if (noAutorestart) {
                app.put("autorestart", false);
            }
            putIf(app, "interpreter", interpreter);
            putIf(app, "interpreter_args", interpreterArgs);
            putIf(app, "out_file", output);
            putIf(app, "error_file", error);
            if (log != null) {
                if (log.equals("true")) {
                    app.put("log_file", true);
                } else {
                    app.put("log_file", log);
                }
            }
            if (time) {
                app.put("time", true);
            }
            putIf(app, "log_date_format", logDateFormat);
            if (mergeLogs) {
                app.put("merge_logs", true);
            }
            putIf(app, "kill_timeout", killTimeout);
            if (waitReady) {
                app.put("wait_ready", true);
            }
            putIf(app, "listen_timeout", listenTimeout);
            if (maxRestarts != null) {
                app.put("max_restarts", maxRestarts);
            }
            putIf(app, "restart_delay", restartDelay);
            putIf(app, "exp_backoff_restart_delay", expBackoff);
            if (port != null) {
                app.put("port", port);
            }
            putIf(app, "kill_signal", killSignal);
            putIf(app, "cwd", cwd);
        }

        private static void putIf(ObjectNode app, String field, String value) {
            if (value != null) {
                app.put(field, value);
            }
        }
    }

    @Command(name = "start", description = "Start the apps of an apps file (JSON, YAML, ecosystem.config.js), a script, or a stopped app by name or id. "
            + "Apps of the file that already run get its config and env by zero-downtime reload.")
    static final class Start extends Sub {
        @Parameters(index = "0", paramLabel = "<file|script|name|id>")
        String target;
        @Parameters(index = "1..*", paramLabel = "<args>", description = "after --: arguments for the script")
        List<String> args = new ArrayList<>();
        @Option(names = {"--name", "-n"}, description = "app name (with an apps file: start only this app)")
        String name = "";
        @Option(names = "--only", description = "with an apps file: start only this app")
        String only = "";
        @Option(names = "--env", description = "use the env_<name> block of each app")
        String envName = "";
        @Option(names = "--namespace")
        String namespace;
        @Option(names = "--update-env", description = "accepted for pm2 compatibility: the CLI's environment is always applied")
        boolean updateEnv;
        @Option(names = {"-f", "--force"}, description = "accepted for pm2 compatibility")
        boolean force;
        @CommandLine.ArgGroup(exclusive = false)
        StartFlags flags = new StartFlags();

        @Override
        public Integer call() {
            Path cwd = cli.cwd();
            if (EcosystemFile.isEcosystemFile(target)) {
                JsonNode doc = cli.readDocument(target);
                JsonNode apps = doc.isObject() ? doc.get("apps") : doc;
                if (apps != null && apps.isArray()) {
                    for (JsonNode a : apps) {
                        if (a.isObject()) {
                            flags.applyTo((ObjectNode) a);
                            if (namespace != null) {
                                ((ObjectNode) a).put("namespace", namespace);
                            }
                        }
                    }
                }
                Path file = cwd.resolve(target).normalize();
                return cli.apply(doc, file.toString(), file.getParent(), envName, only.isEmpty() ? name : only, 0, false);
            }
            if (!Files.exists(cwd.resolve(target)) && target.matches("[A-Za-z0-9][A-Za-z0-9._-]*") && isKnown(target)) {
                JsonNode ids = cli.client().exec(GOD, "startStopped", target);
                cli.out.println(ids.isEmpty() ? "[supervisor] " + target + " is already running (restart or reload it to start it anew)"
                        : "[supervisor] started " + target + " (ids " + ids + ")");
                cli.printList();
                return 0;
            }
            ObjectNode app = JsonNodeFactory.instance.objectNode();
            app.put("script", target);
            if (!name.isEmpty()) {
                app.put("name", name);
            }
            if (namespace != null) {
                app.put("namespace", namespace);
            }
            if (!args.isEmpty()) {
                ArrayNode a = app.putArray("args");
                args.forEach(a::add);
            }
            flags.applyTo(app);
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            doc.putArray("apps").add(app);
            return cli.apply(doc, "command line", cwd, envName, "", 0, false);
        }

        private boolean isKnown(String nameOrId) {
            for (JsonNode p : cli.client().exec(GOD, "list")) {
                if (p.path("name").asText().equals(nameOrId) || p.path("id").asText().equals(nameOrId)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Command(name = "stop", description = "Stop instances (kill_signal, then SIGKILL after kill_timeout).")
    static final class Stop extends TargetOp {
        String operation() { return "stop"; }
        String verb() { return "stopped"; }
    }

    @Command(name = "restart", description = "Stop, then start (with downtime: use reload for none). Counts in ↺. "
            + "With an apps file: applies it (config and env) by reload.")
    static final class Restart extends TargetOp {
        @Option(names = "--update-env", description = "the apps take this command's environment")
        boolean updateEnv;
        @Option(names = "--env", description = "with an apps file: use its env_<name> blocks")
        String envName = "";

        String operation() { return "restart"; }
        String verb() { return "restarted"; }

        @Override
        public Integer call() {
            if (EcosystemFile.isEcosystemFile(target)) {
                Path file = cli.cwd().resolve(target).normalize();
                return cli.apply(cli.readDocument(target), file.toString(), file.getParent(), envName, "", 0, false);
            }
            if (updateEnv) {
                JsonNode ids = cli.client().exec(GOD, "restartWithEnv", target, EnvJson.toJson(cli.appEnvironment()));
                cli.out.println("[supervisor] restarted " + target + " with the updated environment (ids " + ids + ")");
                cli.printList();
                return 0;
            }
            return super.call();
        }
    }

    @Command(name = "delete", aliases = "del", description = "Stop instances and remove them from the list.")
    static final class Delete extends TargetOp {
        String operation() { return "delete"; }
        String verb() { return "deleted"; }

        @Override
        public Integer call() {
            if (!target.equals("all")) {
                return super.call();
            }
            // All at once in the daemon, a line as each app is gone: a long stop (kill_timeout) shows which app it is.
            boolean ok = cli.follow(cli.client().exec(GOD, "beginDelete", "all").asText());
            cli.printList();
            return ok ? 0 : 1;
        }
    }

    @Command(name = "reload", aliases = "startOrReload",
            description = "Zero-downtime reload: start new, wait ready, switch traffic, drain old, stop old. "
                    + "With an apps file, apps not running are started (pm2's startOrReload).")
    static final class Reload extends Sub {
        @Parameters(index = "0", paramLabel = "<target>", description = "id, name, namespace, /regex/, all, or an apps file")
        String target;
        @Option(names = "--parallel", description = "instances replaced at once (default 1: instances-1 keep serving)")
        int parallel;
        @Option(names = "--force", description = "queue behind a running reload of the same app instead of failing")
        boolean force;
        @Option(names = "--no-wait", description = "return at once; the daemon carries on")
        boolean noWait;
        @Option(names = "--env", description = "with an apps file: use its env_<name> blocks")
        String envName = "";
        @Option(names = "--update-env", description = "the apps take this command's environment")
        boolean updateEnv;
        @Option(names = "--only", description = "with an apps file: only this app")
        String only = "";
        @Option(names = "--surge", description = "start every new instance at once beside the old ones and switch each "
                + "as it gets ready: about one app start for any number of instances, briefly twice the processes")
        boolean surge;

        @Override
        public Integer call() {
            if (EcosystemFile.isEcosystemFile(target)) {
                Path file = cli.cwd().resolve(target).normalize();
                return cli.apply(cli.readDocument(target), file.toString(), file.getParent(), envName, only, parallel, force);
            }
            if (updateEnv) {
                // The new environment is taken by the new instances the reload starts.
                cli.client().exec(GOD, "setEnvironment", target, EnvJson.toJson(cli.appEnvironment()));
            }
            String ticket = surge ? cli.client().exec(GOD, "beginReloadWith", target, parallel, force, envName, true).asText()
                    : cli.client().exec(GOD, "beginReload", target, parallel, force, envName).asText();
            if (noWait) {
                cli.out.println("[supervisor] reload of " + target + " started (ticket " + ticket + ")");
                return 0;
            }
            boolean ok = cli.follow(ticket);
            if (!ok) {
                cli.err.println("supervisor: reload failed");
            }
            return ok ? 0 : 1;
        }
    }

    @Command(name = "scale", description = "Set the number of instances of an app (N), or add/remove some (+N/-N), without dropping requests.")
    static final class Scale extends Sub {
        @Parameters(index = "0", paramLabel = "<app>")
        String app;
        @Parameters(index = "1", paramLabel = "<N|+N|-N>")
        String instances;

        @Override
        public Integer call() {
            if (!instances.matches("[+-]?\\d+")) {
                throw new IllegalArgumentException("scale " + app + " " + instances + ": expected a number of instances (3), or +N / -N");
            }
            int n = Integer.parseInt(instances.startsWith("+") ? instances.substring(1) : instances);
            JsonNode ids = instances.startsWith("+") || instances.startsWith("-")
                    ? cli.client().exec(GOD, "scaleBy", app, n) : cli.client().exec(GOD, "scale", app, n);
            cli.out.println("[supervisor] scaled " + app + " to " + ids.size() + " instance(s)");
            cli.printList();
            return 0;
        }
    }

    @Command(name = "list", aliases = {"ls", "status", "l"}, description = "List every instance.")
    static final class ListCmd extends Sub {
        @Option(names = "--json", description = "print a JSON array (this supervisor's shape; jlist prints pm2's)")
        boolean json;

        @Override
        public Integer call() throws Exception {
            JsonNode list = cli.client().exec(GOD, "list");
            if (json) {
                cli.out.println(new ObjectMapper().writeValueAsString(list));
            } else {
                ProcessTable.print(list, cli.out, cli.term);
                String dump = cli.client().read(GOD, "DumpStatus").asText("ok");
                if (!dump.equals("ok")) {
                    cli.out.println("[supervisor] WARNING dump: " + dump);
                }
            }
            return 0;
        }
    }

    @Command(name = "jlist", description = "The process list as JSON in pm2's shape (pm_id, name, pid, pm2_env, monit).")
    static class Jlist extends Sub {
        boolean pretty() {
            return false;
        }

        @Override
        public Integer call() throws Exception {
            JsonNode list = cli.client().exec(GOD, "list");
            Map<Integer, Map<String, String>> envs = new HashMap<>();
            for (JsonNode p : list) {
                if (!"draining".equals(p.path("status").asText())) {
                    int id = p.path("id").asInt();
                    try {
                        envs.put(id, parseEnv(cli.client().exec(GOD, "environment", id).asText()));
                    } catch (DaemonError e) {
                        // gone meanwhile: no env
                    }
                }
            }
            ArrayNode out = Pm2Json.convert(list, envs::get);
            ObjectMapper json = new ObjectMapper();
            cli.out.println(pretty() ? json.writerWithDefaultPrettyPrinter().writeValueAsString(out) : json.writeValueAsString(out));
            return 0;
        }
    }

    @Command(name = "prettylist", description = "jlist, indented.")
    static final class Prettylist extends Jlist {
        @Override
        boolean pretty() {
            return true;
        }
    }

    static Map<String, String> parseEnv(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    @Command(name = "env", description = "Print the environment an instance runs with (pm2 env <id>).")
    static final class Env extends Sub {
        @Parameters(index = "0", paramLabel = "<id>")
        int id;

        @Override
        public Integer call() {
            cli.out.print(cli.client().exec(GOD, "environment", id).asText());
            return 0;
        }
    }

    @Command(name = "describe", aliases = {"show", "info"}, description = "Show everything about matching instances.")
    static final class Describe extends Sub {
        @Parameters(index = "0", paramLabel = "<target>")
        String target;

        @Override
        public Integer call() {
            cli.out.print(cli.client().exec(GOD, "describe", target).asText());
            return 0;
        }
    }

    @Command(name = "logs", description = "Print the last lines of the logs, then stream new ones until Ctrl-C (as pm2).")
    static final class Logs extends Sub {
        @Parameters(index = "0", arity = "0..1", paramLabel = "<target>", defaultValue = "all")
        String target;
        @Option(names = "--lines", description = "lines per file (default 15)")
        int lines = 15;
        @Option(names = "--nostream", description = "print and exit")
        boolean noStream;
        @Option(names = {"-f", "--follow"}, description = "stream (the default; kept for compatibility)")
        boolean follow;
        @Option(names = "--err", description = "only the error logs")
        boolean errOnly;
        @Option(names = "--out", description = "only the output logs")
        boolean outOnly;
        @Option(names = "--raw", description = "lines as they are, without the 'id|app |' prefix")
        boolean raw;
        @Option(names = "--timestamp", arity = "0..1", fallbackValue = "YYYY-MM-DD-HH:mm:ss", paramLabel = "<format>",
                description = "prefix each streamed line with the time it was printed")
        String timestamp;

        @Override
        public Integer call() throws Exception {
            JsonNode list = cli.client().exec(GOD, "list");
            Map<String, String> labels = new LinkedHashMap<>();
            boolean matched = false;
            for (JsonNode p : list) {
                if (target.equals("all") || target.equals(p.path("name").asText()) || target.equals(p.path("id").asText())
                        || target.equals(p.path("namespace").asText())) {
                    matched = true;
                    String label = p.path("id").asText() + "|" + p.path("name").asText();
                    if (!errOnly) {
                        labels.putIfAbsent(p.path("outLog").asText(), label);
                    }
                    if (!outOnly) {
                        labels.putIfAbsent(p.path("errLog").asText(), label);
                    }
                }
            }
            if (!matched && !target.equals("all")) {
                throw new DaemonError("Process or namespace '" + target + "' not found (try 'supervisor list')");
            }
            int width = labels.values().stream().mapToInt(String::length).max().orElse(0);
            java.time.format.DateTimeFormatter ts = timestamp == null ? null : dev.supervisor.logs.LogDateFormat.parse(timestamp);
            List<LogFollower.Source> sources = new ArrayList<>();
            if (!raw) {
                cli.out.println("[TAILING] Tailing last " + lines + " lines for [" + target + "] process"
                        + (noStream ? "" : " (Ctrl-C to stop)"));
            }
            for (Map.Entry<String, String> f : labels.entrySet()) {
                Path file = Path.of(f.getKey());
                String pad = f.getValue() + " ".repeat(width - f.getValue().length());
                UnaryOperator<String> format = raw ? UnaryOperator.identity() : line -> pad + " | " + line;
                LogTail.Tail tail = LogTail.tail(file, lines);
                if (!raw) {
                    cli.out.println(file + " last " + lines + " lines:");
                }
                tail.lines().forEach(l -> cli.out.println(format.apply(l)));
                UnaryOperator<String> live = ts == null ? format
                        : line -> format.apply(ts.format(java.time.ZonedDateTime.now()) + ": " + line);
                sources.add(new LogFollower.Source(file, tail.endOffset(), live));
            }
            cli.out.flush();
            if (!noStream) {
                LogFollower.follow(sources, cli.out);
            }
            return 0;
        }
    }

    @Command(name = "flush", description = "Empty the log files.")
    static final class Flush extends Sub {
        @Parameters(index = "0", arity = "0..1", paramLabel = "<target>", defaultValue = "all")
        String target;

        @Override
        public Integer call() {
            JsonNode files = cli.client().exec(GOD, "flush", target);
            files.forEach(f -> cli.out.println("[supervisor] flushed " + f.asText()));
            return 0;
        }
    }

    @Command(name = "reloadLogs", description = "Reopen every log file (after an external logrotate).")
    static final class ReloadLogs extends Sub {
        @Override
        public Integer call() {
            cli.client().exec(GOD, "reloadLogs");
            cli.out.println("[supervisor] logs reopened");
            return 0;
        }
    }

    @Command(name = "ping", description = "Check that the daemon answers (starting it if needed).")
    static final class Ping extends Sub {
        @Override
        public Integer call() {
            cli.out.println(cli.client().exec(GOD, "ping").asText());
            return 0;
        }
    }

    @Command(name = "save", aliases = "dump", description = "Save the process list for resurrect.")
    static final class Save extends Sub {
        @Override
        public Integer call() {
            cli.out.println("[supervisor] saved to " + cli.client().exec(GOD, "save").asText());
            return 0;
        }
    }

    @Command(name = "resurrect", description = "Start the saved apps that are not running.")
    static final class Resurrect extends Sub {
        @Override
        public Integer call() {
            boolean ok = cli.follow(cli.client().exec(GOD, "beginResurrect").asText());
            cli.printList();
            return ok ? 0 : 1;
        }
    }

    @Command(name = "kill", description = "Stop every app and the daemon.")
    static final class Kill extends Sub {
        @Override
        public Integer call() throws InterruptedException {
            JolokiaClient c = cli.clientIfRunning();
            if (c == null) {
                cli.out.println("[supervisor] no daemon running");
                return 0;
            }
            long pid = c.read(GOD, "Pid").asLong();
            c.exec(GOD, "kill");
            awaitDaemonExit(pid);
            cli.out.println("[supervisor] daemon " + pid + " stopped, with every app");
            return 0;
        }
    }

    @Command(name = "sendSignal", description = "Send a signal to matching instances' process groups.")
    static final class SendSignal extends Sub {
        @Parameters(index = "0", paramLabel = "<signal>")
        String signal;
        @Parameters(index = "1", paramLabel = "<target>")
        String target;

        @Override
        public Integer call() {
            JsonNode ids = cli.client().exec(GOD, "sendSignal", signal, target);
            cli.out.println("[supervisor] sent " + signal + " to ids " + ids);
            return 0;
        }
    }

    @Command(name = "reset", description = "Reset restart counters.")
    static final class Reset extends Sub {
        @Parameters(index = "0", paramLabel = "<target>")
        String target;

        @Override
        public Integer call() {
            JsonNode ids = cli.client().exec(GOD, "reset", target);
            cli.out.println("[supervisor] counters reset for ids " + ids);
            return 0;
        }
    }

    @Command(name = "console", description = "Print the web console URL and where the credentials are.")
    static final class Console extends Sub {
        @Override
        public Integer call() {
            DaemonSettings s = cli.settings();
            JolokiaClient c = cli.client();
            cli.out.println("hawtio console: " + s.consoleUrl() + "  (" + c.read(GOD, "ConsoleStatus").asText() + ")");
            cli.out.println("Jolokia:        " + s.jolokiaUrl());
            cli.out.println("JMX:            " + c.read(GOD, "JmxStatus").asText());
            cli.out.println("metrics:        " + c.read(GOD, "MetricsStatus").asText().replaceFirst("^up at ", ""));
            cli.out.println("credentials:    " + s.credentialsFile() + " (username, password; the same for the console, Jolokia, JMX and metrics)");
            return 0;
        }
    }

    @Command(name = "startup", description = "Install and enable a systemd unit that starts the daemon at boot and resurrects "
            + "the saved apps (pm2 startup). Run 'save' first.")
    static final class Startup extends Sub {
        @Parameters(index = "0", arity = "0..1", paramLabel = "<platform>", defaultValue = "systemd", description = "systemd (the only one)")
        String platform;
        @Option(names = "--print", description = "only print the unit")
        boolean print;
        @Option(names = "--unit-dir", paramLabel = "<dir>", description = "where to install it (default /etc/systemd/system)")
        Path unitDir = Path.of("/etc/systemd/system");
        @Option(names = "--no-enable", description = "install only; do not run systemctl")
        boolean noEnable;
        @Option(names = {"-u", "--user"}, paramLabel = "<user>", description = "the user the daemon runs as (default: you)")
        String user;

        @Override
        public Integer call() throws Exception {
            if (!platform.equals("systemd")) {
                throw new IllegalArgumentException("startup " + platform + ": only systemd is supported here");
            }
            String who = user != null ? user : System.getProperty("user.name");
            String unit = SystemdUnit.render(cli.settings(), who, cli.env);
            String name = SystemdUnit.name(who);
            if (print) {
                cli.out.print(unit);
                return 0;
            }
            Path file = unitDir.resolve(name);
            try {
                Files.createDirectories(unitDir);
                Files.writeString(file, unit);
            } catch (java.nio.file.AccessDeniedException e) {
                throw new IllegalStateException("cannot write " + file + ": permission denied. Run it as root, keeping your PATH and HOME:\n"
                        + "  sudo env PATH=\"$PATH\" HOME=\"$HOME\" " + cli.settings().installDir().resolve("bin/supervisor") + " startup -u " + who);
            }
            cli.out.println("[supervisor] wrote " + file);
            if (noEnable) {
                cli.out.println("[supervisor] not enabled (--no-enable): systemctl daemon-reload && systemctl enable " + name);
                return 0;
            }
            if (!SystemdUnit.systemctl(cli.out, "daemon-reload") || !SystemdUnit.systemctl(cli.out, "enable", name)) {
                cli.err.println("supervisor: systemctl failed (is systemd running here?); the unit is installed, enable it with: systemctl enable " + name);
                return 1;
            }
            cli.out.println("[supervisor] enabled " + name + ": at boot it starts the daemon and resurrects " + cli.settings().dumpFile()
                    + " (run 'supervisor save' after changes)");
            return 0;
        }
    }

    @Command(name = "unstartup", description = "Disable and remove the unit 'startup' installed.")
    static final class Unstartup extends Sub {
        @Parameters(index = "0", arity = "0..1", paramLabel = "<platform>", defaultValue = "systemd")
        String platform;
        @Option(names = "--unit-dir", paramLabel = "<dir>")
        Path unitDir = Path.of("/etc/systemd/system");
        @Option(names = "--no-enable", description = "do not run systemctl")
        boolean noEnable;
        @Option(names = {"-u", "--user"}, paramLabel = "<user>")
        String user;

        @Override
        public Integer call() throws Exception {
            String who = user != null ? user : System.getProperty("user.name");
            String name = SystemdUnit.name(who);
            Path file = unitDir.resolve(name);
            if (!Files.exists(file)) {
                cli.out.println("[supervisor] no " + file + ": nothing to remove");
                return 0;
            }
            if (!noEnable) {
                SystemdUnit.systemctl(cli.out, "disable", name);
            }
            Files.delete(file);
            if (!noEnable) {
                SystemdUnit.systemctl(cli.out, "daemon-reload");
            }
            cli.out.println("[supervisor] removed " + file);
            return 0;
        }
    }

    @Command(name = "update", description = "Save, restart the daemon on the current build, and resurrect the apps (pm2 update).")
    static final class Update extends Sub {
        @Override
        public Integer call() {
            JolokiaClient c = cli.clientIfRunning();
            if (c != null) {
                cli.out.println("[supervisor] saved to " + c.exec(GOD, "save").asText());
                long pid = c.read(GOD, "Pid").asLong();
                c.exec(GOD, "kill");
                awaitDaemonExit(pid);
                cli.out.println("[supervisor] daemon " + pid + " stopped");
                cli.client = null;
            }
            cli.out.println("[supervisor] daemon " + cli.client().read(GOD, "Pid").asLong() + " (version "
                    + cli.client().read(GOD, "Version").asText() + ") up, resurrecting");
            // Explicitly: a daemon started after a clean kill starts empty.
            boolean ok = cli.follow(cli.client().exec(GOD, "beginResurrect").asText());
            cli.printList();
            return ok ? 0 : 1;
        }
    }

    @Command(name = "daemon", description = "Run the daemon in the foreground.")
    static final class DaemonCmd extends Sub {
        @Override
        public Integer call() {
            Daemon.main(new String[0]);
            return 0;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"supervisor " + Installation.version()};
        }
    }
}
