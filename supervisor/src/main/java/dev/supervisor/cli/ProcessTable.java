package dev.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.supervisor.config.Units;
import dev.supervisor.metrics.UsageFormat;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Prints the process list as pm2 users know it: id, name, namespace, pid, uptime, restarts, status, cpu, mem. */
final class ProcessTable {
    private static final String[] HEADERS = {"id", "name", "namespace", "pid", "uptime", "↺", "status", "cpu", "mem", "port"};
    private static final String[] ASCII_HEADERS = {"id", "name", "namespace", "pid", "uptime", "restarts", "status", "cpu", "mem", "port"};
    private static final int STATUS = 6;

    private ProcessTable() {
    }

    static void print(JsonNode list, PrintWriter out) {
        print(list, out, Terminal.PLAIN);
    }

    /** With {@code term.unicode()} false, ASCII borders; with {@code term.color()}, coloured statuses. */
    static void print(JsonNode list, PrintWriter out, Terminal term) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode p : list) {
            rows.add(new Row(p.path("id").asText(), p.path("name").asText(), p.path("namespace").asText(),
                    p.path("pid").asLong(), p.path("uptimeMillis").asLong(), p.path("restarts").asText(),
                    p.path("status").asText(), p.path("cpuPercent").asDouble(), p.path("memoryBytes").asLong(),
                    p.path("privatePort").asInt()));
        }
        print(rows, out, term);
    }

    /** One instance as the daemon's list reports it; text fields as the daemon wrote them. */
    record Row(String id, String name, String namespace, long pid, long uptimeMillis, String restarts, String status,
               double cpuPercent, long memoryBytes, int privatePort) {
    }

    /** The table of rows already read (the fast path parses the daemon's JSON without a tree). */
    static void print(List<Row> list, PrintWriter out, Terminal term) {
        String[] headers = term.unicode() ? HEADERS : ASCII_HEADERS;
        char[] b = term.unicode() ? new char[]{'┌', '┬', '┐', '├', '┼', '┤', '└', '┴', '┘', '─', '│'}
                : new char[]{'+', '+', '+', '+', '+', '+', '+', '+', '+', '-', '|'};
        List<String[]> rows = new ArrayList<>();
        for (Row p : list) {
            long pid = p.pid();
            long up = p.uptimeMillis();
            int priv = p.privatePort();
            rows.add(new String[]{
                    p.id(), p.name(), p.namespace(),
                    pid == 0 ? "0" : Long.toString(pid),
                    up == 0 ? "0" : Units.formatDuration(Duration.ofMillis(up)),
                    p.restarts(), p.status(),
                    pid == 0 ? "0%" : UsageFormat.cpu(p.cpuPercent()),
                    pid == 0 ? "0b" : UsageFormat.memory(p.memoryBytes()),
                    priv == 0 ? "" : Integer.toString(priv)});
        }
        int[] w = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            w[i] = headers[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        // One StringBuilder for the whole table, handed to the writer once.
        StringBuilder sb = new StringBuilder((rows.size() + 5) * (w.length * 4 + 40));
        String nl = System.lineSeparator();
        line(sb, b[0], b[1], b[2], b[9], w).append(nl);
        row(sb, headers, w, b[10], null).append(nl);
        line(sb, b[3], b[4], b[5], b[9], w).append(nl);
        for (String[] r : rows) {
            row(sb, r, w, b[10], term).append(nl);
        }
        line(sb, b[6], b[7], b[8], b[9], w).append(nl);
        out.append(sb);
    }

    private static StringBuilder line(StringBuilder sb, char left, char mid, char right, char dash, int[] w) {
        sb.append(left);
        for (int i = 0; i < w.length; i++) {
            for (int k = w[i] + 2; k > 0; k--) {
                sb.append(dash);
            }
            sb.append(i == w.length - 1 ? right : mid);
        }
        return sb;
    }

    private static StringBuilder row(StringBuilder sb, String[] cells, int[] w, char bar, Terminal term) {
        sb.append(bar);
        for (int i = 0; i < w.length; i++) {
            String cell = term != null && i == STATUS ? term.status(cells[i]) : cells[i];
            sb.append(' ').append(cell);
            for (int k = w[i] - cells[i].length(); k > 0; k--) {
                sb.append(' ');
            }
            sb.append(' ').append(bar);
        }
        return sb;
    }
}
