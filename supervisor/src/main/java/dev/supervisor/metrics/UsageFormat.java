package dev.supervisor.metrics;

import java.util.Locale;

/** CPU and memory as pm2 prints them, for the CLI's table, describe and monit alike. */
public final class UsageFormat {
    private UsageFormat() {
    }

    /** "0%", "12.5%", "101%". */
    public static String cpu(double percent) {
        return percent >= 100 || percent == Math.rint(percent) ? Math.round(percent) + "%"
                : String.format(Locale.ROOT, "%.1f%%", percent);
    }

    /** "812kb", "45.2mb", "1.2gb". */
    public static String memory(long bytes) {
        if (bytes < 1 << 20) {
            return (bytes >> 10) + "kb";
        }
        if (bytes < 1L << 30) {
            return String.format(Locale.ROOT, "%.1fmb", bytes / (double) (1 << 20));
        }
        return String.format(Locale.ROOT, "%.1fgb", bytes / (double) (1L << 30));
    }
}
