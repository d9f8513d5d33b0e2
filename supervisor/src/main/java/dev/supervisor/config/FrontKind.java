package dev.supervisor.config;

import java.util.Locale;

/** How the supervisor owns an app's public port. */
public enum FrontKind {
    /** HTTP/1.1 reverse proxy routing each request to a ready instance (default). */
    HTTP,
    /** Balances whole TCP connections, for other protocols. */
    TCP,
    /** No front: the app binds {@code port} itself; a reload briefly has no listener. */
    NONE;

    public static FrontKind parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a front kind (use http, tcp or none)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
