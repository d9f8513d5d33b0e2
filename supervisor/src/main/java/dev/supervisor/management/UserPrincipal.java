package dev.supervisor.management;

/**
 * The authenticated user name. The simple class name matters: hawtio reads the user name from a principal
 * whose class is simply named {@code UserPrincipal}.
 */
public final class UserPrincipal extends NamedPrincipal {
    private static final long serialVersionUID = 1L;

    public UserPrincipal(String name) {
        super(name);
    }
}
