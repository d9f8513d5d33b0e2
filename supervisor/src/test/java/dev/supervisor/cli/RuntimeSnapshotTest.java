package dev.supervisor.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The daemon's private copy of its build: made once per build, read-only, pruned only when nothing runs from it. */
class RuntimeSnapshotTest {
    @TempDir
    Path dir;
    private Path build;
    private Path runtime;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        build = dir.resolve("install/supervisor/target");
        runtime = dir.resolve("home/runtime");
        jar(build.resolve("lib/a.jar"), null, "a");
        jar(build.resolve("lib/b.jar"), null, "b");
        jar(build.resolve("supervisor.jar"), "lib/a.jar lib/b.jar lib/missing.jar", "main");
    }

    @AfterEach
    void tearDown() {
        processes.forEach(Process::destroyForcibly);
    }

    private static void jar(Path file, String classPath, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), m)) {
            out.putNextEntry(new JarEntry("content.txt"));
            out.write(content.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private List<Path> snapshots() throws IOException {
        try (Stream<Path> s = Files.list(runtime)) {
            return s.sorted().toList();
        }
    }

    /** Makes a snapshot look last used long ago (instead of waiting RECENT out). */
    private static void ageOf(Path snapshot) throws IOException {
        Files.setLastModifiedTime(snapshot, FileTime.from(Instant.now().minus(RuntimeSnapshot.RECENT).minusSeconds(60)));
    }

    @Test
    void copiesTheJarAndTheJarsItsManifestNamesReadOnlyInAPrivateDirectory() throws IOException {
        Path jar = RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar"));

        Path snapshot = jar.getParent();
        assertThat(snapshot.getParent()).isEqualTo(runtime);
        assertThat(jar.getFileName().toString()).isEqualTo("supervisor.jar");
        for (String f : List.of("supervisor.jar", "lib/a.jar", "lib/b.jar")) {
            assertThat(Files.readAllBytes(snapshot.resolve(f))).as(f).isEqualTo(Files.readAllBytes(build.resolve(f)));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshot.resolve(f)))).as(f).isEqualTo("r--------");
        }
        assertThat(snapshot.resolve("lib/missing.jar")).doesNotExist();
        for (Path d : List.of(runtime, snapshot, snapshot.resolve("lib"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).as(d.toString()).isEqualTo("rwx------");
        }
    }

    @Test
    void theSameBuildReusesItsSnapshotAndARebuildGetsANewOne() throws IOException {
        Path first = RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar"));
        assertThat(RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar"))).isEqualTo(first);
        assertThat(snapshots()).hasSize(1);

        jar(build.resolve("lib/b.jar"), null, "b, rebuilt");
        Path second = RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar"));

        assertThat(second).isNotEqualTo(first);
        assertThat(Files.readAllBytes(second.resolveSibling("lib/b.jar"))).isEqualTo(Files.readAllBytes(build.resolve("lib/b.jar")));
        // The old one was used a moment ago: kept, another CLI may be starting a daemon on it.
        assertThat(first).exists();
    }

    @Test
    void anOldSnapshotIsPrunedOnlyOnceNoProcessRunsFromIt() throws Exception {
        Path first = RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar"));
        // A process naming the snapshot on its command line, as a daemon's -cp does.
        Process user = new ProcessBuilder("cat", "-", first.toString()).start(); // waits on its stdin, ours
        processes.add(user);
        await().until(() -> Files.readString(Path.of("/proc/" + user.pid() + "/cmdline")).contains(first.toString()));
        assertThat(RuntimeSnapshot.inUse(first.getParent())).isTrue();

        jar(build.resolve("lib/a.jar"), null, "a, rebuilt");
        ageOf(first.getParent());
        Path second = RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar"));
        assertThat(first).exists();
        assertThat(snapshots()).hasSize(2);

        user.destroyForcibly().waitFor();
        assertThat(RuntimeSnapshot.inUse(first.getParent())).isFalse();
        ageOf(first.getParent());
        assertThat(RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar"))).isEqualTo(second);
        assertThat(first.getParent()).doesNotExist();
        assertThat(snapshots()).containsExactly(second.getParent());
    }

    @Test
    void aSnapshotDamagedByHandIsMadeAgain() throws IOException {
        Path jar = RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar"));
        Files.delete(jar.resolveSibling("lib/a.jar"));

        assertThat(RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar"))).isEqualTo(jar);
        assertThat(Files.readAllBytes(jar.resolveSibling("lib/a.jar"))).isEqualTo(Files.readAllBytes(build.resolve("lib/a.jar")));
    }

    @Test
    void aJarCutShortByARunningRebuildIsRefusedNamingIt() throws IOException {
        byte[] whole = Files.readAllBytes(build.resolve("lib/b.jar"));
        try (OutputStream out = Files.newOutputStream(build.resolve("lib/b.jar"))) {
            out.write(whole, 0, whole.length / 2);
        }

        assertThatThrownBy(() -> RuntimeSnapshot.take(runtime, build.resolve("supervisor.jar")))
                .isInstanceOf(IOException.class).hasMessageContaining(build.resolve("lib/b.jar").toString())
                .hasMessageContaining("not a complete jar");
        // Nothing half-made is left behind.
        assertThat(snapshots()).isEmpty();
    }
}
