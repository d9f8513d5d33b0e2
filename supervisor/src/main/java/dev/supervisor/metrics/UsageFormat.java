package dev.supervisor.metrics;

import java.util.Locale;

/**
 * CPU and memory as pm2 prints them, for the CLI's table, describe and monit alike. Printed without String.format
 * (whose Formatter, regex and locale data cost a cold CLI more than its whole table) but to the same digits:
 * {@code %.1f} rounds half up, and {@code UsageFormatTest} holds the two equal.
 */
public final class UsageFormat {
    private UsageFormat() {
    }

    /** "0%", "12.5%", "101%". */
    public static String cpu(double percent) {
        if (percent >= 100 || percent == Math.rint(percent)) {
            return Long.toString(Math.round(percent)).concat("%");
        }
        if (!(percent > 0)) {
            return String.format(Locale.ROOT, "%.1f%%", percent); // negative or NaN: not from the sampler
        }
        if (percent < 0.001) {
            return "0.0%"; // Double.toString would use an exponent; %.1f prints 0.0
        }
        // Formatter rounds the shortest decimal digits (Double.toString's), half up, to one place.
        String s = Double.toString(percent);
        int dot = s.indexOf('.');
        long whole = Long.parseLong(s.substring(0, dot));
        int tenth = s.charAt(dot + 1) - '0';
        if (dot + 2 < s.length() && s.charAt(dot + 2) >= '5') {
            if (++tenth == 10) {
                tenth = 0;
                whole++;
            }
        }
        return tenths(whole, tenth, "%");
    }

    /** "812kb", "45.2mb", "1.2gb". */
    public static String memory(long bytes) {
        if (bytes < 1 << 20) {
            return Long.toString(bytes >> 10).concat("kb");
        }
        if (bytes > 1L << 58) {
            return String.format(Locale.ROOT, "%.1fgb", bytes / (double) (1L << 30)); // 256 PiB: *10 would overflow
        }
        // bytes / 2^k is exact in binary and never within a rounding error of a tie it is not on: integer half-up
        // rounding gives %.1f's digits.
        int shift = bytes < 1L << 30 ? 20 : 30;
        long t = (bytes * 10 + (1L << (shift - 1))) >> shift;
        return tenths(t / 10, (int) (t % 10), shift == 20 ? "mb" : "gb");
    }

    private static String tenths(long whole, int tenth, String unit) {
        return new StringBuilder(12).append(whole).append('.').append(tenth).append(unit).toString();
    }
}
