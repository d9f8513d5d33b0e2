package dev.supervisor.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the units users write in config files: durations ("10s", "1500ms", 3000) and sizes ("200M"). */
public final class Units {
    /** The parsers' patterns, compiled on first parse: the CLI's table only formats, and regex costs its start. */
    private static final class Patterns {
        static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
        static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]?)b?");
    }

    private Units() {
    }

    /** A bare number is milliseconds, as in pm2. */
    public static Duration parseDuration(String text) {
        Matcher m = Patterns.DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 1500, \"1500ms\", \"10s\", \"5m\")");
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> value;
            case "s" -> value * 1_000;
            case "m" -> value * 60_000;
            case "h" -> value * 3_600_000;
            default -> throw new IllegalStateException(unit);
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /** A bare number is bytes; K, M and G are powers of 1024, as in pm2's max_memory_restart. */
    public static long parseSize(String text) {
        Matcher m = Patterns.SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 10485760, \"512K\", \"10M\", \"1G\")");
        }
        double value = Double.parseDouble(m.group(1));
        long factor = switch (m.group(2)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1;
        };
        return Math.round(value * factor);
    }

    /** pm2's uptime: "850ms", "12s", "5m", "3h", "2D". Without {@code +} on strings (indy): the CLI's table calls it. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return Long.toString(ms).concat("ms");
        }
        long s = ms / 1000;
        if (s < 60) {
            return Long.toString(s).concat("s");
        }
        if (s < 3600) {
            return Long.toString(s / 60).concat("m");
        }
        if (s < 86400) {
            return Long.toString(s / 3600).concat("h");
        }
        return Long.toString(s / 86400).concat("D");
    }
}
