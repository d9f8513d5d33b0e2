package dev.supervisor.management;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The one set of credentials used by Jolokia, hawtio and remote JMX. Generated on first start into a 0600
 * properties file in the state directory ({@code username}, {@code password}). An optional read-only user can
 * be added by hand as {@code viewer.username} and {@code viewer.password}.
 */
public record Credentials(String username, String password, Optional<User> viewer) {

    public record User(String username, String password) {
    }

    public static final String ADMIN_ROLE = "admin";
    public static final String VIEWER_ROLE = "viewer";

    /** Reads the file, creating it with a random password if it does not exist. */
    public static Credentials loadOrCreate(Path file) {
        if (!Files.exists(file)) {
            create(file);
        }
        return load(file);
    }

    public static Credentials load(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read credentials file " + file + ": " + e.getMessage(), e);
        }
        String user = p.getProperty("username");
        String pass = p.getProperty("password");
        if (user == null || user.isBlank() || pass == null || pass.isBlank()) {
            throw new IllegalStateException("credentials file " + file + " must set both 'username' and 'password'");
        }
        Optional<User> viewer = Optional.empty();
        String vu = p.getProperty("viewer.username");
        String vp = p.getProperty("viewer.password");
        if (vu != null && vp != null && !vu.isBlank() && !vp.isBlank()) {
            viewer = Optional.of(new User(vu.trim(), vp.trim()));
        }
        return new Credentials(user.trim(), pass.trim(), viewer);
    }

    /** The role of a user whose password matches, if any. */
    public Optional<String> roleOf(String user, String pass) {
        if (username.equals(user) && password.equals(pass)) {
            return Optional.of(ADMIN_ROLE);
        }
        return viewer.filter(v -> v.username().equals(user) && v.password().equals(pass)).map(v -> VIEWER_ROLE);
    }

    private static void create(Path file) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String text = "# Supervisor credentials, used by Jolokia, the hawtio console and remote JMX.\n"
                + "# Add viewer.username and viewer.password for a read-only user.\n"
                + "username=admin\npassword=" + password + "\n";
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "credentials", ".tmp",
                    PosixFilePermissions.asFileAttribute(owner));
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.setPosixFilePermissions(file, owner);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create credentials file " + file + ": " + e.getMessage(), e);
        }
    }
}
