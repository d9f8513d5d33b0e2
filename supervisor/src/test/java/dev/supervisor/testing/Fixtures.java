package dev.supervisor.testing;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds apps files whose apps run the {@code Fixture} program. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path projectRoot() {
        String root = System.getProperty("supervisor.root");
        if (root != null) {
            return Path.of(root).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        return Files.exists(p.resolve("conf")) ? p : p.getParent();
    }

    /**
     * Deletes a directory and all below it, best effort (a background training run may still be writing there):
     * the daemon's copy of the build in a test's home is ~24 MB.
     */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                p.toFile().delete();
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static String testClasses() {
        return System.getProperty("supervisor.test.classes", Path.of("target/test-classes").toAbsolutePath().toString());
    }

    /** An app declaration running the fixture with {@code args}; more fields can be put on the returned map. */
    public static Map<String, Object> app(String name, String... args) {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("name", name);
        app.put("script", java());
        app.put("interpreter", "none");
        List<String> a = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", testClasses(), "dev.supervisor.fixture.Fixture"));
        a.addAll(List.of(args));
        app.put("args", a);
        return app;
    }

    @SafeVarargs
    public static Path appsFile(Path dir, Map<String, Object>... apps) {
        try {
            Files.createDirectories(dir);
            Path file = Files.createTempFile(dir, "apps-", ".json");
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), Map.of("apps", List.of(apps)));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
