package dev.supervisor.management;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * A role ({@link Credentials#ADMIN_ROLE} or {@link Credentials#VIEWER_ROLE}) held by an authenticated subject.
 * hawtio finds it by class name ({@code hawtio.rolePrincipalClasses}); the JMX connector and the console's
 * access control read it to tell the admin from the read-only viewer.
 */
public final class RolePrincipal implements Principal, Serializable {
    private static final long serialVersionUID = 1L;

    private final String role;

    public RolePrincipal(String role) {
        this.role = Objects.requireNonNull(role, "role");
    }

    @Override
    public String getName() {
        return role;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RolePrincipal other && role.equals(other.role);
    }

    @Override
    public int hashCode() {
        return role.hashCode();
    }

    @Override
    public String toString() {
        return "RolePrincipal[" + role + "]";
    }
}
