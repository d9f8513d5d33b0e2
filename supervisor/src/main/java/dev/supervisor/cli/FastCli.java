package dev.supervisor.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URL;
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
 * The CLI's entry point. The plain read commands ({@code list} and its aliases, {@code ping}) are answered here
 * with one Jolokia bulk request over HttpURLConnection and jackson-core's streaming parser, without loading
 * picocli, YAML, Jackson's tree model or any daemon class: a CLI start is mostly class loading (stack.md).
 * Anything else, any option, and every case this path is not sure of (no daemon yet, an error answer, a settings
 * file it cannot read simply) goes to the full {@link SupervisorCli}, which then prints exactly what it always did.
 * A read repeated by the full CLI changes nothing.
 */
public final class FastCli {
    private static final String GOD = "supervisor:type=God"; // ObjectNames.GOD, not loaded here;
    private static final Set<String> LIST = Set.of("list", "ls", "status", "l");
    /** daemon.yml's known settings (DaemonSettingsLoader.FIELDS): an unknown one is the full CLI's error to report. */
    private static final Set<String> FIELDS = Set.of("bind", "jolokia_port", "console_port", "console_enabled",
            "jmx_port", "jmx_host", "jmx_tls", "log_max_size", "log_retain", "front_bind",
            "sample_interval", "metrics_port", "metrics_enabled", "log_dir_mode", "log_file_mode");

    private FastCli() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && (LIST.contains(args[0]) || args[0].equals("ping"))) {
            Map<String, String> env = System.getenv();
            // Buffered, flushed once: at 1,000 rows a flush per line cost more than the daemon's answer.
            PrintWriter out = new PrintWriter(new java.io.BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16), false);
            if (run(args[0], env, out, Terminal.detect(env, System.console() != null))) {
                out.flush();
                System.exit(0);
            }
        }
        SupervisorCli.main(args);
    }

    /** Answers one plain command; false (having printed nothing) when the full CLI must answer it instead. */
    static boolean run(String command, Map<String, String> env, PrintWriter out, Terminal term) {
        try {
            String[] target = target(env);
            if (target == null) {
                return false;
            }
            boolean list = LIST.contains(command);
            String body = list
                    ? "[{\"type\":\"exec\",\"mbean\":\"" + GOD + "\",\"operation\":\"list\",\"arguments\":[]},"
                    + "{\"type\":\"read\",\"mbean\":\"" + GOD + "\",\"attribute\":\"DumpStatus\"}]"
                    : "[{\"type\":\"exec\",\"mbean\":\"" + GOD + "\",\"operation\":\"ping\",\"arguments\":[]}]";
            HttpURLConnection c = (HttpURLConnection) new URL(target[0]).openConnection();
            try {
                c.setConnectTimeout(2000);
                c.setReadTimeout(JolokiaClient.DEFAULT_READ_TIMEOUT_MILLIS);
                c.setRequestMethod("POST");
                c.setDoOutput(true);
                c.setRequestProperty("Authorization", target[1]);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream o = c.getOutputStream()) {
                    o.write(body.getBytes(StandardCharsets.UTF_8));
                }
                if (c.getResponseCode() != 200) {
                    return false;
                }
                Answer a;
                try (InputStream in = c.getInputStream(); JsonParser p = new JsonFactory().createParser(in)) {
                    a = parse(p);
                }
                if (a == null) {
                    return false;
                }
                if (list) {
                    ProcessTable.print(a.rows, out, term);
                    if (!a.text.equals("ok")) {
                        out.println("[supervisor] WARNING dump: " + a.text);
                    }
                } else {
                    out.println(a.text);
                }
                return true;
            } finally {
                c.disconnect();
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {url, Authorization header} of the daemon, or null when the full CLI must decide (no daemon, odd settings). */
    static String[] target(Map<String, String> env) throws IOException {
        Path home = Path.of(env.getOrDefault("SUPERVISOR_HOME", System.getProperty("user.home") + "/.supervisor"))
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
        if (p <= 0 || p > 65535 || !bind.matches("[0-9A-Za-z.-]+")) {
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
        return new String[]{"http://" + host + ":" + p + "/jolokia/",
                "Basic " + Base64.getEncoder().encodeToString((user.trim() + ":" + pass.trim()).getBytes(StandardCharsets.UTF_8))};
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
            } else if (v.isEmpty() || !v.matches("[0-9A-Za-z._:/-]+")) {
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

    /** Reads [{value, status,...}, ...]; null if any response is not status 200 or not of the expected shape. */
    private static Answer parse(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            return null;
        }
        List<ProcessTable.Row> rows = null;
        String text = null;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            int status = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if (f.equals("status")) {
                    status = p.getIntValue();
                } else if (f.equals("value") && t == JsonToken.START_ARRAY) {
                    rows = rows(p);
                    if (rows == null) {
                        return null;
                    }
                } else if (f.equals("value") && t == JsonToken.VALUE_STRING) {
                    text = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if (status != 200) {
                return null;
            }
        }
        return text == null ? null : new Answer(rows == null ? List.of() : rows, text);
    }

    private static List<ProcessTable.Row> rows(JsonParser p) throws IOException {
        List<ProcessTable.Row> rows = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String id = "", name = "", namespace = "", restarts = "", status = "";
            long pid = 0, up = 0, mem = 0;
            double cpu = 0;
            int port = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                if (t == JsonToken.VALUE_NULL) {
                    if (f.equals("id") || f.equals("name") || f.equals("namespace") || f.equals("restarts") || f.equals("status")) {
                        return null; // the tree's asText would say "null": leave such oddities to the full CLI
                    }
                    continue;
                }
                switch (f) {
                    case "id" -> id = p.getText();
                    case "name" -> name = p.getText();
                    case "namespace" -> namespace = p.getText();
                    case "restarts" -> restarts = p.getText();
                    case "status" -> status = p.getText();
                    case "pid" -> pid = p.getValueAsLong();
                    case "uptimeMillis" -> up = p.getValueAsLong();
                    case "memoryBytes" -> mem = p.getValueAsLong();
                    case "cpuPercent" -> cpu = p.getValueAsDouble();
                    case "privatePort" -> port = p.getValueAsInt();
                    default -> {
                    }
                }
            }
            rows.add(new ProcessTable.Row(id, name, namespace, pid, up, restarts, status, cpu, mem, port));
        }
        return rows;
    }
}
