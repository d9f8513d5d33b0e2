package dev.supervisor.cli;

import dev.supervisor.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * A rebuild under a running daemon: the daemon is started from a copy of the packaged build, then every jar of
 * that copy is rewritten in place (as {@code mvn package} or a package upgrade does) and the copy's lib/ is deleted.
 * The daemon must still stop its apps and exit cleanly, by {@code kill} and by SIGTERM: it runs from its own
 * snapshot under $SUPERVISOR_HOME/runtime/ (cli/RuntimeSnapshot). Before the snapshot, the daemon died on
 * NoClassDefFoundError during its shutdown and the apps were left running.
 */
class RebuildUnderDaemonIT {
    private static final Duration START = Duration.ofSeconds(60);

    private Path scratch;
    private Path build;
    private Path home;
    private Map<String, String> env;
    private final List<Long> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        scratch = Files.createTempDirectory("supervisor-rebuild-");
        home = scratch.resolve("home");
        build = copyOfTheBuild(scratch.resolve("install"));
        env = new HashMap<>();
        env.put("SUPERVISOR_HOME", home.toString());
        env.put("SUPERVISOR_JOLOKIA_PORT", Integer.toString(Fixtures.freePort()));
        env.put("SUPERVISOR_CONSOLE_PORT", Integer.toString(Fixtures.freePort()));
        env.put("SUPERVISOR_METRICS_PORT", Integer.toString(Fixtures.freePort()));
        env.put("SUPERVISOR_CONSOLE_ENABLED", "false");
    }

    @AfterEach
    void tearDown() throws Exception {
        // Whatever a failed test left: stopped by the project's own CLI, then any pid of ours still alive.
        cli(projectJar(), "kill");
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Fixtures.deleteTree(scratch); // two copies of the build: ~50 MB
    }

    /** bin/, conf/, supervisor.jar, its lib/ and the example's jar (bin/supervisor builds when it is missing). */
    private static Path copyOfTheBuild(Path install) throws IOException {
        Path root = Fixtures.projectRoot();
        Path target = root.resolve("supervisor/target");
        Files.createDirectories(install.resolve("supervisor/target/lib"));
        Files.createDirectories(install.resolve("examples/target"));
        for (String dir : List.of("bin", "conf")) {
            Files.createDirectories(install.resolve(dir));
            try (Stream<Path> files = Files.list(root.resolve(dir))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, install.resolve(dir).resolve(f.getFileName()), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.copy(target.resolve("supervisor.jar"), install.resolve("supervisor/target/supervisor.jar"));
        try (Stream<Path> libs = Files.list(target.resolve("lib"))) {
            for (Path f : libs.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(f, install.resolve("supervisor/target/lib").resolve(f.getFileName()));
            }
        }
        Files.copy(root.resolve("examples/target/hello.jar"), install.resolve("examples/target/hello.jar"));
        return install;
    }

    private static Path projectJar() {
        return Path.of(System.getProperty("supervisor.jar", Fixtures.projectRoot().resolve("supervisor/target/supervisor.jar").toString()));
    }

    private Path buildJar() {
        return build.resolve("supervisor/target/supervisor.jar");
    }

    record Result(int code, String out) {
    }

    /** The CLI of the given build, as bin/supervisor runs it (java -jar). */
    private Result cli(Path jar, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Fixtures.java(), "-Dsupervisor.install=" + jar.getParent().getParent().getParent(),
                "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s did not end: %s", cmd, out).isTrue();
        return new Result(p.exitValue(), out);
    }

    private Path sleepApp() throws IOException {
        Path file = scratch.resolve("apps.json");
        Files.writeString(file, "{\"apps\":[{\"name\":\"sleeper\",\"script\":\"/bin/sleep\",\"args\":[\"600\"],\"interpreter\":\"none\"}]}");
        return file;
    }

    private long daemonPid() throws IOException {
        return Long.parseLong(Files.readString(home.resolve("supervisor.pid")).trim());
    }

    /** The app's pid: the daemon's child running /bin/sleep 600. */
    private long appPid(long daemon) {
        await("the app under daemon " + daemon).atMost(START).until(() -> sleeperOf(daemon) != 0);
        long pid = sleeperOf(daemon);
        started.add(pid);
        return pid;
    }

    private static long sleeperOf(long daemon) {
        return ProcessHandle.of(daemon).stream().flatMap(ProcessHandle::children)
                .filter(c -> c.info().commandLine().map(s -> s.contains("/bin/sleep 600")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(0);
    }

    /** What a rebuild does to the jars a running JVM reads: rewritten in place, then some deleted. */
    private void rebuildUnderTheDaemon() throws IOException {
        Path lib = build.resolve("supervisor/target/lib");
        List<Path> jars;
        try (Stream<Path> s = Files.list(lib)) {
            jars = new ArrayList<>(s.toList());
        }
        jars.add(buildJar());
        for (Path jar : jars) {
            try (OutputStream out = Files.newOutputStream(jar, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write("not a jar any more: rebuilt".getBytes(StandardCharsets.UTF_8));
            }
        }
        for (Path jar : jars) {
            if (!jar.equals(buildJar())) {
                Files.delete(jar);
            }
        }
    }

    private static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    private String daemonCommandLine(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    }

    private void assertCleanShutdownLogged(String... more) throws IOException {
        StringBuilder logs = new StringBuilder(Files.readString(home.resolve("supervisor.log")));
        for (String m : more) {
            logs.append(m);
        }
        assertThat(logs.toString()).contains("supervisor shutting down")
                .doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "LinkageError", "error while shutting down");
        // A clean shutdown deletes the run record once every app has stopped.
        assertThat(home.resolve("run/state.json")).doesNotExist();
    }

    @Test
    void killAfterARebuildStopsTheAppsAndTheDaemon() throws Exception {
        Result start = cli(buildJar(), "start", sleepApp().toString());
        assertThat(start.code()).as(start.out()).isZero();
        assertThat(start.out()).contains("starting one");
        long daemon = daemonPid();
        started.add(daemon);
        long app = appPid(daemon);
        assertThat(daemonCommandLine(daemon)).contains(home.resolve("runtime") + "/");
        assertThat(start.out()).doesNotContain("warning");

        rebuildUnderTheDaemon();
        Result kill = cli(projectJar(), "kill");

        assertThat(kill.code()).as(kill.out()).isZero();
        await("daemon " + daemon + " to exit").atMost(START).until(() -> gone(daemon));
        assertThat(gone(app)).as("the app %d outlived its daemon", app).isTrue();
        assertCleanShutdownLogged(Files.readString(home.resolve("daemon.out")));
    }

    @Test
    void updateAfterARebuildMovesTheDaemonToTheNewBuildAndPrunesTheOldCopy() throws Exception {
        Result start = cli(buildJar(), "start", sleepApp().toString());
        assertThat(start.code()).as(start.out()).isZero();
        long oldDaemon = daemonPid();
        started.add(oldDaemon);
        appPid(oldDaemon);
        Path oldSnapshot = snapshotOf(oldDaemon);
        // Its archive's training run names the snapshot too: let it end first.
        await("the training run of " + oldSnapshot).atMost(Duration.ofMinutes(3)).until(() -> {
            try (Stream<Path> s = Files.list(oldSnapshot)) {
                return s.anyMatch(p -> p.toString().endsWith(".jsa") || p.toString().endsWith(".failed"));
            }
        });

        // A rebuild: every jar written anew (another build id), then the old copy is long unused.
        Path target = Fixtures.projectRoot().resolve("supervisor/target");
        Files.copy(target.resolve("supervisor.jar"), buildJar(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> libs = Files.list(target.resolve("lib"))) {
            for (Path f : libs.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(f, build.resolve("supervisor/target/lib").resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.setLastModifiedTime(oldSnapshot, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(RuntimeSnapshot.RECENT).minusSeconds(60)));

        Result update = cli(buildJar(), "update");

        assertThat(update.code()).as(update.out()).isZero();
        assertThat(gone(oldDaemon)).isTrue();
        long newDaemon = daemonPid();
        started.add(newDaemon);
        assertThat(newDaemon).isNotEqualTo(oldDaemon);
        long app = appPid(newDaemon); // resurrected under the new daemon
        assertThat(app).isPositive();
        assertThat(snapshotOf(newDaemon)).isNotEqualTo(oldSnapshot).exists();
        assertThat(oldSnapshot).as("the old build's copy, used by no process any more").doesNotExist();
    }

    /** The snapshot directory the daemon runs from, read from its command line. */
    private Path snapshotOf(long daemon) throws IOException {
        String cmd = daemonCommandLine(daemon);
        String runtime = home.resolve("runtime") + "/";
        int at = cmd.indexOf(runtime);
        assertThat(at).as(cmd).isNotNegative();
        return Path.of(cmd.substring(at, cmd.indexOf("/supervisor.jar", at)));
    }

    @Test
    void sigtermAfterARebuildStopsTheAppsAndExitsZero() throws Exception {
        // bin/supervisor daemon: the foreground daemon of a boot unit or a container.
        ProcessBuilder pb = new ProcessBuilder(build.resolve("bin/supervisor").toString(), "daemon")
                .redirectErrorStream(true).redirectOutput(scratch.resolve("foreground.out").toFile());
        pb.environment().putAll(env);
        Process daemon = pb.start();
        started.add(daemon.pid());
        await("the foreground daemon's pid file").atMost(START).until(() -> Files.exists(home.resolve("supervisor.pid")));
        assertThat(daemonPid()).isEqualTo(daemon.pid());
        assertThat(daemonCommandLine(daemon.pid())).contains(home.resolve("runtime") + "/");
        Result start = cli(projectJar(), "start", sleepApp().toString());
        assertThat(start.code()).as(start.out()).isZero();
        long app = appPid(daemon.pid());

        rebuildUnderTheDaemon();
        new ProcessBuilder("kill", "-TERM", Long.toString(daemon.pid())).start().waitFor();

        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(scratch.resolve("foreground.out"));
        assertThat(daemon.exitValue()).as(out).isZero();
        assertThat(gone(app)).as("the app %d outlived its daemon", app).isTrue();
        assertCleanShutdownLogged(out);
    }
}
