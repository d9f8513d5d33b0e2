package dev.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.supervisor.config.Units;
import dev.supervisor.logs.LogTail;
import dev.supervisor.metrics.UsageFormat;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code supervisor monit}: pm2's monit. A live, full-screen view of every instance (status, cpu, memory,
 * restarts, uptime) and the last log lines of the selected one. JLine puts the terminal in raw mode and on the
 * alternate screen; whatever ends the view (q, Ctrl-C, an error) restores both.
 */
@Command(name = "monit", description = "Live view of every app and instance (status, cpu, mem, restarts) and the "
        + "selected instance's logs, like pm2 monit. Up/down (or k/j) select, q quits.")
final class Monit extends SupervisorCli.Sub {
    private static final String GOD = "supervisor:type=God";
    private static final String RESET = "\033[0m";
    private static final int READ_EXPIRED = -2;

    @Option(names = "--interval", description = "refresh every this many milliseconds (default 1000)")
    long intervalMillis = 1000;

    private int selected;
    private List<JsonNode> rows = List.of();
    private String problem = "";
    private boolean healthy;

    @Override
    public Integer call() throws IOException {
        if (intervalMillis < 100) {
            throw new IllegalArgumentException("--interval " + intervalMillis + ": at least 100 ms");
        }
        JolokiaClient client = cli.client();
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            if (Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                throw new IllegalStateException("monit needs a terminal (TERM is '" + terminal.getType() + "'); try 'supervisor list'");
            }
            AtomicBoolean quit = new AtomicBoolean();
            AtomicBoolean resized = new AtomicBoolean();
            Attributes saved = terminal.enterRawMode();
            Terminal.SignalHandler oldInt = terminal.handle(Terminal.Signal.INT, s -> quit.set(true));
            Terminal.SignalHandler oldWinch = terminal.handle(Terminal.Signal.WINCH, s -> resized.set(true));
            terminal.puts(Capability.enter_ca_mode);
            terminal.puts(Capability.cursor_invisible);
            terminal.flush();
            try {
                loop(client, terminal, quit, resized);
            } finally {
                terminal.puts(Capability.cursor_visible);
                terminal.puts(Capability.exit_ca_mode);
                terminal.flush();
                terminal.setAttributes(saved);
                terminal.handle(Terminal.Signal.INT, oldInt);
                terminal.handle(Terminal.Signal.WINCH, oldWinch);
            }
        }
        return 0;
    }

    private void loop(JolokiaClient client, Terminal terminal, AtomicBoolean quit, AtomicBoolean resized) throws IOException {
        NonBlockingReader keys = terminal.reader();
        while (!quit.get()) {
            refresh(client);
            draw(terminal);
            long next = System.nanoTime() + Duration.ofMillis(intervalMillis).toNanos();
            while (!quit.get()) {
                long wait = (next - System.nanoTime()) / 1_000_000;
                if (wait <= 0) {
                    break;
                }
                int c = keys.read(Math.min(wait, 200));
                if (c == READ_EXPIRED) {
                    if (resized.getAndSet(false)) {
                        draw(terminal);
                    }
                    continue;
                }
                if (c < 0 || c == 'q' || c == 'Q' || c == 3) { // end of input, q, Ctrl-C
                    quit.set(true);
                } else if (c == 27) { // ESC [ A / ESC [ B (or SS3 O A / O B); a lone ESC quits
                    int c2 = keys.read(50);
                    int c3 = c2 == '[' || c2 == 'O' ? keys.read(50) : -1;
                    if (c3 == 'A') {
                        move(-1, terminal);
                    } else if (c3 == 'B') {
                        move(1, terminal);
                    } else if (c2 == READ_EXPIRED) {
                        quit.set(true);
                    }
                } else if (c == 'k') {
                    move(-1, terminal);
                } else if (c == 'j') {
                    move(1, terminal);
                }
            }
        }
    }

    private void move(int by, Terminal terminal) {
        if (!rows.isEmpty()) {
            selected = Math.floorMod(selected + by, rows.size());
            draw(terminal);
        }
    }

    private void refresh(JolokiaClient client) {
        try {
            List<JsonNode> list = new ArrayList<>();
            client.exec(GOD, "list").forEach(list::add);
            healthy = client.read(GOD, "Healthy").asBoolean();
            rows = list;
            selected = rows.isEmpty() ? 0 : Math.min(selected, rows.size() - 1);
            problem = "";
        } catch (RuntimeException e) {
            problem = "daemon unreachable: " + e.getMessage() + " (retrying)";
        }
    }

    private void draw(Terminal terminal) {
        Size size = terminal.getSize();
        int width = Math.max(40, size.getColumns());
        int height = Math.max(10, size.getRows());
        List<String> lines = frame(width, height);
        PrintWriter w = terminal.writer();
        StringBuilder sb = new StringBuilder("\033[H");
        for (int i = 0; i < lines.size() && i < height; i++) {
            sb.append(lines.get(i)).append(RESET).append("\033[K");
            if (i < height - 1) {
                sb.append("\r\n");
            }
        }
        sb.append("\033[J");
        w.print(sb);
        w.flush();
    }

    /** The whole screen as lines no wider than {@code width} visible columns. */
    List<String> frame(int width, int height) {
        List<String> out = new ArrayList<>();
        long apps = rows.stream().map(r -> r.path("name").asText()).distinct().count();
        String title = " supervisor monit  " + apps + " app(s), " + rows.size() + " process(es), "
                + (problem.isEmpty() ? (healthy ? "healthy" : "NOT healthy") : problem) + "   ↑↓ select  q quit ";
        out.add("\033[7m" + fit(title, width) + " ".repeat(Math.max(0, width - title.length())));
        String[] header = {"id", "name", "namespace", "status", "pid", "cpu", "mem", "↺", "uptime"};
        int[] w = {4, 20, 12, 16, 8, 7, 9, 4, 8};
        out.add("\033[1m" + fit("  " + cells(header, w), width));
        int tableRows = Math.max(1, Math.min(rows.size(), (height - 4) / 2));
        int first = Math.max(0, Math.min(selected - tableRows + 1, rows.size() - tableRows));
        for (int i = first; i < Math.min(rows.size(), first + tableRows); i++) {
            JsonNode p = rows.get(i);
            long pid = p.path("pid").asLong();
            long up = p.path("uptimeMillis").asLong();
            String status = p.path("status").asText();
            String[] cell = {p.path("id").asText(), p.path("name").asText(), p.path("namespace").asText(), status,
                    Long.toString(pid), pid == 0 ? "0%" : UsageFormat.cpu(p.path("cpuPercent").asDouble()),
                    pid == 0 ? "0b" : UsageFormat.memory(p.path("memoryBytes").asLong()), p.path("restarts").asText(),
                    up == 0 ? "0" : Units.formatDuration(Duration.ofMillis(up))};
            String line = fit((i == selected ? "> " : "  ") + cells(cell, w), width);
            out.add((i == selected ? "\033[7m" : colour(status)) + line);
        }
        if (rows.isEmpty()) {
            out.add("  no apps: start one with 'supervisor start <script or apps file>'");
        }
        if (!rows.isEmpty()) {
            JsonNode p = rows.get(selected);
            out.add("");
            out.add("\033[1m" + fit("── " + p.path("name").asText() + "[" + p.path("id").asText() + "] logs: "
                    + p.path("outLog").asText() + " ", width));
            int room = height - out.size();
            List<String> err = tail(p.path("errLog").asText(), Math.max(0, room / 3));
            List<String> log = tail(p.path("outLog").asText(), room - err.size());
            log.forEach(l -> out.add(fit(l, width)));
            err.forEach(l -> out.add("\033[31m" + fit(l, width)));
        }
        return out;
    }

    private static List<String> tail(String file, int n) {
        if (n <= 0 || file.isEmpty() || !Files.isRegularFile(Path.of(file))) {
            return List.of();
        }
        try {
            return LogTail.lastLines(Path.of(file), n);
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    private static String colour(String status) {
        return switch (status) {
            case "online" -> "\033[32m";
            case "errored" -> "\033[31m";
            case "launching", "waiting restart", "stopping", "draining" -> "\033[33m";
            default -> "\033[90m";
        };
    }

    private static String cells(String[] cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].length() > widths[i] ? cells[i].substring(0, widths[i] - 1) + "…" : cells[i];
            sb.append(c).append(" ".repeat(widths[i] - c.length() + 1));
        }
        return sb.toString();
    }

    /** Cuts to the width and drops control characters a log line may carry (they would move the cursor). */
    private static String fit(String s, int width) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), width));
        for (int i = 0; i < s.length() && sb.length() < width; i++) {
            char ch = s.charAt(i);
            sb.append(ch < ' ' || ch == 127 ? ' ' : ch);
        }
        return sb.toString();
    }
}
