package dev.supervisor.management;

/**
 * A role ({@link Credentials#ADMIN_ROLE} or {@link Credentials#VIEWER_ROLE}) held by an authenticated subject.
 * hawtio finds it by class name ({@code hawtio.rolePrincipalClasses}); the JMX connector and the console's
 * access control read it to tell the admin from the read-only viewer.
 */
public final class RolePrincipal extends NamedPrincipal {
    private static final long serialVersionUID = 1L;

    public RolePrincipal(String role) {
        super(role);
    }
}
