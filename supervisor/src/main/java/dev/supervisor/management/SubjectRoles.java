package dev.supervisor.management;

import java.lang.reflect.Method;
import java.security.AccessController;
import javax.security.auth.Subject;

/**
 * Reads the roles of the subject the current call runs as. Both the JMX connector (RMI runs each call
 * as the authenticated subject) and hawtio's Jolokia servlet (its filter runs requests in
 * {@code Subject.doAs}) make that subject current.
 */
public final class SubjectRoles {
    /** {@code Subject.current()} exists from Java 18 on and is the only way that works from Java 23 on. */
    private static final Method CURRENT = findCurrent();

    private SubjectRoles() {
    }

    /** The current subject, or null outside an authenticated call. */
    @SuppressWarnings("removal")
    public static Subject current() {
        if (CURRENT != null) {
            try {
                return (Subject) CURRENT.invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Subject.current() failed", e);
            }
        }
        return Subject.getSubject(AccessController.getContext());
    }

    public static boolean isAdmin(Subject subject) {
        return hasRole(subject, Credentials.ADMIN_ROLE);
    }

    public static boolean hasRole(Subject subject, String role) {
        return subject != null && subject.getPrincipals(RolePrincipal.class).contains(new RolePrincipal(role));
    }

    /** A subject for a user who passed authentication with the given role. */
    public static Subject subjectFor(String user, String role) {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        subject.getPrincipals().add(new RolePrincipal(role));
        return subject;
    }

    private static Method findCurrent() {
        try {
            return Subject.class.getMethod("current");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
