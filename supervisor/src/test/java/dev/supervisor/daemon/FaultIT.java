package dev.supervisor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults with real processes and the packaged bin/supervisor: kill -9 of the daemon (idle and in the middle of a
 * reload) and of instances during a reload, launches that fail half-way, and a storm of concurrent operations
 * while instances are killed. Afterwards the processes in /proc are exactly the ones the list shows.
 */
class FaultIT {
    private Path home;
    private String tag;
    private Map<String, String> env;
    private final ObjectMapper json = new ObjectMapper();

    record Result(int code, String out, long millis) {
    }

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createTempDirectory("supervisor-fault-");
        tag = "tag=" + home.getFileName();
        env = new HashMap<>();
        env.put("SUPERVISOR_HOME", home.toString());
        env.put("SUPERVISOR_JOLOKIA_PORT", Integer.toString(Fixtures.freePort()));
        env.put("SUPERVISOR_CONSOLE_PORT", Integer.toString(Fixtures.freePort()));
        env.put("SUPERVISOR_CONSOLE_ENABLED", "false");

        // No training daemon per home (cli/DaemonArchive): DaemonArchiveIT covers the archive.
        env.put("SUPERVISOR_DAEMON_ARCHIVE", "off");
    }

    @AfterEach
    void tearDown() {
        cli("kill");
        // Whatever a failed test left: never leave processes behind on a shared machine.
        appPids(null).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        Fixtures.deleteTree(home.resolve("runtime")); // the daemon's copy of the build; logs stay for a post-mortem
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private Result cli(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Fixtures.projectRoot().resolve("bin/supervisor").toString());
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(180, TimeUnit.SECONDS);
            return new Result(p.exitValue(), out, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Process cliInBackground(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Fixtures.projectRoot().resolve("bin/supervisor").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(home.resolve("bg.out").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private JsonNode list() throws IOException {
        Result r = cli("list", "--json");
        assertThat(r.code()).as(r.out()).isZero();
        return json.readTree(r.out().substring(r.out().indexOf('[')));
    }

    private Map<String, Object> web(String name, int port, int instances, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(tag);
        all.add("app=" + name);
        all.add("listen");
        Map<String, Object> app = Fixtures.app(name, all.toArray(String[]::new));
        app.put("port", port);
        app.put("instances", instances);
        app.put("listen_timeout", "20s");
        app.put("kill_timeout", "1500ms");
        return app;
    }

    @SafeVarargs
    private Path apps(Map<String, Object>... apps) {
        return Fixtures.appsFile(home.resolve("apps"), apps);
    }

    /** The live processes of this test's apps (of one app when {@code app} is given), from their command lines. */
    private Set<Long> appPids(String app) {
        Set<Long> out = new TreeSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                String cmd;
                try {
                    cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                } catch (IOException e) {
                    continue;
                }
                if (cmd.contains(" " + tag + " ") && (app == null || cmd.contains(" app=" + app + " "))) {
                    out.add(Long.parseLong(p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private long daemonPid() throws IOException {
        return Long.parseLong(Files.readString(home.resolve("supervisor.pid")).trim());
    }

    private static void kill9(long pid) throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private Set<Long> listedPids(JsonNode l) {
        Set<Long> out = new TreeSet<>();
        l.forEach(p -> {
            if (p.get("pid").asLong() != 0) {
                out.add(p.get("pid").asLong());
            }
        });
        return out;
    }

    private boolean allOnline(JsonNode l, int count) {
        return l.size() == count && l.findValues("status").stream().allMatch(s -> s.asText().equals("online"));
    }

    private JsonNode record() throws IOException {
        Path f = home.resolve("run/state.json");
        return Files.exists(f) ? json.readTree(f.toFile()) : json.createObjectNode();
    }

    // ---- daemon death ----------------------------------------------------------------------------------

    @Test
    void killMinus9OfTheIdleDaemonThenAnyCommandRestoresExactlyWhatRan() throws Exception {
        int webPort = Fixtures.freePort();
        int soloPort = Fixtures.freePort();
        Map<String, Object> solo = web("solo", soloPort, 1);
        solo.put("front", "none");
        Result start = cli("start", apps(web("web", webPort, 2), solo).toString());
        assertThat(start.code()).as(start.out()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> allOnline(list(), 3));
        Set<Long> before = appPids(null);
        assertThat(before).hasSize(3);
        long daemon = daemonPid();
        kill9(daemon);
        await().until(() -> !alive(daemon));
        assertThat(appPids(null)).as("orphans of pid 1 until a daemon comes back").isEqualTo(before);

        await().atMost(Duration.ofSeconds(90)).until(() -> allOnline(list(), 3));
        JsonNode l = list();
        assertThat(appPids("web")).hasSize(2);
        assertThat(appPids("solo")).hasSize(1);
        assertThat(appPids(null)).isEqualTo(listedPids(l)).doesNotContainAnyElementsOf(before);
        assertThat(Http.get("http://127.0.0.1:" + webPort + "/").status()).isEqualTo(200);
        assertThat(Http.get("http://127.0.0.1:" + soloPort + "/").body()).contains("pid " + appPids("solo").iterator().next());
    }

    @Test
    void killMinus9AfterAScaleRestoresTheScaledCount() throws Exception {
        // The record renders each app's spec once per config and instance count: a scale must show in it.
        int port = Fixtures.freePort();
        assertThat(cli("start", apps(web("web", port, 1)).toString()).code()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> allOnline(list(), 1));
        assertThat(cli("scale", "web", "3").code()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> allOnline(list(), 3));
        await().until(() -> record().path("apps").path(0).path("spec").path("instances").asInt() == 3
                && record().path("apps").path(0).path("processes").size() == 3);
        Set<Long> before = appPids("web");
        long daemon = daemonPid();
        kill9(daemon);
        await().until(() -> !alive(daemon));

        await().atMost(Duration.ofSeconds(90)).until(() -> allOnline(list(), 3));
        assertThat(appPids("web")).hasSize(3).isEqualTo(listedPids(list())).doesNotContainAnyElementsOf(before);
    }

    @Test
    void killMinus9OfTheDaemonInTheMiddleOfAReloadRollsBackToWhatRanBefore() throws Exception {
        int port = Fixtures.freePort();
        assertThat(cli("start", apps(web("web", port, 2)).toString()).code()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> allOnline(list(), 2));
        Set<Long> old = appPids("web");
        Process reload = cliInBackground("reload", apps(web("web", port, 2, "start-delay=600000")).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> record().path("apps").path(0).path("reload").path("step").asText().equals("AWAIT_READY"));
        assertThat(appPids("web")).as("two old instances and the candidate").hasSize(3);
        kill9(daemonPid());
        reload.destroyForcibly().waitFor();

        await().atMost(Duration.ofSeconds(90)).until(() -> allOnline(list(), 2));
        assertThat(appPids("web")).hasSize(2).isEqualTo(listedPids(list())).doesNotContainAnyElementsOf(old);
        Result describe = cli("describe", "web");
        assertThat(describe.out()).contains("reload interrupted by a daemon restart at step AWAIT_READY");
        assertThat(describe.out()).doesNotContain("start-delay=600000");
        assertThat(Http.get("http://127.0.0.1:" + port + "/").status()).isEqualTo(200);
    }

    @Test
    void anInstanceStoppedBeforeTheDaemonDiedStaysStopped() throws Exception {
        int port = Fixtures.freePort();
        assertThat(cli("start", apps(web("web", port, 2)).toString()).code()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> allOnline(list(), 2));
        String second = list().get(1).get("pm_id") != null ? list().get(1).get("pm_id").asText() : list().get(1).get("id").asText();
        assertThat(cli("stop", second).code()).isZero();
        await().until(() -> appPids("web").size() == 1);
        await().until(() -> record().path("apps").path(0).path("stoppedIndexes").size() == 1);
        kill9(daemonPid());
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            JsonNode l = list();
            return l.size() == 2 && l.findValues("status").stream().map(JsonNode::asText).sorted().toList().equals(List.of("online", "stopped"));
        });
        assertThat(appPids("web")).hasSize(1).isEqualTo(listedPids(list()));
    }

    @Test
    void cleanKillLeavesNoRecordAndTheNextDaemonIsEmpty() throws Exception {
        assertThat(cli("start", apps(web("web", Fixtures.freePort(), 1)).toString()).code()).isZero();
        assertThat(Files.exists(home.resolve("run/state.json"))).isTrue();
        // The record and the daemon's output carry the apps' specs and environments: the daemon's user's only.
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("run/state.json"))))
                .isEqualTo("rw-------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("run"))))
                .isEqualTo("rwx------");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("daemon.out"))))
                .isEqualTo("rw-------");
        Result kill = cli("kill");
        assertThat(kill.code()).as(kill.out()).isZero();
        assertThat(Files.exists(home.resolve("run/state.json"))).as("the record after a clean kill").isFalse();
        assertThat(list()).isEmpty();
        assertThat(appPids(null)).isEmpty();
    }

    // ---- instances killed during a reload ------------------------------------------------------------------

    @Test
    void killMinus9OfTheNewInstanceWhileItStartsRollsBack() throws Exception {
        int port = Fixtures.freePort();
        assertThat(cli("start", apps(web("web", port, 2)).toString()).code()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> allOnline(list(), 2));
        Set<Long> old = appPids("web");
        Process reload = cliInBackground("reload", apps(web("web", port, 2, "start-delay=600000")).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> appPids("web").size() == 3);
        Set<Long> candidate = new TreeSet<>(appPids("web"));
        candidate.removeAll(old);
        kill9(candidate.iterator().next());
        assertThat(reload.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(home.resolve("bg.out"))).contains("rolled back");
        await().atMost(Duration.ofSeconds(30)).until(() -> allOnline(list(), 2));
        assertThat(appPids("web")).isEqualTo(old).isEqualTo(listedPids(list()));
    }

    @Test
    void killMinus9OfTheOldInstanceWhileItIsReplacedLetsTheReloadFinish() throws Exception {
        int port = Fixtures.freePort();
        assertThat(cli("start", apps(web("web", port, 2)).toString()).code()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> allOnline(list(), 2));
        Set<Long> old = appPids("web");
        Process reload = cliInBackground("reload", apps(web("web", port, 2, "start-delay=1500")).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> list().findValues("status").stream().anyMatch(s -> s.asText().equals("replacing")));
        long replaced = 0;
        for (JsonNode p : list()) {
            if (p.get("status").asText().equals("replacing")) {
                replaced = p.get("pid").asLong();
            }
        }
        kill9(replaced);
        assertThat(reload.waitFor(90, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> allOnline(list(), 2));
        assertThat(appPids("web")).hasSize(2).isEqualTo(listedPids(list())).doesNotContainAnyElementsOf(old);
        assertThat(Http.get("http://127.0.0.1:" + port + "/").status()).isEqualTo(200);
    }

    // ---- launch failures ----------------------------------------------------------------------------------------

    @Test
    void launchesFailingHalfWayLeaveNothingAndDeleteAndKillReturn() throws Exception {
        Path dir = Files.createDirectories(home.resolve("logdir"));
        int port = Fixtures.freePort();
        Map<String, Object> badLog = web("badlog", port, 2);
        badLog.put("out_file", dir.toString());
        Result r = cli("start", apps(badLog).toString());
        assertThat(r.code()).as(r.out()).isNotZero();
        assertThat(r.out()).containsPattern("badlog\\[\\d+\\]").contains("Is a directory");
        assertThat(list()).isEmpty();
        assertThat(appPids(null)).isEmpty();
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
        }

        try (ServerSocket held = new ServerSocket()) {
            held.bind(new InetSocketAddress(0));
            Map<String, Object> squat = web("squat", held.getLocalPort(), 1);
            squat.put("front", "none");
            Result s = cli("start", apps(squat).toString());
            assertThat(s.code()).isNotZero();
            assertThat(s.out()).contains("port " + held.getLocalPort() + " is already in use");
        }
        assertThat(list()).isEmpty();
        Result kill = cli("kill");
        assertThat(kill.code()).as(kill.out()).isZero();
        assertThat(kill.millis()).isLessThan(20_000);
        assertThat(appPids(null)).isEmpty();
    }

    // ---- a storm ---------------------------------------------------------------------------------------------

    @Test
    void aStormOfConcurrentOperationsWhileInstancesAreKilledLeavesTheListEqualToTheProcesses() throws Exception {
        String[] names = {"alpha", "beta", "gamma"};
        Map<String, Integer> ports = new HashMap<>();
        List<Map<String, Object>> decl = new ArrayList<>();
        for (String n : names) {
            ports.put(n, Fixtures.freePort());
            decl.add(web(n, ports.get(n), 2));
        }
        @SuppressWarnings("unchecked")
        Path file = apps(decl.toArray(Map[]::new));
        assertThat(cli("start", file.toString()).code()).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> allOnline(list(), 6));

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ConcurrentLinkedQueue<String> late = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
        ExecutorService clients = Executors.newFixedThreadPool(5);
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            Random random = new Random(c);
            running.add(clients.submit(() -> {
                while (System.nanoTime() < end) {
                    String app = names[random.nextInt(names.length)];
                    String[] op = switch (random.nextInt(6)) {
                        case 0 -> new String[]{"reload", app};
                        case 1 -> new String[]{"stop", app};
                        case 2 -> new String[]{"restart", app};
                        case 3 -> new String[]{"scale", app, Integer.toString(1 + random.nextInt(3))};
                        case 4 -> new String[]{"delete", app};
                        default -> new String[]{"start", file.toString()};
                    };
                    Result r = cli(op);
                    calls.add(String.join(" ", op) + " -> " + r.code() + " in " + r.millis() + " ms");
                    // listen_timeout 20 s per instance for reloads of up to 3; kill_timeout + slack for the rest.
                    long deadline = op[0].equals("reload") || op[0].equals("start") || op[0].equals("scale") ? 90_000 : 30_000;
                    if (r.millis() > deadline) {
                        late.add(String.join(" ", op) + " took " + r.millis() + " ms");
                    }
                }
                return null;
            }));
        }
        running.add(clients.submit(() -> {
            Random random = new Random(42);
            while (System.nanoTime() < end) {
                List<Long> pids = new ArrayList<>(appPids(null));
                if (!pids.isEmpty()) {
                    kill9(pids.get(random.nextInt(pids.size())));
                }
                TimeUnit.MILLISECONDS.sleep(700 + random.nextInt(800)); // the pace of the chaos, not a wait for a condition
            }
            return null;
        }));
        for (Future<?> f : running) {
            f.get(5, TimeUnit.MINUTES);
        }
        clients.shutdown();
        assertThat(late).as("calls over their deadline (of %d calls)", calls.size()).isEmpty();
        assertThat(calls.size()).isGreaterThan(20);

        // Settled: no reload running, no instance between two statuses; then /proc equals the list.
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            JsonNode l = list();
            boolean settled = l.findValues("status").stream().map(JsonNode::asText)
                    .noneMatch(s -> Set.of("launching", "stopping", "replacing", "draining").contains(s));
            return settled && appPids(null).equals(listedPids(l));
        });
        assertThat(deadlockedThreads()).as("ThreadMXBean.findDeadlockedThreads() in the daemon").isNull();
        Result kill = cli("kill");
        assertThat(kill.code()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> appPids(null).isEmpty());
    }

    /** java.lang:type=Threading findDeadlockedThreads, read over Jolokia: null when there is none. */
    private JsonNode deadlockedThreads() throws IOException {
        Properties creds = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("credentials"))) {
            creds.load(in);
        }
        String url = "http://127.0.0.1:" + env.get("SUPERVISOR_JOLOKIA_PORT") + "/jolokia/";
        Http.Response r = Http.post(url, "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Threading\",\"operation\":\"findDeadlockedThreads\"}",
                creds.getProperty("username"), creds.getProperty("password"));
        JsonNode body = json.readTree(r.body());
        assertThat(body.path("status").asInt()).as(r.body()).isEqualTo(200);
        return body.get("value").isNull() ? null : body.get("value");
    }
}
