package dev.supervisor.cli;

import dev.supervisor.config.DaemonSettingsLoader;
import dev.supervisor.config.PrivateFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * The daemon runs from a private copy of its build: {@code $SUPERVISOR_HOME/runtime/<build id>/} holds supervisor.jar
 * and the jars its manifest names (lib/...), read-only, in a 0700 directory. A JVM reads classes from its jars
 * lazily, for as long as it runs; a rebuild ({@code mvn package}) or a package upgrade rewrites those jars in place,
 * and the daemon's next class load (its shutdown path, say) then failed with NoClassDefFoundError and left the apps
 * running without it. A copy nobody rewrites keeps every class the daemon may still load.
 * <p>
 * The build id is a digest of each file's name, size and modification time: the same build reuses its snapshot, a
 * rebuild gets a new one. A snapshot no running process names on its command line (read from /proc) and unused for
 * {@link #RECENT} is pruned when another is taken, so a home keeps about one snapshot per build in use.
 */
public final class RuntimeSnapshot {
    /** A snapshot used this recently is kept even if no process names it yet: another CLI may be starting a daemon on it. */
    static final Duration RECENT = Duration.ofMinutes(1);
    /** A half-made snapshot this old was left by a maker that died. */
    private static final Duration ABANDONED = Duration.ofMinutes(10);
    private static final String NEW_PREFIX = ".new-";
    private static final int ATTEMPTS = 3;

    private RuntimeSnapshot() {
    }

    /** One file of the build: where it is, and its path relative to the jar's directory (as the manifest names it). */
    record Part(Path source, String relative) {
    }

    /**
     * The class path a daemon started by this JVM should get: the snapshot's jar when this JVM runs the packaged
     * jar ({@code java -jar supervisor.jar}, one entry), else this JVM's class path unchanged (classes directories:
     * tests, an IDE). When no snapshot can be made, says why on {@code warn} and returns the build's own jar.
     */
    static String daemonClassPath(Path home, PrintWriter warn) {
        String cp = System.getProperty("java.class.path");
        if (cp.contains(java.io.File.pathSeparator) || !cp.endsWith(".jar")) {
            return cp;
        }
        Path jar = Path.of(cp).toAbsolutePath().normalize();
        try {
            return take(home.resolve("runtime"), jar).toString();
        } catch (IOException | RuntimeException e) {
            warn.println("supervisor: warning: the daemon runs from the build itself (" + jar + "), not from a copy in "
                    + home.resolve("runtime") + ": " + e.getMessage() + "; a rebuild under it may break its shutdown");
            return cp;
        }
    }

    /**
     * bin/supervisor's daemon branch, run with the build's jar as the class path, -Dsupervisor.install and the
     * daemon's JVM (the same java): prints the class path for the daemon (see {@link #daemonClassPath}), then on a
     * second line the daemon's AppCDS archive when there is one ({@link DaemonArchive}), else an empty line. A
     * missing archive is made in the background, niced, while the daemon starts.
     */
    public static void main(String[] args) {
        Path home = DaemonSettingsLoader.home(System.getenv());
        String classPath = daemonClassPath(home, new PrintWriter(System.err, true));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> opts = DaemonLauncher.opts(System.getenv().getOrDefault("SUPERVISOR_DAEMON_OPTS", DaemonLauncher.DEFAULT_OPTS));
        DaemonArchive archive = DaemonArchive.forDaemon(home, classPath, java, opts);
        String use = archive != null && !archive.useFlags().isEmpty() ? archive.file().toString() : "";
        System.out.println(classPath);
        System.out.println(use);
        if (archive != null && use.isEmpty()) {
            archive.trainInBackground(java, opts, DaemonLauncher.props(dev.supervisor.daemon.Installation.directory()));
        }
    }

    /**
     * The snapshot of {@code jar} and its manifest's jars under {@code runtime}: reused when this build has one,
     * else copied. Returns the snapshot's jar. Prunes other snapshots no process uses.
     *
     * @throws IOException when the copy fails, or the build kept changing while it was copied (a rebuild running)
     */
    static Path take(Path runtime, Path jar) throws IOException {
        List<Part> parts = parts(jar);
        PrivateFiles.createDirectories(runtime);
        for (int attempt = 0; attempt <= ATTEMPTS; attempt++) {
            String id = buildId(parts);
            Path dir = runtime.resolve(id);
            if (intact(dir, parts)) {
                Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
                prune(runtime, dir);
                return dir.resolve(parts.get(0).relative());
            }
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                // Damaged (a file deleted or cut short by hand): made again unless a process runs from it.
                if (inUse(dir)) {
                    throw new IOException(dir + " is damaged and in use; stop the daemon running from it");
                }
                deleteTree(dir);
            }
            if (attempt == ATTEMPTS) {
                break;
            }
            Path tmp = Files.createTempDirectory(runtime, NEW_PREFIX); // 0700
            try {
                copy(parts, tmp);
                if (!buildId(parts).equals(id)) {
                    continue; // the build changed while it was copied: again, from the new one
                }
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    // Another CLI made the same snapshot meanwhile: theirs is as good.
                }
            } finally {
                deleteTree(tmp);
            }
        }
        throw new IOException("the build in " + jar.getParent() + " kept changing while it was copied (a rebuild running?); "
                + "run the command again when the build is done");
    }

    /** The jar, then every jar its manifest's Class-Path names that exists (the JVM skips missing ones too). */
    static List<Part> parts(Path jar) throws IOException {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(jar, jar.getFileName().toString()));
        Manifest manifest;
        try (JarFile jf = new JarFile(jar.toFile())) {
            manifest = jf.getManifest();
        }
        String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
        if (classPath == null) {
            return parts;
        }
        URI base = jar.getParent().toUri();
        for (String entry : classPath.trim().split("\\s+")) {
            if (entry.isEmpty() || entry.startsWith("/") || entry.contains("..") || entry.contains(":")) {
                continue; // absolute or outside the jar's directory: not ours to copy (supervisor's manifest has none)
            }
            Path source = Path.of(base.resolve(entry));
            if (Files.isRegularFile(source)) {
                parts.add(new Part(source, jar.getParent().relativize(source).toString()));
            }
        }
        return parts;
    }

    /** A digest of every part's name, size and modification time: equal for one build, different after a rebuild. */
    static String buildId(List<Part> parts) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Part p : parts) {
            BasicFileAttributes a = Files.readAttributes(p.source(), BasicFileAttributes.class);
            Instant t = a.lastModifiedTime().toInstant();
            sha.update((p.relative() + "\t" + a.size() + "\t" + t.getEpochSecond() + "." + t.getNano() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 12);
    }

    /** Every part there with its source's size (a cheap check against a snapshot damaged by hand). */
    private static boolean intact(Path dir, List<Part> parts) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        for (Part p : parts) {
            Path copy = dir.resolve(p.relative());
            if (!Files.isRegularFile(copy) || Files.size(copy) != Files.size(p.source())) {
                return false;
            }
        }
        return true;
    }

    /** Copies every part, read-only, and opens each as a zip: a jar cut short by a running rebuild is refused here. */
    private static void copy(List<Part> parts, Path into) throws IOException {
        for (Part p : parts) {
            Path target = into.resolve(p.relative());
            Files.createDirectories(target.getParent(), PosixFilePermissions.asFileAttribute(PrivateFiles.DIR));
            Files.copy(p.source(), target);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--------"));
            try (ZipFile zip = new ZipFile(target.toFile())) {
                zip.size();
            } catch (IOException e) {
                throw new IOException(p.source() + " is not a complete jar (" + e.getMessage() + "); a rebuild running?", e);
            }
        }
    }

    /** Removes snapshots no process names and nobody used for {@link #RECENT}, and half-made ones long abandoned. */
    private static void prune(Path runtime, Path keep) {
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(runtime)) {
            for (Path d : ds) {
                if (!d.equals(keep) && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
                    candidates.add(d);
                }
            }
        } catch (IOException e) {
            return;
        }
        Instant now = Instant.now();
        for (Path d : candidates) {
            try {
                Instant used = Files.getLastModifiedTime(d).toInstant();
                boolean half = d.getFileName().toString().startsWith(NEW_PREFIX);
                Duration idle = half ? ABANDONED : RECENT;
                if (used.plus(idle).isBefore(now) && (half || !inUse(d))) {
                    deleteTree(d);
                }
            } catch (IOException | RuntimeException e) {
                // Best effort: a snapshot left is only disk space, and the next start tries again.
            }
        }
    }

    /**
     * Whether a running process names {@code dir} on its command line (a daemon's -cp, a training run's). When /proc
     * cannot be read, every snapshot counts as in use: never delete what might run.
     */
    static boolean inUse(Path dir) {
        byte[] needle = (dir.toString() + "/").getBytes(StandardCharsets.UTF_8);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : procs) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                byte[] cmdline;
                try (InputStream in = Files.newInputStream(p.resolve("cmdline"))) {
                    cmdline = in.readAllBytes();
                } catch (IOException e) {
                    continue; // exited meanwhile
                }
                if (contains(cmdline, needle)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException e) {
                    // gone already
                }
            }
        }
    }
}
