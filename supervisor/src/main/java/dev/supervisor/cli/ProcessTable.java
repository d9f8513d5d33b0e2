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

    private ProcessTable() {
    }

    static void print(JsonNode list, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        for (JsonNode p : list) {
            long pid = p.path("pid").asLong();
            long up = p.path("uptimeMillis").asLong();
            int priv = p.path("privatePort").asInt();
            rows.add(new String[]{
                    p.path("id").asText(), p.path("name").asText(), p.path("namespace").asText(),
                    pid == 0 ? "0" : Long.toString(pid),
                    up == 0 ? "0" : Units.formatDuration(Duration.ofMillis(up)),
                    p.path("restarts").asText(), p.path("status").asText(),
                    pid == 0 ? "0%" : UsageFormat.cpu(p.path("cpuPercent").asDouble()),
                    pid == 0 ? "0b" : UsageFormat.memory(p.path("memoryBytes").asLong()),
                    priv == 0 ? "" : Integer.toString(priv)});
        }
        int[] w = new int[HEADERS.length];
        for (int i = 0; i < HEADERS.length; i++) {
            w[i] = HEADERS[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        out.println(line('┌', '┬', '┐', w));
        out.println(row(HEADERS, w));
        out.println(line('├', '┼', '┤', w));
        for (String[] r : rows) {
            out.println(row(r, w));
        }
        out.println(line('└', '┴', '┘', w));
    }

    private static String line(char left, char mid, char right, int[] w) {
        StringBuilder sb = new StringBuilder().append(left);
        for (int i = 0; i < w.length; i++) {
            sb.append("─".repeat(w[i] + 2)).append(i == w.length - 1 ? right : mid);
        }
        return sb.toString();
    }

    private static String row(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder("│");
        for (int i = 0; i < w.length; i++) {
            sb.append(' ').append(cells[i]).append(" ".repeat(w[i] - cells[i].length())).append(" │");
        }
        return sb.toString();
    }
}
