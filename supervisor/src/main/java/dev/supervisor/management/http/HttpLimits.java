package dev.supervisor.management.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * The limits every management HTTP endpoint (Jolokia agent, hawtio login, hawtio Jolokia) applies before a request
 * reaches code that would buffer or parse it. Sized so that the worst case fits in the daemon's heap with margin:
 * at most {@code concurrentBodies} bodies per endpoint are read at once, each at most {@code maxBodyBytes} and at
 * most {@code maxJsonValues} JSON values once parsed (see docs/SECURITY.md for the arithmetic).
 *
 * <p>Changed with system properties on the daemon's command line ({@code SUPERVISOR_DAEMON_OPTS}), e.g.
 * {@code -Dsupervisor.http.maxBody=1m}.
 */
public record HttpLimits(int maxBodyBytes, int maxLoginBodyBytes, int maxJsonDepth, int maxJsonValues,
                         int maxBulk, int agentThreads, int agentQueue, int concurrentBodies) {
    public static final String PREFIX = "supervisor.http.";
    /** A bulk request with more entries than this is large: one at a time per endpoint (each answer may be ~100 KB). */
    public static final int LARGE_BULK = 10;

    public static HttpLimits defaults() {
        return new HttpLimits(256 * 1024, 8 * 1024, 400, 100_000, 100, 4, 32, 4);
    }

    /**
     * Reads a body of at most {@code max} bytes, or returns null as soon as there are more: the buffer grows with what
     * arrives, never to a size the client only declared.
     */
    public static byte[] readAtMost(InputStream in, int max) throws IOException {
        byte[] buffer = new byte[Math.min(max + 1, 16 * 1024)];
        int n = 0;
        while (true) {
            if (n == buffer.length) {
                if (buffer.length > max) {
                    return null;
                }
                buffer = Arrays.copyOf(buffer, Math.min(max + 1, buffer.length * 2));
            }
            int r = in.read(buffer, n, buffer.length - n);
            if (r < 0) {
                return Arrays.copyOf(buffer, n);
            }
            n += r;
        }
    }

    /** The defaults, each overridable by {@code -Dsupervisor.http.<name>}. */
    public static HttpLimits fromSystemProperties() {
        HttpLimits d = defaults();
        return new HttpLimits(
                size("maxBody", d.maxBodyBytes),
                size("maxLoginBody", d.maxLoginBodyBytes),
                number("maxJsonDepth", d.maxJsonDepth),
                number("maxJsonValues", d.maxJsonValues),
                number("maxBulk", d.maxBulk),
                number("agentThreads", d.agentThreads),
                number("agentQueue", d.agentQueue),
                number("concurrentBodies", d.concurrentBodies));
    }

    private static int number(String name, int fallback) {
        String v = System.getProperty(PREFIX + name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PREFIX + name + "=" + v + ": expected a positive whole number");
        }
    }

    /** A byte count with an optional k/m suffix (1024-based). */
    private static int size(String name, int fallback) {
        String v = System.getProperty(PREFIX + name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        int factor = 1;
        if (s.endsWith("k")) {
            factor = 1024;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            factor = 1024 * 1024;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s) * factor;
            if (n <= 0 || n > 64L * 1024 * 1024) {
                throw new NumberFormatException();
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PREFIX + name + "=" + v
                    + ": expected a size between 1 and 64m, e.g. 256k or 1m");
        }
    }
}
