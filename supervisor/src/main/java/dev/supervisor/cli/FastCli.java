package dev.supervisor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The CLI's entry point. The plain read commands ({@code list} and its aliases, {@code ping}, {@code jlist},
 * {@code describe <app>})
 * and a plain {@code reload <app> [--surge]} (begun, then followed by long polls) are answered here
 * with one Jolokia bulk request over a plain socket ({@link LightHttp}) read by {@link LightJson}, without loading
 * picocli, YAML, Jackson, HttpURLConnection or any daemon class: a CLI start is mostly class loading and
 * initialisation (stack.md). For the same reason this path avoids regular expressions, String.format, lambdas and
 * indy string concatenation ({@code +} on strings), each of which bootstraps machinery a cold JVM pays for.
 * Anything else, any option, and every case this path is not sure of (no daemon yet, an error answer, a settings
 * file it cannot read simply) goes to the full {@link SupervisorCli}, which then prints exactly what it always did.
 * A read repeated by the full CLI changes nothing.
 */
public final class FastCli {
    private static final String GOD = "supervisor:type=God"; // ObjectNames.GOD, not loaded here;
    private static final Set<String> LIST = Set.of("list", "ls", "status", "l");
    private static final Set<String> DESCRIBE = Set.of("describe", "show", "info");
    /** daemon.yml's known settings (DaemonSettingsLoader.FIELDS): an unknown one is the full CLI's error to report. */
    private static final Set<String> FIELDS = Set.of("bind", "jolokia_port", "console_port", "console_enabled",
            "jmx_port", "jmx_host", "jmx_tls", "log_max_size", "log_retain", "front_bind",
            "sample_interval", "metrics_port", "metrics_enabled", "log_dir_mode", "log_file_mode");
    /** The table (GodMXBean.listTable, a JSON text) and the dump's status; a daemon without listTable: the full CLI. */
    private static final String LIST_BODY = "[{\"type\":\"exec\",\"mbean\":\"" + GOD + "\",\"operation\":\"listTable\",\"arguments\":[]},"
            + "{\"type\":\"read\",\"mbean\":\"" + GOD + "\",\"attribute\":\"DumpStatus\"}]";
    private static final String PING_BODY = "[{\"type\":\"exec\",\"mbean\":\"" + GOD + "\",\"operation\":\"ping\",\"arguments\":[]}]";

