package dev.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.config.AppsFileLoader;
import dev.supervisor.config.ConfigException;
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

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
                CommandLine.HelpCommand.class})
public final class SupervisorCli {
    static final String GOD = ObjectNames.GOD;

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private DaemonSettings settings;
    private JolokiaClient client;

    SupervisorCli(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(args, System.getenv(), out, err));
    }

    /** Runs one command; returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        SupervisorCli cli = new SupervisorCli(env, out, err);
        CommandLine cmd = new CommandLine(cli);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof DaemonError || e instanceof DaemonUnreachable || e instanceof ConfigException
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
            settings = DaemonSettingsLoader.load(env, Installation.directory());
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
            });
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

    private static JolokiaClient newClient(DaemonSettings s) {
        Credentials creds = Credentials.load(s.credentialsFile());
        return new JolokiaClient(s.jolokiaUrl(), creds.username(), creds.password(), 0);
    }

    void printList() {
        ProcessTable.print(client().exec(GOD, "list"), out);
    }

    static String absolute(String fileOrScript) {
        Path p = Path.of(fileOrScript);
        if (AppsFileLoader.isAppsFile(fileOrScript) || fileOrScript.contains("/") || Files.exists(p)) {
            return p.toAbsolutePath().normalize().toString();
        }
        return fileOrScript;
    }

    // ---- commands ------------------------------------------------------------------------------------

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        SupervisorCli cli;
    }

    abstract static class TargetOp extends Sub {
        @Parameters(index = "0", paramLabel = "<target>", description = "id, name, namespace, /regex/ or all")
        String target;

        abstract String operation();

        abstract String verb();

        @Override
        public Integer call() {
            JsonNode ids = cli.client().exec(GOD, operation(), target);
            cli.out.println("[supervisor] " + verb() + " " + target + " (ids " + ids + ")");
            cli.printList();
            return 0;
        }
    }

    @Command(name = "start", description = "Start the apps of an apps file (YAML/JSON), or one script.")
    static final class Start extends Sub {
        @Parameters(index = "0", paramLabel = "<apps-file|script>")
        String target;
        @Option(names = "--name", description = "app name (with an apps file: start only this app)")
        String name = "";
        @Option(names = {"-i", "--instances"}, description = "number of instances (0 = as declared)")
        int instances;
        @Option(names = "--env", description = "use the env_<name> block of each app")
        String envName = "";
        @Option(names = "--namespace")
        String namespace = "";

        @Override
        public Integer call() {
            JsonNode started = cli.client().exec(GOD, "startWith", absolute(target), name, instances, namespace, envName);
            List<String> names = new ArrayList<>();
            started.forEach(n -> names.add(n.asText()));
            cli.out.println("[supervisor] started " + String.join(", ", names));
            JsonNode list = cli.client().exec(GOD, "list");
            ProcessTable.print(list, cli.out);
            for (JsonNode p : list) {
                if (names.contains(p.path("name").asText()) && p.path("status").asText().equals("errored")) {
                    cli.err.println("supervisor: " + p.path("name").asText() + "[" + p.path("id").asText() + "] is errored: "
                            + p.path("lastExit").asText() + " (see " + p.path("errLog").asText() + ")");
                    return 1;
                }
            }
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop instances (kill_signal, then SIGKILL after kill_timeout).")
    static final class Stop extends TargetOp {
        String operation() { return "stop"; }
        String verb() { return "stopped"; }
    }

    @Command(name = "restart", description = "Stop, then start (with downtime: use reload for none).")
    static final class Restart extends TargetOp {
        String operation() { return "restart"; }
        String verb() { return "restarted"; }
    }

    @Command(name = "delete", aliases = "del", description = "Stop instances and remove them from the list.")
    static final class Delete extends TargetOp {
        String operation() { return "delete"; }
        String verb() { return "deleted"; }
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
        @Option(names = "--surge", description = "start every new instance at once beside the old ones and switch each "
                + "as it gets ready: about one app start for any number of instances, briefly twice the processes")
        boolean surge;

        @Override
        public Integer call() {
            String t = AppsFileLoader.isAppsFile(target) ? absolute(target) : target;
            String ticket = surge ? cli.client().exec(GOD, "beginReloadWith", t, parallel, force, envName, true).asText()
                    : cli.client().exec(GOD, "beginReload", t, parallel, force, envName).asText();
            if (noWait) {
                cli.out.println("[supervisor] reload of " + target + " started (ticket " + ticket + ")");
                return 0;
            }
            int next = 0;
            while (true) {
                JsonNode p = cli.client().exec(GOD, "reloadProgress", ticket, next);
                for (JsonNode line : p.path("lines")) {
                    cli.out.println(line.asText());
                }
                next = p.path("next").asInt();
                if (p.path("finished").asBoolean()) {
                    boolean ok = true;
                    for (JsonNode r : p.path("results")) {
                        ok &= "done".equals(r.path("outcome").asText());
                    }
                    if (!ok) {
                        cli.err.println("supervisor: reload failed");
                    }
                    return ok ? 0 : 1;
                }
            }
        }
    }

    @Command(name = "scale", description = "Set the number of instances of an app, without dropping requests.")
    static final class Scale extends Sub {
        @Parameters(index = "0", paramLabel = "<app>")
        String app;
        @Parameters(index = "1", paramLabel = "<instances>")
        int instances;

        @Override
        public Integer call() {
            cli.client().exec(GOD, "scale", app, instances);
            cli.out.println("[supervisor] scaled " + app + " to " + instances);
            cli.printList();
            return 0;
        }
    }

    @Command(name = "list", aliases = {"ls", "status", "l"}, description = "List every instance.")
    static final class ListCmd extends Sub {
        @Option(names = "--json", description = "print a JSON array")
        boolean json;

        @Override
        public Integer call() throws Exception {
            JsonNode list = cli.client().exec(GOD, "list");
            if (json) {
                cli.out.println(new ObjectMapper().writeValueAsString(list));
            } else {
                ProcessTable.print(list, cli.out);
                String dump = cli.client().read(GOD, "DumpStatus").asText("ok");
                if (!dump.equals("ok")) {
                    cli.out.println("[supervisor] WARNING dump: " + dump);
                }
            }
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

    @Command(name = "logs", description = "Print the last lines of the logs (and follow them).")
    static final class Logs extends Sub {
        @Parameters(index = "0", arity = "0..1", paramLabel = "<target>", defaultValue = "all")
        String target;
        @Option(names = "--lines", description = "lines per file (default 15)")
        int lines = 15;
        @Option(names = {"-f", "--follow"}, description = "keep printing new lines")
        boolean follow;
        @Option(names = "--err", description = "only the error logs")
        boolean errOnly;
        @Option(names = "--out", description = "only the output logs")
        boolean outOnly;

        @Override
        public Integer call() throws Exception {
            JsonNode list = cli.client().exec(GOD, "list");
            Set<String> files = new LinkedHashSet<>();
            boolean matched = false;
            for (JsonNode p : list) {
                if (target.equals("all") || target.equals(p.path("name").asText()) || target.equals(p.path("id").asText())
                        || target.equals(p.path("namespace").asText())) {
                    matched = true;
                    if (!errOnly) {
                        files.add(p.path("outLog").asText());
                    }
                    if (!outOnly) {
                        files.add(p.path("errLog").asText());
                    }
                }
            }
            if (!matched && !target.equals("all")) {
                throw new DaemonError("Process or namespace '" + target + "' not found (try 'supervisor list')");
            }
            for (String f : files) {
                cli.out.println("==> " + f + " <==");
                for (String line : LogTail.lastLines(Path.of(f), lines)) {
                    cli.out.println(line);
                }
            }
            cli.out.flush();
            if (follow) {
                LogFollower.follow(files.stream().map(Path::of).toList(), cli.out);
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
            cli.out.println("[supervisor] resurrected " + cli.client().exec(GOD, "resurrect"));
            cli.printList();
            return 0;
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
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
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
            cli.out.println("metrics: " + c.read(GOD, "MetricsStatus").asText().replaceFirst("^up at ", ""));
            cli.out.println("credentials:    " + s.credentialsFile() + " (username, password; the same for all three)");
            return 0;
        }
    }

    @Command(name = "startup", description = "Print a systemd unit that runs the daemon at boot (pm2 startup).")
    static final class Startup extends Sub {
        @Override
        public Integer call() {
            DaemonSettings s = cli.settings();
            String bin = s.installDir().resolve("bin/supervisor").toString();
            String user = System.getProperty("user.name");
            cli.out.println("# Save as /etc/systemd/system/supervisor-" + user + ".service, then:");
            cli.out.println("#   systemctl daemon-reload && systemctl enable --now supervisor-" + user);
            cli.out.println("# At boot the daemon resurrects $SUPERVISOR_HOME/dump.json (SUPERVISOR_RESURRECT=1): run 'supervisor save' first.");
            cli.out.println("[Unit]");
            cli.out.println("Description=Supervisor process manager for " + user);
            cli.out.println("After=network.target");
            cli.out.println();
            cli.out.println("[Service]");
            cli.out.println("User=" + user);
            cli.out.println("Environment=SUPERVISOR_HOME=" + s.home());
            cli.out.println("Environment=SUPERVISOR_RESURRECT=1");
            cli.out.println("ExecStart=" + bin + " daemon");
            cli.out.println("ExecStop=" + bin + " kill");
            cli.out.println("KillMode=mixed");
            cli.out.println("TimeoutStopSec=60");
            cli.out.println("Restart=on-failure");
            cli.out.println();
            cli.out.println("[Install]");
            cli.out.println("WantedBy=multi-user.target");
            return 0;
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
