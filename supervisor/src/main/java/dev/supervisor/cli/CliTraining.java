package dev.supervisor.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run behind bin/supervisor's class cache (JDK 25's AOT cache, or an AppCDS archive on Java 17): the
 * cache holds what this run loads, so it runs what CLI commands run, against a stand-in daemon on an ephemeral
 * loopback port that answers as Jolokia does, with a state directory of its own. {@code fast}: the light entry
 * ({@code list} and {@code ping}); {@code full}: picocli's command model, help, and {@code list --json} through the
 * full CLI. It touches no real daemon and no state of the user's; bin/supervisor runs it in the background with its
 * output in a log file, so the user never sees the JVM's cache messages.
 */
public final class CliTraining {
    private CliTraining() {
    }

    public static void main(String[] args) throws Exception {
        boolean full = args.length == 1 && args[0].equals("full");
        if (args.length != 1 || !(full || args[0].equals("fast"))) {
            System.err.println("usage: CliTraining fast|full (bin/supervisor runs it to build its class cache)");
            System.exit(2);
        }
        Path home = Files.createTempDirectory("supervisor-cli-training");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread daemon = new Thread(() -> serve(server), "stand-in daemon");
            daemon.setDaemon(true);
            daemon.start();
            Files.writeString(home.resolve("credentials"), "username=admin\npassword=training\n");
            Files.writeString(home.resolve("daemon.yml"), "bind: 127.0.0.1\njolokia_port: " + server.getLocalPort() + "\n");
            Map<String, String> env = Map.of("SUPERVISOR_HOME", home.toString(), "LANG", "C.UTF-8", "PATH",
                    System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            PrintWriter sink = new PrintWriter(Writer.nullWriter());
            if (full) {
                for (String[] command : List.of(new String[]{"--help"}, new String[]{"start", "--help"},
                        new String[]{"list", "--json"}, new String[]{"list"}, new String[]{"ping"})) {
                    SupervisorCli.run(command, env, sink, sink);
                }
            } else {
                for (int k = 0; k < 3; k++) {
                    for (String command : List.of("list", "ping")) {
                        if (!FastCli.run(command, env, sink, Terminal.detect(env, k == 1))) {
                            throw new IllegalStateException("the light entry refused '" + command + "' in training");
                        }
                    }
                    if (!FastCli.jlist(env, sink)) {
                        throw new IllegalStateException("the light entry refused 'jlist' in training");
                    }
                    if (!FastCli.describe("web", env, sink)) {
                        throw new IllegalStateException("the light entry refused 'describe web' in training");
                    }
                    if (FastCli.reload("web", k == 1, env, sink, sink) != 0) {
                        throw new IllegalStateException("the light entry refused 'reload web' in training");
                    }
                }
            }
            sink.flush();
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Answers each connection's one request as the daemon's Jolokia would, from the operations it names. */
    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                byte[] request = readRequest(s.getInputStream());
                String body = answer(new String(request, StandardCharsets.UTF_8));
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                OutputStream o = s.getOutputStream();
                o.write(("HTTP/1.1 200 OK\r\nContent-type: application/json; charset=utf-8\r\nContent-length: "
                        + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                o.write(bytes);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private static byte[] readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            last4 = last4 << 8 | b;
            if (last4 == 0x0d0a0d0a) { // the blank line after the headers
                break;
            }
        }
        String h = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        int at = h.indexOf("content-length:");
        int length = at < 0 ? 0 : Integer.parseInt(h.substring(at + 15, h.indexOf('\r', at)).trim());
        return in.readNBytes(length);
    }

    private static final String ROW = "{\"id\":%d,\"name\":\"web\",\"namespace\":\"default\",\"status\":\"online\","
            + "\"pid\":%d,\"uptimeMillis\":65000,\"restarts\":0,\"unstableRestarts\":0,\"lastExit\":\"\",\"instanceIndex\":%d,"
            + "\"privatePort\":0,\"outLog\":\"/tmp/web-out.log\",\"errLog\":\"/tmp/web-error.log\",\"createdAt\":1796092862913,"
            + "\"cpuPercent\":1.5,\"memoryBytes\":47395635,\"pssBytes\":40000000,\"threads\":12,\"openFds\":20}";

    /** The answer to a single or bulk request: list, listTable, ping, DumpStatus and a reload as the daemon answers them. */
    static String answer(String request) {
        boolean bulk = request.trim().startsWith("[");
        StringBuilder out = new StringBuilder(bulk ? "[" : "");
        String rest = request;
        int n = 0;
        while (true) {
            int type = rest.indexOf("\"type\"");
            if (type < 0) {
                break;
            }
            int next = rest.indexOf("\"type\"", type + 6);
            String entry = next < 0 ? rest.substring(type) : rest.substring(type, next);
            rest = next < 0 ? "" : rest.substring(next);
            String value;
            if (entry.contains("\"listTable\"")) {
                value = "\"[[0,\\\"web\\\",\\\"default\\\",4242,65000,0,\\\"online\\\",1.5,47395635,0],"
                        + "[1,\\\"web\\\",\\\"default\\\",4243,3000,2,\\\"stopped\\\",0.0,0,3001]]\"";
            } else if (entry.contains("\"list\"")) {
                value = "[" + String.format(ROW, 0, 4242, 0) + "," + String.format(ROW, 1, 4243, 1) + "]";
            } else if (entry.contains("\"beginReload\"") || entry.contains("\"beginReloadWith\"")) {
                value = "\"t-1\"";
            } else if (entry.contains("\"reloadProgress\"")) {
                value = "{\"ticket\":\"t-1\",\"lines\":[\"web[0]: ready in 300 ms, old pid 4242 stopped\",\"warning: slow\"],"
                        + "\"next\":2,\"finished\":true,\"results\":[{\"app\":\"web\",\"outcome\":\"done\",\"reason\":\"\"}]}";
            } else if (entry.contains("\"environment\"")) {
                value = "\"PATH=/usr/bin:/bin\\nPORT=3001\\n\"";
            } else if (entry.contains("\"describe\"")) {
                value = "\"Describing process with id 0 - name web\\n  status  online\\n\"";
            } else if (entry.contains("\"ping\"")) {
                value = "\"pong\"";
            } else if (entry.contains("DumpStatus")) {
                value = "\"ok\"";
            } else {
                value = "null";
            }
            out.append(n++ > 0 ? "," : "").append("{\"request\":{},\"value\":").append(value)
                    .append(",\"status\":200,\"timestamp\":1796092862}");
        }
        return out.append(bulk ? "]" : "").toString();
    }
}
