package dev.supervisor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The light entry against a stand-in Jolokia on a real socket: what it prints, and when it hands over. */
class FastCliTest {
    @TempDir
    Path home;

    /** Answers every connection with the given Jolokia body (after reading the request's head and body). */
    private static void serve(ServerSocket server, String body) {
        serveInTurn(server, new java.util.concurrent.CopyOnWriteArrayList<>(), body);
    }

    private String run(ServerSocket server, String command, boolean[] answered) throws IOException {
        Files.writeString(home.resolve("credentials"), "username=admin\npassword=secret\n");
        Files.writeString(home.resolve("daemon.yml"), "bind: 127.0.0.1\njolokia_port: " + server.getLocalPort() + "\n");
        StringWriter out = new StringWriter();
        PrintWriter w = new PrintWriter(out);
        answered[0] = FastCli.run(command, Map.of("SUPERVISOR_HOME", home.toString(), "LANG", "C.UTF-8"), w,
                Terminal.detect(Map.of("LANG", "C.UTF-8"), false));
        w.flush();
        return out.toString();
    }

    @Test
    void printsTheTableAndTheDumpWarningFromListTable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            serve(server, "[{\"value\":\"[[0,\\\"web\\\",\\\"default\\\",4242,65000,3,\\\"online\\\",12.5,47395635,3001],"
                    + "[1,\\\"w\\u00e9b\\\",\\\"ns\\\",0,0,0,\\\"stopped\\\",0.0,0,0]]\",\"status\":200},"
                    + "{\"value\":\"unreadable: bad json\",\"status\":200}]");
            boolean[] answered = new boolean[1];
            String out = run(server, "list", answered);
            assertThat(answered[0]).isTrue();
            assertThat(out).isEqualTo("""
                    ┌────┬──────┬───────────┬──────┬────────┬───┬─────────┬───────┬────────┬──────┐
                    │ id │ name │ namespace │ pid  │ uptime │ ↺ │ status  │ cpu   │ mem    │ port │
                    ├────┼──────┼───────────┼──────┼────────┼───┼─────────┼───────┼────────┼──────┤
                    │ 0  │ web  │ default   │ 4242 │ 1m     │ 3 │ online  │ 12.5% │ 45.2mb │ 3001 │
                    │ 1  │ wéb  │ ns        │ 0    │ 0      │ 0 │ stopped │ 0%    │ 0b     │      │
                    └────┴──────┴───────────┴──────┴────────┴───┴─────────┴───────┴────────┴──────┘
                    [supervisor] WARNING dump: unreadable: bad json
                    """.replace("\n", System.lineSeparator()));
        }
    }

    @Test
    void handsOverToTheFullCliWhenTheDaemonHasNoListTable() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            // An older daemon: Jolokia's answer for an operation it does not have.
            serve(server, "[{\"error_type\":\"java.lang.NoSuchMethodException\",\"error\":\"listTable\",\"status\":400},"
                    + "{\"value\":\"ok\",\"status\":200}]");
            boolean[] answered = new boolean[1];
            assertThat(run(server, "list", answered)).isEmpty();
            assertThat(answered[0]).isFalse();
        }
    }

    @Test
    void handsOverOnATableOfAnotherShape() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            serve(server, "[{\"value\":\"[[0,\\\"web\\\"]]\",\"status\":200},{\"value\":\"ok\",\"status\":200}]");
            boolean[] answered = new boolean[1];
            assertThat(run(server, "list", answered)).isEmpty();
            assertThat(answered[0]).isFalse();
        }
    }

    @Test
    void theCacheTrainingRunsBothEntries() throws Exception {
        // bin/supervisor's class caches are recorded from this run; it throws if the light entry refused a command.
        CliTraining.main(new String[]{"fast"});
        CliTraining.main(new String[]{"full"});
        assertThat(CliTraining.answer("[{\"type\":\"exec\",\"operation\":\"listTable\"},{\"type\":\"read\",\"attribute\":\"DumpStatus\"}]"))
                .startsWith("[{").contains("\\\"web\\\"", "\"value\":\"ok\"");
    }

    /** Answers connection k with bodies[k] (the last one for any later connection), recording each request's body. */
    private static void serveInTurn(ServerSocket server, java.util.List<String> requests, String... bodies) {
        Thread t = new Thread(() -> {
            int k = 0;
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        head.append((char) in.read());
                    }
                    String h = head.toString();
                    int at = h.indexOf("Content-Length: ") + 16;
                    requests.add(new String(in.readNBytes(Integer.parseInt(h.substring(at, h.indexOf("\r\n", at)))),
                            StandardCharsets.UTF_8));
                    byte[] b = bodies[Math.min(k++, bodies.length - 1)].getBytes(StandardCharsets.UTF_8);
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-length: " + b.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().write(b);
                } catch (IOException | RuntimeException e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private int reload(ServerSocket server, boolean surge, StringWriter out, StringWriter err) throws IOException {
        Files.writeString(home.resolve("credentials"), "username=admin\npassword=secret\n");
        Files.writeString(home.resolve("daemon.yml"), "bind: 127.0.0.1\njolokia_port: " + server.getLocalPort() + "\n");
        PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err);
        int code = FastCli.reload("web", surge, Map.of("SUPERVISOR_HOME", home.toString()), o, e);
        o.flush();
        e.flush();
        return code;
    }

    @Test
    void aReloadFollowsItsTicketToTheEndPrintingEachStep() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            java.util.List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
            serveInTurn(server, requests, "[{\"value\":\"t-7\",\"status\":200}]",
                    "[{\"value\":{\"ticket\":\"t-7\",\"lines\":[\"web[0]: ready in 310 ms\"],\"next\":1,\"finished\":false,\"results\":[]},\"status\":200}]",
                    "[{\"value\":{\"ticket\":\"t-7\",\"lines\":[\"warning: web[1] slow\",\"reload done\"],\"next\":3,\"finished\":true,"
                            + "\"results\":[{\"app\":\"web\",\"outcome\":\"done\",\"reason\":\"\"}]},\"status\":200}]");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            assertThat(reload(server, true, out, err)).isZero();

            assertThat(out.toString()).isEqualTo(("[supervisor] web[0]: ready in 310 ms\n[supervisor] reload done\n")
                    .replace("\n", System.lineSeparator()));
            assertThat(err.toString()).contains("[supervisor] warning: web[1] slow");
            assertThat(requests.get(0)).contains("\"beginReloadWith\"", "[\"web\",0,false,\"\",true]");
            assertThat(requests.get(1)).contains("\"reloadProgress\"", "[\"t-7\",0]");
            assertThat(requests.get(2)).contains("[\"t-7\",1]");
        }
    }

    @Test
    void aFailedReloadExitsNonZeroNamingTheAppAndWhy() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            serveInTurn(server, new java.util.concurrent.CopyOnWriteArrayList<>(), "[{\"value\":\"t-8\",\"status\":200}]",
                    "[{\"value\":{\"ticket\":\"t-8\",\"lines\":[],\"next\":0,\"finished\":true,"
                            + "\"results\":[{\"app\":\"web\",\"outcome\":\"rolled back\",\"reason\":\"web[0] exited with code 3\"}]},\"status\":200}]");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            assertThat(reload(server, false, out, err)).isEqualTo(1);
            assertThat(err.toString()).contains("supervisor: web: rolled back: web[0] exited with code 3", "supervisor: reload failed");
        }
    }

    @Test
    void aReloadTheDaemonRefusesGoesToTheFullCliHavingStartedNothing() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            java.util.List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
            serveInTurn(server, requests, "[{\"error_type\":\"dev.supervisor.god.UnknownTargetException\",\"error\":\"no app web\",\"status\":400}]");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            assertThat(reload(server, false, out, err)).isEqualTo(-1);
            assertThat(out.toString()).isEmpty();
            assertThat(err.toString()).isEmpty();
            assertThat(requests).hasSize(1);
        }
    }

    private boolean describe(ServerSocket server, String target, StringWriter out) throws IOException {
        Files.writeString(home.resolve("credentials"), "username=admin\npassword=secret\n");
        Files.writeString(home.resolve("daemon.yml"), "bind: 127.0.0.1\njolokia_port: " + server.getLocalPort() + "\n");
        PrintWriter o = new PrintWriter(out);
        boolean answered = FastCli.describe(target, Map.of("SUPERVISOR_HOME", home.toString()), o);
        o.flush();
        return answered;
    }

    @Test
    void describePrintsTheDaemonsTextAsItIs() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            java.util.List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
            serveInTurn(server, requests, "[{\"value\":\"Describing process with id 0 - name w\\u00e9b\\n  status   online\\n\",\"status\":200}]");
            StringWriter out = new StringWriter();

            assertThat(describe(server, "web-2", out)).isTrue();

            assertThat(out.toString()).isEqualTo("Describing process with id 0 - name w\u00e9b\n  status   online\n");
            assertThat(requests).hasSize(1);
            assertThat(requests.get(0)).contains("\"operation\":\"describe\"", "\"arguments\":[\"web-2\"]");
        }
    }

    @Test
    void describeOfAnAppTheDaemonDoesNotKnowGoesToTheFullCliHavingPrintedNothing() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            serve(server, "[{\"error_type\":\"dev.supervisor.god.UnknownTargetException\",\"error\":\"no app web\",\"status\":400}]");
            StringWriter out = new StringWriter();

            assertThat(describe(server, "web", out)).isFalse();
            assertThat(out.toString()).isEmpty();
        }
    }

    @Test
    void onlyDescribeOfANameAnIdOrAllTakesTheLightEntry() {
        assertThat(FastCli.describeTarget(new String[]{"describe", "web"})).isEqualTo("web");
        assertThat(FastCli.describeTarget(new String[]{"show", "0"})).isEqualTo("0");
        assertThat(FastCli.describeTarget(new String[]{"info", "all"})).isEqualTo("all");
        assertThat(FastCli.describeTarget(new String[]{"describe", "/we.*/"})).isNull();
        assertThat(FastCli.describeTarget(new String[]{"describe", "--help"})).isNull();
        assertThat(FastCli.describeTarget(new String[]{"describe", "web", "--help"})).isNull();
        assertThat(FastCli.describeTarget(new String[]{"describe"})).isNull();
        assertThat(FastCli.describeTarget(new String[]{"describe", "a\"b"})).isNull();
        assertThat(FastCli.describeTarget(new String[]{"list", "web"})).isNull();
    }

    @Test
    void jlistWritesWhatTheFullClisJacksonWritesWithEachEnvironment() throws Exception {
        // Stopped, errored, with and without a port, a draining one (left out), odd strings and a missing member.
        String list = "[{\"id\":0,\"name\":\"web\",\"namespace\":\"default\",\"status\":\"stopped\",\"pid\":0,"
                + "\"uptimeMillis\":0,\"restarts\":3,\"unstableRestarts\":1,\"lastExit\":\"exit code 3\",\"instanceIndex\":0,"
                + "\"privatePort\":3001,\"outLog\":\"/tmp/web-out.log\",\"errLog\":\"/tmp/web-error.log\",\"createdAt\":1796092862913,"
                + "\"cpuPercent\":12.3,\"memoryBytes\":47395635},"
                + "{\"id\":1,\"name\":\"w\\u00e9b \\\"q\\\"\",\"namespace\":\"ns\",\"status\":\"errored\",\"pid\":0,"
                + "\"uptimeMillis\":0,\"restarts\":0,\"unstableRestarts\":0,\"lastExit\":null,\"instanceIndex\":1,"
                + "\"privatePort\":0,\"outLog\":\"/tmp/a\\\\b.log\",\"createdAt\":1796092862999,\"cpuPercent\":0,\"memoryBytes\":0},"
                + "{\"id\":2,\"name\":\"web\",\"namespace\":\"default\",\"status\":\"draining\",\"pid\":77,"
                + "\"uptimeMillis\":0,\"restarts\":0,\"createdAt\":1,\"cpuPercent\":1.0E-5,\"memoryBytes\":1}]";
        String env0 = "PATH=/usr/bin\nQUOTED=say \"hi\"\\there\nCTRL=\u0001\t\u001f end\nUNI=\u00e9\u2028\nEMPTY=\nA=B=C\n";
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            java.util.List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            serveInTurn(server, requests, "[{\"value\":" + list + ",\"status\":200}]",
                    "[{\"value\":" + json.writeValueAsString(env0) + ",\"status\":200},"
                            + "{\"error_type\":\"dev.supervisor.god.UnknownTargetException\",\"error\":\"gone\",\"status\":400}]");
            Files.writeString(home.resolve("credentials"), "username=admin\npassword=secret\n");
            Files.writeString(home.resolve("daemon.yml"), "bind: 127.0.0.1\njolokia_port: " + server.getLocalPort() + "\n");
            StringWriter out = new StringWriter();
            PrintWriter w = new PrintWriter(out);

            assertThat(FastCli.jlist(Map.of("SUPERVISOR_HOME", home.toString()), w)).isTrue();
            w.flush();

            // What SupervisorCli's jlist prints for the same answers.
            String full = json.writeValueAsString(Pm2Json.convert(json.readTree(list),
                    id -> id == 0 ? SupervisorCli.parseEnv(env0) : null)) + System.lineSeparator();
            assertThat(out.toString()).isEqualTo(full).contains("\"exit_code\":3", "\"PORT\":3001", "\\u0001");
            assertThat(requests).hasSize(2);
            assertThat(requests.get(1)).contains("\"operation\":\"environment\",\"arguments\":[0]", "\"arguments\":[1]")
                    .doesNotContain("\"arguments\":[2]");
        }
    }

    @Test
    void jlistGoesToTheFullCliWhenTheListIsRefused() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            serve(server, "[{\"error_type\":\"java.lang.IllegalStateException\",\"error\":\"busy\",\"status\":500}]");
            Files.writeString(home.resolve("credentials"), "username=admin\npassword=secret\n");
            Files.writeString(home.resolve("daemon.yml"), "bind: 127.0.0.1\njolokia_port: " + server.getLocalPort() + "\n");
            StringWriter out = new StringWriter();

            assertThat(FastCli.jlist(Map.of("SUPERVISOR_HOME", home.toString()), new PrintWriter(out))).isFalse();
            assertThat(out.toString()).isEmpty();
        }
    }

    @Test
    void onlyAPlainReloadOfOneAppTakesTheLightEntry() {
        assertThat(FastCli.reloadTarget(new String[]{"reload", "web"})).isEqualTo("web");
        assertThat(FastCli.reloadTarget(new String[]{"reload", "--surge", "web-2"})).isEqualTo("web-2");
        assertThat(FastCli.reloadTarget(new String[]{"reload", "web", "--surge"})).isEqualTo("web");
        assertThat(FastCli.reloadTarget(new String[]{"reload", "apps.yml"})).isNull();
        assertThat(FastCli.reloadTarget(new String[]{"reload", "/we.*/"})).isNull();
        assertThat(FastCli.reloadTarget(new String[]{"reload", "web", "--no-wait"})).isNull();
        assertThat(FastCli.reloadTarget(new String[]{"reload", "--surge"})).isNull();
        assertThat(FastCli.reloadTarget(new String[]{"restart", "web"})).isNull();
    }
}
