package dev.supervisor.management;

import dev.supervisor.management.http.AuthThrottle;
import java.nio.file.Path;
import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import javax.management.remote.JMXAuthenticator;
import javax.security.auth.Subject;

/**
 * Checks a JMX client's {@code {user, password}} against the credentials file as it is now (read again when it
 * changes), so that edits apply at once; {@link PasswordCheck} throttles and logs failures. The subject carries a
 * {@link RolePrincipal} that {@link JmxAccessForwarder} reads.
 */
final class CredentialsJmxAuthenticator implements JMXAuthenticator {
    private final PasswordCheck check;

    CredentialsJmxAuthenticator(Path credentialsFile, AuthThrottle throttle) {
        this.check = new PasswordCheck("remote JMX", new CredentialsFile(credentialsFile), throttle);
    }

    @Override
    public Subject authenticate(Object credentials) {
        String source = clientHost();
        if (!(credentials instanceof String[] pair) || pair.length != 2 || pair[0] == null || pair[1] == null) {
            check.malformed(source);
            throw new SecurityException("Authentication failed: expected a user name and a password");
        }
        PasswordCheck.Verdict verdict = check.check(source, pair[0], pair[1]);
        if (verdict instanceof PasswordCheck.Granted granted) {
            Subject subject = SubjectRoles.subjectFor(pair[0], granted.role());
            subject.setReadOnly();
            return subject;
        }
        if (verdict instanceof PasswordCheck.Locked locked) {
            throw new SecurityException("Authentication failed: too many failures, retry in "
                    + Math.max(1, locked.left().toSeconds()) + " s");
        }
        throw new SecurityException("Authentication failed");
    }

    private static String clientHost() {
        try {
            return RemoteServer.getClientHost();
        } catch (ServerNotActiveException e) {
            return "local";
        }
    }
}
