package dev.supervisor.cli;

import dev.supervisor.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The daemon's AppCDS archive (cli/DaemonArchive), with the packaged jar: the first daemon of a build has none and
 * makes it in the background; the next daemon maps it; a damaged archive is a start without it, not a failure.
 */
class DaemonArchiveIT {
    private static final Duration START = Duration.ofSeconds(90);

    private Path home;
    private Map<String, String> env;
    private final List<Long> daemons = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createTempDirectory("supervisor-archive-");
        env = new HashMap<>();
        env.put("SUPERVISOR_HOME", home.toString());
        env.put("SUPERVISOR_JOLOKIA_PORT", Integer.toString(Fixtures.freePort()));
        env.put("SUPERVISOR_METRICS_PORT", Integer.toString(Fixtures.freePort()));
        env.put("SUPERVISOR_CONSOLE_ENABLED", "false");
    }

    @AfterEach
    void tearDown() throws Exception {
        cli("kill");
        daemons.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        Fixtures.deleteTree(home); // the snapshot and its archive: ~50 MB
    }

    private String cli(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("supervisor.jar", Fixtures.projectRoot().resolve("supervisor/target/supervisor.jar").toString()));
        List<String> cmd = new ArrayList<>(List.of(Fixtures.java(), "-Dsupervisor.install=" + Fixtures.projectRoot(), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** Starts a daemon (ping starts one when none answers) and returns its pid. */
    private long startDaemon() throws Exception {
        assertThat(cli("ping")).contains("pong");
        long pid = Long.parseLong(Files.readString(home.resolve("supervisor.pid")).trim());
        daemons.add(pid);
        return pid;
    }

    private void killDaemon(long pid) throws Exception {
        cli("kill");
        await().atMost(START).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    private Path snapshot() throws IOException {
        try (Stream<Path> s = Files.list(home.resolve("runtime"))) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> s = Files.list(snapshot())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList();
        }
    }

    private static String commandLine(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    }

    private static String maps(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/maps"));
    }

    @Test
    void theFirstDaemonMakesTheArchiveAndTheNextOneMapsIt() throws Exception {
        long first = startDaemon();
        assertThat(commandLine(first)).doesNotContain("SharedArchiveFile");
        await("the archive of " + snapshot()).atMost(Duration.ofMinutes(3)).until(() -> archives().size() == 1);
        Path archive = archives().get(0);
        killDaemon(first);

        long second = startDaemon();

        assertThat(commandLine(second)).contains("-XX:SharedArchiveFile=" + archive);
        assertThat(maps(second)).as("the archive mapped by the daemon").contains(archive.toString());
        // The training run left nothing: no temp home of its own running, no claim, no failure mark.
        try (Stream<Path> s = Files.list(snapshot())) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".failed"));
        }
        // It ran niced as a whole: its session's autogroup at 19, not only its nice value inside that group.
        if (Files.isWritable(Path.of("/proc/self/autogroup"))) {
            try (Stream<Path> s = Files.list(snapshot())) {
                Path log = s.filter(p -> p.getFileName().toString().endsWith(".training.log")).findFirst().orElseThrow();
                assertThat(Files.readString(log)).containsPattern("training in /autogroup-\\d+ nice 19");
            }
        }
    }

    @Test
    void aDamagedArchiveIsAStartWithoutIt() throws Exception {
        long first = startDaemon();
        await("the archive of " + snapshot()).atMost(Duration.ofMinutes(3)).until(() -> archives().size() == 1);
        Path archive = archives().get(0);
        killDaemon(first);
        archive.toFile().setWritable(true);
        Files.writeString(archive, "not an archive");

        long second = startDaemon();

        assertThat(commandLine(second)).contains("-XX:SharedArchiveFile=" + archive);
        assertThat(maps(second)).doesNotContain(archive.toString());
        assertThat(Files.readString(home.resolve("daemon.out"))).doesNotContain("cds", "shared archive", "CDS");
    }

    @Test
    void switchedOffNoArchiveIsMadeOrUsed() throws Exception {
        env.put("SUPERVISOR_DAEMON_ARCHIVE", "off");
        long first = startDaemon();

        // A training run claims its archive (.tmp) before the command that started the daemon returns.
        assertThat(commandLine(first)).doesNotContain("SharedArchiveFile");
        try (Stream<Path> s = Files.list(snapshot())) {
            assertThat(s.map(p -> p.getFileName().toString()).toList())
                    .noneMatch(n -> n.contains(".jsa"));
        }
    }
}
