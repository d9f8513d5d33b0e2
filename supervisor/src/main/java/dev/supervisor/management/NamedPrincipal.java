package dev.supervisor.management;

import java.io.Serializable;
import java.security.Principal;
import java.util.Objects;

/**
 * A principal that is just a name. Subclasses exist because hawtio and JAAS tell principals apart by class
 * (a user name and a role may be spelled alike); equality therefore includes the class.
 */
public abstract class NamedPrincipal implements Principal, Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;

    protected NamedPrincipal(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && name.equals(((NamedPrincipal) o).name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
