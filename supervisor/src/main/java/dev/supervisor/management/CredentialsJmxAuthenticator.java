package dev.supervisor.management;

import dev.supervisor.management.http.AuthThrottle;
import java.nio.file.Path;
import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import javax.management.remote.JMXAuthenticator;
import javax.security.auth.Subject;

/**
 * Checks a JMX client's {@code {user, password}} against the credentials file, read at each connection so that
 * edits apply at once. Failures are throttled and logged with the client's address ({@link AuthThrottle}). The
 * subject carries a {@link RolePrincipal} that {@link JmxAccessForwarder} reads.
 */
final class CredentialsJmxAuthenticator implements JMXAuthenticator {
    private final Path credentialsFile;
    private final AuthThrottle throttle;

    CredentialsJmxAuthenticator(Path credentialsFile, AuthThrottle throttle) {
        this.credentialsFile = credentialsFile;
        this.throttle = throttle;
    }

    @Override
    public Subject authenticate(Object credentials) {
        String source = clientHost();
        if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
            throttle.failed("remote JMX", source, "");
            throw new SecurityException("Authentication failed: expected a user name and a password");
        }
        var locked = throttle.lockedFor(source, pair[0]);
        if (locked.isPresent()) {
            throw new SecurityException("Authentication failed: too many failures, retry in "
                    + Math.max(1, locked.get().toSeconds()) + " s");
        }
        String role = Credentials.load(credentialsFile).roleOf(pair[0], pair[1]).orElse(null);
        if (role == null) {
            throttle.failed("remote JMX", source, pair[0]);
            throw new SecurityException("Authentication failed");
        }
        throttle.succeeded(source, pair[0]);
        Subject subject = SubjectRoles.subjectFor(pair[0], role);
        subject.setReadOnly();
        return subject;
    }

    private static String clientHost() {
        try {
            return RemoteServer.getClientHost();
        } catch (ServerNotActiveException e) {
            return "local";
        }
    }
}
