package dev.supervisor.cli;


import dev.supervisor.config.DaemonSettings;
import dev.supervisor.config.PrivateFiles;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts the daemon in the background when no daemon answers, then waits until it does. */
final class DaemonLauncher {
    private static final long START_TIMEOUT_MILLIS = 60_000;
    /**
     * A bounded heap, but the default collector: the front is a hot path, and with the serial collector it served
     * 0.86x nginx's requests against 0.97x with G1 (docs/BENCHMARKS.md), for ~30 MB more resident memory.
     */
    static final String DEFAULT_OPTS = "-Xss512k -Xmx256m -XX:+ExitOnOutOfMemoryError";

    private DaemonLauncher() {
    }

    static void start(DaemonSettings settings, Runnable ping, java.io.PrintWriter warn) {
        Path out = settings.home().resolve("daemon.out");
        // bin/supervisor may run the CLI on a JDK 25 (its AOT cache) and names the default java for the daemon.
        String daemonJava = System.getenv("SUPERVISOR_DAEMON_JAVA");
        String java = daemonJava != null && !daemonJava.isBlank() ? daemonJava
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> opts = opts(System.getenv().getOrDefault("SUPERVISOR_DAEMON_OPTS", DEFAULT_OPTS));
        List<String> props = props(settings.installDir());
        // A copy of the build under the home: a rebuild under the running daemon cannot take its classes away.
        String classPath = RuntimeSnapshot.daemonClassPath(settings.home(), warn);
        DaemonArchive archive = DaemonArchive.forDaemon(settings.home(), classPath, java, opts);
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/setsid");
        cmd.add(java);
        cmd.addAll(opts);
        if (archive != null) {
            cmd.addAll(archive.useFlags());
        }
        cmd.addAll(props);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("dev.supervisor.daemon.Daemon");
        try {
            PrivateFiles.createDirectories(settings.home());
            PrivateFiles.openForWrite(out).close(); // the redirect keeps an existing file's mode: 0600
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()))
                    .redirectErrorStream(true);
            Process p = pb.start();
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
            while (System.currentTimeMillis() < deadline) {
                try {
                    ping.run();
                    if (archive != null) {
                        archive.trainInBackground(java, opts, props); // once it answers: never delays a start
                    }
                    return;
                } catch (DaemonUnreachable e) {
                    if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
                        throw new DaemonError("the daemon exited at start (code " + p.exitValue() + "): " + tail(out));
                    }
                }
            }
            throw new DaemonError("the daemon did not answer within " + START_TIMEOUT_MILLIS / 1000 + " s; see " + out);
        } catch (IOException e) {
            throw new DaemonError("cannot start the daemon: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonError("interrupted while starting the daemon");
        }
    }

    /** SUPERVISOR_DAEMON_OPTS as JVM arguments (split on blanks, as the shell in bin/supervisor does). */
    static List<String> opts(String opts) {
        return Arrays.stream(opts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /** The daemon's system properties: its installation and log4j's configuration there. */
    static List<String> props(Path installDir) {
        return List.of("-Dsupervisor.install=" + installDir,
                "-Dlog4j.configurationFile=" + installDir.resolve("conf/log4j2.xml"));
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no output in " + file + ")";
        }
    }
}
