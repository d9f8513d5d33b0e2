package dev.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.config.AppsRequest;
import dev.supervisor.config.DaemonSettings;
import dev.supervisor.config.LogPolicy;
import dev.supervisor.daemon.Daemon;
import dev.supervisor.daemon.Installation;
import dev.supervisor.management.Credentials;
import org.apache.logging.log4j.LogManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run behind the daemon's AppCDS archive ({@link DaemonArchive}): the archive holds what this run
 * loads, so it does what a daemon does at start and at idle. It builds a real daemon's object graph with a temp
 * home of its own, loopback and ephemeral ports, console off; starts one app ({@code /bin/sleep}) over Jolokia as the
 * CLI does (beginApply, then reloadProgress's long polls until it is online), lists, scrapes the metrics, deletes the app, closes the daemon and exits 0 (the
 * JVM writes the archive as it exits). It touches no real daemon and no state of the user's.
 */
public final class DaemonTraining {
    private static final String GOD = "supervisor:type=God";
    private static final long ONLINE_DEADLINE_MILLIS = 60_000;

    private DaemonTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("supervisor-daemon-training");
        System.setProperty("supervisor.home", home.toString()); // log4j's file: the temp home's
        int code = 1;
        try {
            train(home);
            code = 0;
        } catch (Exception | Error e) {
            // Logged in the temp home's supervisor.log, kept for a post-mortem; its path goes to the training log.
            LogManager.getLogger(DaemonTraining.class).error("daemon training in {} failed", home, e);
            System.err.println("daemon training failed: " + e + "; see " + home.resolve("supervisor.log"));
        } finally {
            LogManager.shutdown();
            if (code == 0) {
                deleteTree(home);
            }
        }
        System.exit(code);
    }

    private static void train(Path home) throws IOException {
        DaemonSettings settings = new DaemonSettings(home, "127.0.0.1", 0, 0, false, 0, "127.0.0.1", false,
                LogPolicy.DEFAULT, Installation.directory(), "127.0.0.1");
        try (Daemon daemon = Daemon.start(settings)) {
            Credentials c = daemon.credentials();
            String auth = "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
            int port = daemon.jolokiaPort();
            // As the CLI's start: beginApply, then reloadProgress's long polls (the daemon answers when a line comes or
            // within a second) until the start is finished, i.e. the app is online.
            JsonNode document = new ObjectMapper().readTree(
                    "{\"apps\":[{\"name\":\"training\",\"script\":\"/bin/sleep\",\"args\":[\"60\"],\"interpreter\":\"none\"}]}");
            String request = new AppsRequest(document, home.resolve("apps.json").toString(), home, "", Optional.of(Map.of()),
                    "", 0, "").toJson();
            Object ticket = exec(port, auth, "\"operation\":\"beginApply\",\"arguments\":[" + quote(request) + ",0,false]");
            long deadline = System.currentTimeMillis() + ONLINE_DEADLINE_MILLIS;
            long next = 0;
            while (true) {
                if (!(exec(port, auth, "\"operation\":\"reloadProgress\",\"arguments\":[" + quote(String.valueOf(ticket))
                        + "," + next + "]") instanceof Map<?, ?> progress)) {
                    throw new IllegalStateException("reloadProgress answered no progress");
                }
                if (Boolean.TRUE.equals(progress.get("finished"))) {
                    break;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the training app did not start within " + ONLINE_DEADLINE_MILLIS + " ms");
                }
                next = ((Number) progress.get("next")).longValue();
            }
            if (!String.valueOf(exec(port, auth, "\"operation\":\"listTable\",\"arguments\":[]")).contains("online")) {
                throw new IllegalStateException("the training app is not online after its start");
            }
            exec(port, auth, "\"operation\":\"list\",\"arguments\":[]");
            exec(port, auth, "\"operation\":\"ping\",\"arguments\":[]");
            scrape(URI.create(daemon.metricsUrl()), auth);
            exec(port, auth, "\"operation\":\"delete\",\"arguments\":[\"training\"]");
        }
    }

    private static Object exec(int port, String auth, String operation) throws IOException {
        byte[] body = ("[{\"type\":\"exec\",\"mbean\":\"" + GOD + "\"," + operation + "}]").getBytes(StandardCharsets.UTF_8);
        LightHttp.Response r = LightHttp.post("127.0.0.1", port, "/jolokia/", auth, body, 2000, 60_000);
        if (r.status() != 200 || !(LightJson.parse(new String(r.body(), StandardCharsets.UTF_8)) instanceof List<?> l)
                || l.isEmpty() || !(l.get(0) instanceof Map<?, ?> answer) || !Long.valueOf(200).equals(answer.get("status"))) {
            throw new IllegalStateException("Jolokia answered " + r.status() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }
        return answer.get("value");
    }

    private static void scrape(URI metrics, String auth) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(metrics.getHost(), metrics.getPort()), 2000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + metrics.getPath() + " HTTP/1.1\r\nHost: " + metrics.getHost() + "\r\nAuthorization: " + auth
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            LightHttp.read(in);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp directory left behind
        }
    }
}