    private FastCli() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && (LIST.contains(args[0]) || args[0].equals("ping"))) {
            Map<String, String> env = System.getenv();
            // Buffered, flushed once: at 1,000 rows a flush per line cost more than the daemon's answer.
            PrintWriter out = new PrintWriter(new java.io.BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false);
            if (run(args[0], env, out, Terminal.detect(env, stdoutIsTerminal()))) {
                out.flush();
                // Exit code 0 by returning: System.exit logs through System.Logger (JDK 21+), whose first use
                // looks for logger providers in every jar of the class path.
                return;
            }
        }
        if (args.length == 2 && LIST.contains(args[0]) && args[1].equals("--json")) {
            PrintWriter out = new PrintWriter(new java.io.BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false);
            if (listJson(System.getenv(), out)) {
                out.flush();
                return;
            }
        }
        if (args.length == 1 && args[0].equals("jlist")) {
            PrintWriter out = new PrintWriter(new java.io.BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false);
            if (jlist(System.getenv(), out)) {
                out.flush();
                return;
            }
        }
        if (describeTarget(args) != null) {
            PrintWriter out = new PrintWriter(new java.io.BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false);
            if (describe(describeTarget(args), System.getenv(), out)) {
                out.flush();
                return;
            }
        }
        if (reloadTarget(args) != null) {
            PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), false);
            PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
            int code = reload(reloadTarget(args), surge(args), System.getenv(), out, err);
            out.flush();
            if (code == 0) {
                return;
            }
            if (code > 0) {
                System.exit(code);
            }
        }
        SupervisorCli.main(args);
    }

    /**
     * The app of {@code reload <name> [--surge]} (either order), when the name is a plain app name; null for anything
     * else (an apps file, a regex, another option): the full CLI's.
     */
    static String reloadTarget(String[] args) {
        if (args.length < 2 || args.length > 3 || !args[0].equals("reload")) {
            return null;
        }
        String target = null;
        for (int k = 1; k < args.length; k++) {
            if (args[k].equals("--surge") && args.length == 3) {
                continue;
            }
            if (target != null || args[k].startsWith("-") || !plain(args[k], "-_")) {
                return null;
            }
            target = args[k];
        }
        return target;
    }

    /**
     * The target of {@code describe|show|info <target>} when it is an app name, an id or {@code all}; null for
     * anything else (a regex, an option): the full CLI's.
     */
    static String describeTarget(String[] args) {
        if (args.length != 2 || !DESCRIBE.contains(args[0]) || args[1].startsWith("-") || !plain(args[1], "-_")) {
            return null;
        }
        return args[1];
    }

    /**
     * {@code describe <target>}: the daemon's text, printed as the full CLI prints it. False (having printed nothing)
     * for any error answer, e.g. an unknown app: the full CLI then asks again and reports it. A describe changes
     * nothing, so asking twice is harmless.
     */
    static boolean describe(String target, Map<String, String> env, PrintWriter out) {
        try {
            String[] daemon = target(env);
            if (daemon == null) {
                return false;
            }
            Object text = exec(daemon, "\"operation\":\"describe\",\"arguments\":[\"".concat(target).concat("\"]"));
            if (!(text instanceof String t)) {
                return false;
            }
            out.print(t);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * {@code list --json}: the daemon's list as it answered it, written as the full CLI writes it (Jackson, compact).
     * False (having printed nothing) when the full CLI must answer.
     */
    static boolean listJson(Map<String, String> env, PrintWriter out) {
        try {
            String[] daemon = target(env);
            if (daemon == null || !(exec(daemon, "\"operation\":\"list\",\"arguments\":[]") instanceof List<?> rows)) {
                return false;
            }
            StringBuilder b = new StringBuilder(rows.size() * 512 + 2);
            LightJson.write(b, rows);
            out.println(b);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * {@code jlist}: the list, then every instance's environment in one bulk request, written as the full CLI writes
     * it ({@link LightJlist}). False (having printed nothing) when the full CLI must answer; an instance whose
     * environment is refused (gone meanwhile) gets none, as in the full CLI.
     */
    static boolean jlist(Map<String, String> env, PrintWriter out) {
        try {
            String[] daemon = target(env);
            if (daemon == null) {
                return false;
            }
            Object list = exec(daemon, "\"operation\":\"list\",\"arguments\":[]");
            if (!(list instanceof List<?> rows)) {
                return false;
            }
            List<Long> ids = new ArrayList<>();
            StringBuilder bulk = new StringBuilder(128).append('[');
            for (Object row : rows) {
                if (!(row instanceof Map<?, ?> p) || !(p.get("id") instanceof Long id)) {
                    return false;
                }
                if (!"draining".equals(p.get("status"))) {
                    bulk.append(ids.isEmpty() ? "" : ",").append("{\"type\":\"exec\",\"mbean\":\"").append(GOD)
                            .append("\",\"operation\":\"environment\",\"arguments\":[").append(id.longValue()).append("]}");
                    ids.add(id);
                }
            }
            Map<Long, String> envs = new java.util.HashMap<>();
            if (!ids.isEmpty()) {
                LightHttp.Response r = LightHttp.post(daemon[0], Integer.parseInt(daemon[1]), "/jolokia/", daemon[2],
                        bulk.append(']').toString().getBytes(StandardCharsets.UTF_8), 2000, JolokiaClient.DEFAULT_READ_TIMEOUT_MILLIS);
                if (r.status() != 200 || !(LightJson.parse(new String(r.body(), StandardCharsets.UTF_8)) instanceof List<?> answers)
                        || answers.size() != ids.size()) {
                    return false;
                }
                for (int k = 0; k < ids.size(); k++) {
                    if (answers.get(k) instanceof Map<?, ?> a && Long.valueOf(200).equals(a.get("status"))
                            && a.get("value") instanceof String text) {
                        envs.put(ids.get(k), text);
                    }
                }
            }
            out.println(LightJlist.write(rows, envs, System.currentTimeMillis()));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean surge(String[] args) {
        return args.length == 3 && (args[1].equals("--surge") || args[2].equals("--surge"));
    }

    /**
     * {@code reload <app> [--surge]}: begins the reload and follows its ticket with long polls, printing each step
     * as the full CLI does. Returns the exit code, or -1 (having printed nothing and started nothing) when the full
     * CLI must answer instead, e.g. to name an unknown app. Once a reload has begun it is never handed over: the
     * full CLI would begin a second one.
     */
    static int reload(String app, boolean surge, Map<String, String> env, PrintWriter out, PrintWriter err) {
        String[] target;
        String ticket;
        try {
            target = target(env);
            if (target == null) {
                return -1;
            }
            String begin = surge
                    ? "\"operation\":\"beginReloadWith\",\"arguments\":[\"".concat(app).concat("\",0,false,\"\",true]")
                    : "\"operation\":\"beginReload\",\"arguments\":[\"".concat(app).concat("\",0,false,\"\"]");
            Object answer = exec(target, begin);
            if (!(answer instanceof String t)) {
                return -1;
            }
            ticket = t;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        int next = 0;
        try {
            while (true) {
                // Each call returns within a second (a long poll), so a step shows as soon as it is done.
                Object answer = exec(target, "\"operation\":\"reloadProgress\",\"arguments\":[\""
                        .concat(ticket).concat("\",").concat(Integer.toString(next)).concat("]"));
                if (!(answer instanceof Map<?, ?> p) || !(p.get("next") instanceof Long n)
                        || !(p.get("lines") instanceof List<?> lines)) {
                    err.println("supervisor: unexpected answer while following reload ticket ".concat(ticket));
                    return 1;
                }
                for (Object line : lines) {
                    String l = String.valueOf(line);
                    (l.startsWith("warning: ") ? err : out).println("[supervisor] ".concat(l));
                }
                out.flush();
                next = n.intValue();
                if (Boolean.TRUE.equals(p.get("finished"))) {
                    return failures(p.get("results"), err) ? 1 : 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            err.println("supervisor: lost the daemon while following reload ticket ".concat(ticket).concat(": ")
                    .concat(String.valueOf(e.getMessage())));
            return 1;
        }
    }

    /** Prints each reload that did not end "done", as the full CLI does; true if there was one. */
    private static boolean failures(Object results, PrintWriter err) {
        boolean failed = false;
        if (results instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> r && !"done".equals(r.get("outcome"))) {
                    failed = true;
                    Object reason = r.get("reason");
                    err.println("supervisor: ".concat(String.valueOf(r.get("app"))).concat(": ")
                            .concat(String.valueOf(r.get("outcome")))
                            .concat(reason == null || "".equals(reason) ? "" : ": ".concat(String.valueOf(reason))));
                }
            }
        }
        if (failed) {
            err.println("supervisor: reload failed");
        }
        return failed;
    }

    /** One God operation ({@code "operation":...,"arguments":[...]}); its value, or null for any error answer. */
    private static Object exec(String[] target, String operation) throws IOException {
        byte[] body = "[{\"type\":\"exec\",\"mbean\":\"".concat(GOD).concat("\",").concat(operation).concat("}]")
                .getBytes(StandardCharsets.UTF_8);
        LightHttp.Response r = LightHttp.post(target[0], Integer.parseInt(target[1]), "/jolokia/", target[2], body,
                2000, JolokiaClient.DEFAULT_READ_TIMEOUT_MILLIS);
        if (r.status() != 200 || !(LightJson.parse(new String(r.body(), StandardCharsets.UTF_8)) instanceof List<?> l)
                || l.size() != 1 || !(l.get(0) instanceof Map<?, ?> response)
                || !Long.valueOf(200).equals(response.get("status"))) {
            return null;
        }
        return response.get("value");
    }

    /**
     * bin/supervisor says whether stdout is a terminal ({@code -Dsupervisor.stdout.tty}, from {@code [ -t 1 ]}):
     * System.console() would look for console providers on the whole class path (on JDK 22+) to tell.
     */
    static boolean stdoutIsTerminal() {
        String tty = System.getProperty("supervisor.stdout.tty");
        return tty != null ? tty.equals("true") : System.console() != null;
    }

    /** Answers one plain command; false (having printed nothing) when the full CLI must answer it instead. */
    static boolean run(String command, Map<String, String> env, PrintWriter out, Terminal term) {
        try {
            String[] target = target(env);
            if (target == null) {
                return false;
            }
            boolean list = LIST.contains(command);
            LightHttp.Response r = LightHttp.post(target[0], Integer.parseInt(target[1]), "/jolokia/", target[2],
                    (list ? LIST_BODY : PING_BODY).getBytes(StandardCharsets.UTF_8), 2000,
                    JolokiaClient.DEFAULT_READ_TIMEOUT_MILLIS);
            if (r.status() != 200) {
                return false;
            }
            Answer a = parse(LightJson.parse(new String(r.body(), StandardCharsets.UTF_8)), list);
            if (a == null) {
                return false;
            }
            if (list) {
                ProcessTable.print(a.rows, out, term);
                if (!a.text.equals("ok")) {
                    out.println("[supervisor] WARNING dump: ".concat(a.text));
                }
            } else {
                out.println(a.text);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {host, port, Authorization header} of the daemon, or null when the full CLI must decide (no daemon, odd settings). */
    static String[] target(Map<String, String> env) throws IOException {
        String homeVar = env.get("SUPERVISOR_HOME");
        Path home = (homeVar != null ? Path.of(homeVar) : Path.of(System.getProperty("user.home"), ".supervisor"))
                .toAbsolutePath().normalize();
        Path credentials = home.resolve("credentials");
        if (!Files.isRegularFile(credentials)) {
            return null;
        }
        Path file = home.resolve("daemon.yml");
        if (!Files.isRegularFile(file)) {
            String install = System.getProperty("supervisor.install");
            if (install == null || install.isBlank()) {
                return null;
            }
            file = Path.of(install).toAbsolutePath().normalize().resolve("conf/daemon.yml");
        }
        String bind = "127.0.0.1";
        String port = "8778";
        if (Files.isRegularFile(file)) {
            Map<String, String> yml = flatYaml(Files.readAllLines(file, StandardCharsets.UTF_8));
            if (yml == null) {
                return null;
            }
            bind = yml.getOrDefault("bind", bind);
            port = yml.getOrDefault("jolokia_port", port);
        }
        String envPort = env.get("SUPERVISOR_JOLOKIA_PORT");
        if (envPort != null && !envPort.isBlank()) {
            port = envPort.trim();
        }
        int p = Integer.parseInt(port);
        if (p <= 0 || p > 65535 || !plain(bind, ".-")) {
            return null;
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(credentials)) {
            props.load(in);
        }
        String user = props.getProperty("username");
        String pass = props.getProperty("password");
        if (user == null || user.isBlank() || pass == null || pass.isBlank()) {
            return null;
        }
        String host = "0.0.0.0".equals(bind) ? "127.0.0.1" : bind;
        String credential = user.trim().concat(":").concat(pass.trim());
        return new String[]{host, Integer.toString(p),
                "Basic ".concat(Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8)))};
    }

    /** Whether s is non-empty and only ASCII letters, digits and the given punctuation (a regex, without java.util.regex). */
    static boolean plain(String s, String punctuation) {
        if (s.isEmpty()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || punctuation.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * daemon.yml when it is what the shipped one is: one {@code key: scalar} a line, comments, blank lines. Null for
     * anything else (nesting, flow style, anchors, escapes, an unknown key): the full CLI's YAML parser then reads it.
     */
    static Map<String, String> flatYaml(List<String> lines) {
        Map<String, String> m = new java.util.HashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("---") || Character.isWhitespace(raw.charAt(0))) {
                return null;
            }
            int colon = line.indexOf(": ");
            String key = colon < 0 ? line.endsWith(":") ? line.substring(0, line.length() - 1) : null : line.substring(0, colon);
            if (key == null || !FIELDS.contains(key)) {
                return null;
            }
            String v = colon < 0 ? "" : line.substring(colon + 2).strip();
            int hash = v.indexOf(" #");
            if (hash >= 0) {
                v = v.substring(0, hash).strip();
            }
            if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
                v = v.substring(1, v.length() - 1);
                if (v.contains("\\") || v.contains("'") || v.contains("\"")) {
                    return null;
                }
            } else if (!plain(v, "._:/-")) {
                return null;
            }
            if (m.put(key, v) != null) {
                return null;
            }
        }
        return m;
    }

    /** What the bulk answer carried: the rows (list) and the text (DumpStatus, or ping's answer). */
    private record Answer(List<ProcessTable.Row> rows, String text) {
    }

    /**
     * Reads [{value, status,...}, ...]: for list the table's text and DumpStatus, for ping its answer. Null if any
     * response is not status 200 or anything is not of the expected shape.
     */
    private static Answer parse(Object json, boolean list) {
        if (!(json instanceof List<?> responses) || responses.size() != (list ? 2 : 1)) {
            return null;
        }
        String[] values = new String[responses.size()];
        for (int k = 0; k < values.length; k++) {
            if (!(responses.get(k) instanceof Map<?, ?> response) || !Long.valueOf(200).equals(response.get("status"))
                    || !(response.get("value") instanceof String value)) {
                return null;
            }
            values[k] = value;
        }
        if (!list) {
            return new Answer(List.of(), values[0]);
        }
        List<ProcessTable.Row> rows = rows(LightJson.parse(values[0]));
        return rows == null ? null : new Answer(rows, values[1]);
    }

    /** The table's rows; null for anything unexpected (a text column that is not text, a number that is not one). */
    private static List<ProcessTable.Row> rows(Object table) {
        if (!(table instanceof List<?> list)) {
            return null;
        }
        List<ProcessTable.Row> rows = new ArrayList<>(list.size());
        for (Object o : list) {
            // [id, name, namespace, pid, uptimeMillis, restarts, status, cpuPercent, memoryBytes, privatePort]
            if (!(o instanceof List<?> r) || r.size() != 10 || !(r.get(0) instanceof Long id)
                    || !(r.get(1) instanceof String name) || !(r.get(2) instanceof String namespace)
                    || !(r.get(3) instanceof Long pid) || !(r.get(4) instanceof Long up)
                    || !(r.get(5) instanceof Long restarts) || !(r.get(6) instanceof String status)
                    || !(r.get(7) instanceof Number cpu) || !(r.get(8) instanceof Long mem)
                    || !(r.get(9) instanceof Long port)) {
                return null;
            }
            rows.add(new ProcessTable.Row(id.toString(), name, namespace, pid, up, restarts.toString(), status,
                    cpu.doubleValue(), mem, port.intValue()));
        }
        return rows;
    }
}
