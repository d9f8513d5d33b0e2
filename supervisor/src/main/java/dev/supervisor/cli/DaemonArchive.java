package dev.supervisor.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The daemon's AppCDS archive: the classes a daemon loads to boot, start and stop an app, mapped from a file instead
 * of parsed into metaspace (less resident memory, a faster start). It lives in the daemon's snapshot
 * ({@link RuntimeSnapshot}), whose jars never change, as {@code daemon-<key>.jsa}; the key covers the JDK (its
 * path and its modules file) and the daemon's JVM flags, both of which the archive must match.
 * <p>
 * A missing archive is made once per snapshot, in the background, by a training run ({@link DaemonTraining}:
 * {@code -XX:ArchiveClassesAtExit}, niced) after the daemon has started: never before or during a start. The
 * JVM's archive messages are off, so an archive the JVM rejects (a JDK updated in place) only means a start without
 * it. A run that fails leaves {@code .failed}, not tried again for that snapshot; its output is in
 * {@code daemon-<key>.training.log}.
 */
final class DaemonArchive {
    /** A training run's claim (its archive being written) older than this was left by a run that died. */
    private static final Duration STALE = Duration.ofMinutes(15);
    static final String SWITCH = "SUPERVISOR_DAEMON_ARCHIVE";

    private final Path file;

    private DaemonArchive(Path file) {
        this.file = file;
    }

    /**
     * The archive for a daemon run by {@code java} with {@code opts} from {@code classPath}; null when the class
     * path is not a snapshot's jar under {@code home} (a daemon from classes directories gets no archive), or when
     * {@value #SWITCH} is {@code off} (neither used nor made: for a machine that must not run a training daemon).
     */
    static DaemonArchive forDaemon(Path home, String classPath, String java, List<String> opts) {
        Path runtime = home.resolve("runtime");
        if ("off".equals(System.getenv(SWITCH))
                || classPath.contains(File.pathSeparator) || !classPath.startsWith(runtime + File.separator)) {
            return null;
        }
        try {
            return new DaemonArchive(Path.of(classPath).resolveSibling("daemon-" + key(java, opts) + ".jsa"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String key(String java, List<String> opts) throws IOException {
        Path javaHome = Path.of(java).toRealPath().getParent().getParent();
        StringBuilder s = new StringBuilder(javaHome.toString()).append('\n');
        Path modules = javaHome.resolve("lib/modules");
        if (Files.isRegularFile(modules)) {
            BasicFileAttributes a = Files.readAttributes(modules, BasicFileAttributes.class);
            s.append(a.size()).append(' ').append(a.lastModifiedTime().toMillis()).append('\n');
        }
        s.append(String.join(" ", opts));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Path file() {
        return file;
    }

    /** The archive's JVM flags when it exists, else none. */
    List<String> useFlags() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        return List.of("-XX:SharedArchiveFile=" + file, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    /**
     * Starts the training run in the background (its own session, nice 19) unless the archive exists, failed for
     * this snapshot, or another run is making it. Never throws: an archive is an optimisation.
     *
     * @param props the daemon's -D flags (its installation and log4j's configuration)
     */
    void trainInBackground(String java, List<String> opts, List<String> props) {
        Path tmp = sibling(".tmp");
        Path failed = sibling(".failed");
        try {
            if (Files.exists(file) || Files.exists(failed) || !claim(tmp)) {
                return;
            }
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/setsid", "/bin/sh", "-c",
                    // Its own session is its own autogroup, which Linux's scheduler gives the same CPU share as the
                    // daemon's whatever the nice value inside it: the group itself is niced to 19 too, or the training
                    // would take a core from the apps' first start. Then the archive is kept only when the run exits
                    // 0 (it is written as the JVM exits).
                    "ag=/proc/$$/autogroup; if [ -w \"$ag\" ] && echo 19 > \"$ag\"; then echo \"training in $(cat \"$ag\")\"; fi 2>/dev/null; "
                    + "tmp=$1; out=$2; failed=$3; shift 3; if \"$@\"; then mv -f \"$tmp\" \"$out\"; else rm -f \"$tmp\"; : > \"$failed\"; fi",
                    "sh", tmp.toString(), file.toString(), failed.toString(), "nice", "-n", "19", java));
            cmd.addAll(opts);
            cmd.add("-XX:ArchiveClassesAtExit=" + tmp);
            cmd.addAll(props);
            cmd.add("-cp");
            cmd.add(file.resolveSibling("supervisor.jar").toString());
            cmd.add(DaemonTraining.class.getName());
            Path log = sibling(".training.log");
            new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the claim goes stale and is taken over later
            }
        }
    }

    private Path sibling(String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** Creates the run's output file as its claim; a claim older than {@link #STALE} is taken over. */
    private static boolean claim(Path tmp) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.createFile(tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                if (Files.getLastModifiedTime(tmp).toInstant().plus(STALE).isAfter(Instant.now())) {
                    return false;
                }
                Files.deleteIfExists(tmp);
            }
        }
        return false;
    }
}
