package dev.supervisor.management;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * The authenticated user name. The simple class name matters: hawtio reads the user name from a principal
 * whose class is simply named {@code UserPrincipal}.
 */
public final class UserPrincipal implements Principal, Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;

    public UserPrincipal(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserPrincipal other && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "UserPrincipal[" + name + "]";
    }
}
