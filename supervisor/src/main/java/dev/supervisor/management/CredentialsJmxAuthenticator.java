package dev.supervisor.management;

import java.nio.file.Path;
import javax.management.remote.JMXAuthenticator;
import javax.security.auth.Subject;

/**
 * Checks a JMX client's {@code {user, password}} against the credentials file, read at each connection so that
 * edits apply at once. The subject carries a {@link RolePrincipal} that {@link ViewerReadOnlyForwarder} reads.
 */
final class CredentialsJmxAuthenticator implements JMXAuthenticator {
    private final Path credentialsFile;

    CredentialsJmxAuthenticator(Path credentialsFile) {
        this.credentialsFile = credentialsFile;
    }

    @Override
    public Subject authenticate(Object credentials) {
        if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
            throw new SecurityException("Authentication failed: expected a user name and a password");
        }
        String role = Credentials.load(credentialsFile).roleOf(pair[0], pair[1])
                .orElseThrow(() -> new SecurityException("Authentication failed"));
        Subject subject = SubjectRoles.subjectFor(pair[0], role);
        subject.setReadOnly();
        return subject;
    }
}
