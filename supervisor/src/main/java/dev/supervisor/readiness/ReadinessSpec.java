package dev.supervisor.readiness;

import java.time.Duration;
import java.util.Objects;

/**
 * What an app's config asks for to call a new instance ready. {@link ReadinessProbes} picks one probe, first
 * match wins: waitReady, readyUrl, readyPattern, port, else minUptime.
 *
 * @param waitReady    wait_ready: the app sends READY=1 over sd_notify ($NOTIFY_SOCKET)
 * @param readyUrl     ready_url, may contain ${PORT}; null or blank if not set
 * @param readyPattern ready_pattern, a Java regex searched in stdout lines; null or blank if not set
 * @param port         the instance's private port, 0 if none
 * @param minUptime    min_uptime: with no other signal, ready after staying up this long
 */
public record ReadinessSpec(boolean waitReady, String readyUrl, String readyPattern, int port, Duration minUptime) {
    public ReadinessSpec {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (none) or 1-65535, got " + port);
        }
        Objects.requireNonNull(minUptime, "minUptime");
        if (minUptime.isNegative()) {
            throw new IllegalArgumentException("min_uptime must not be negative, got " + minUptime);
        }
        readyUrl = blankToNull(readyUrl);
        readyPattern = blankToNull(readyPattern);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
