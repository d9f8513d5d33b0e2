package dev.supervisor.config;

import org.quartz.CronExpression;

import java.text.ParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pm2's {@code cron_restart} (Unix cron: 5 fields, or 6 with seconds first; {@code @daily} and friends) as a
 * Quartz {@link CronExpression}, which does the parsing and the next-fire-time arithmetic. Only the dialect is
 * translated here: the seconds field, Sunday = 0 (Quartz: 1), and the '?' Quartz needs in day-of-month or
 * day-of-week.
 */
public final class CronExpressions {
    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private CronExpressions() {
    }

    /** @throws IllegalArgumentException naming the expression and what is wrong with it */
    public static CronExpression parse(String expression) {
        String quartz = toQuartz(expression);
        try {
            return new CronExpression(quartz);
        } catch (ParseException e) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid cron expression: " + e.getMessage()
                    + " (expected 'minute hour day-of-month month day-of-week', optionally with seconds first, e.g. '0 3 * * *')");
        }
    }

    static String toQuartz(String expression) {
        String e = expression.trim();
        e = MACROS.getOrDefault(e.toLowerCase(Locale.ROOT), e);
        String[] f = e.split("\\s+");
        if (f.length == 5) {
            String[] six = new String[6];
            six[0] = "0";
            System.arraycopy(f, 0, six, 1, 5);
            f = six;
        }
        if (f.length != 6) {
            throw new IllegalArgumentException("'" + expression + "' is not a valid cron expression: " + f.length
                    + " fields (expected 5, 'minute hour day-of-month month day-of-week', or 6 with seconds first)");
        }
        String dom = f[3];
        String dow = unixDaysToQuartz(f[5]);
        if (dow.equals("*") || dow.equals("?")) {
            dow = "?";
            if (dom.equals("?")) {
                dom = "*";
            }
        } else if (dom.equals("*") || dom.equals("?")) {
            dom = "?";
        } else {
            throw new IllegalArgumentException("'" + expression + "': set day-of-month or day-of-week, not both"
                    + " (the cron library here cannot combine them)");
        }
        return String.join(" ", f[0], f[1], f[2], dom, f[4], dow);
    }

    /** Unix day numbers 0-7 (0 and 7 Sunday) to Quartz's 1-7 (1 Sunday); a step after '/' is not a day. */
    private static String unixDaysToQuartz(String field) {
        StringBuilder out = new StringBuilder();
        for (String part : field.split(",", -1)) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            int slash = part.indexOf('/');
            String days = slash < 0 ? part : part.substring(0, slash);
            Matcher m = NUMBER.matcher(days);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                int d = Integer.parseInt(m.group());
                m.appendReplacement(sb, Integer.toString(d % 7 + 1));
            }
            m.appendTail(sb);
            out.append(sb);
            if (slash >= 0) {
                out.append(part.substring(slash));
            }
        }
        return out.toString();
    }
}
