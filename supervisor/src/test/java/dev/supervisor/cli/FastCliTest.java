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
    private static Thread serve(ServerSocket server, String body) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        head.append((char) in.read());
                    }
                    String h = head.toString();
                    int at = h.indexOf("Content-Length: ") + 16;
                    in.readNBytes(Integer.parseInt(h.substring(at, h.indexOf("\r\n", at))));
                    byte[] b = body.getBytes(StandardCharsets.UTF_8);
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
        return t;
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
}
