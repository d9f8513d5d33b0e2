package dev.supervisor.logs;

import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Turns a {@code log_date_format} into a {@link DateTimeFormatter}. pm2 users write moment.js patterns
 * ("YYYY-MM-DD HH:mm Z"), Java users write java.time ones ("yyyy-MM-dd HH:mm:ss"); both are accepted.
 * A pattern is read as moment.js when it has a letter that is almost never meant in java.time
 * ({@code Y} week-year, {@code D} day-of-year, {@code A} milli-of-day) or a {@code [literal]}.
 */
public final class LogDateFormat {
    /** moment token → java.time pattern letters. Tokens not listed are copied as literal text. */
    private static final Map<String, String> MOMENT = Map.ofEntries(
            Map.entry("YYYY", "yyyy"), Map.entry("YY", "yy"),
            Map.entry("M", "M"), Map.entry("MM", "MM"), Map.entry("MMM", "MMM"), Map.entry("MMMM", "MMMM"),
            Map.entry("D", "d"), Map.entry("DD", "dd"),
            Map.entry("ddd", "EEE"), Map.entry("dddd", "EEEE"),
            Map.entry("H", "H"), Map.entry("HH", "HH"), Map.entry("h", "h"), Map.entry("hh", "hh"),
            Map.entry("m", "m"), Map.entry("mm", "mm"), Map.entry("s", "s"), Map.entry("ss", "ss"),
            Map.entry("S", "S"), Map.entry("SS", "SS"), Map.entry("SSS", "SSS"),
            Map.entry("A", "a"), Map.entry("a", "a"),
            Map.entry("Z", "xxx"), Map.entry("ZZ", "xx"));

    private LogDateFormat() {
    }

    /** @throws IllegalArgumentException with a message naming the pattern, if it is not valid in either style */
    public static DateTimeFormatter parse(String pattern) {
        String javaPattern = isMomentStyle(pattern) ? fromMoment(pattern) : pattern;
        try {
            return DateTimeFormatter.ofPattern(javaPattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("log_date_format '" + pattern + "' is not a valid date pattern"
                    + " (use e.g. \"YYYY-MM-DD HH:mm:ss Z\" or \"yyyy-MM-dd HH:mm:ss\"): " + e.getMessage(), e);
        }
    }

    static boolean isMomentStyle(String pattern) {
        return pattern.indexOf('Y') >= 0 || pattern.indexOf('D') >= 0 || pattern.indexOf('A') >= 0
                || pattern.indexOf('[') >= 0;
    }

    static String fromMoment(String moment) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < moment.length()) {
            char c = moment.charAt(i);
            if (c == '[') { // moment's escaped literal text
                int close = moment.indexOf(']', i + 1);
                int end = close < 0 ? moment.length() : close;
                literal.append(moment, i + 1, end);
                i = close < 0 ? end : end + 1;
                continue;
            }
            int j = i;
            while (j < moment.length() && moment.charAt(j) == c) {
                j++;
            }
            String token = moment.substring(i, j);
            String mapped = Character.isLetter(c) ? MOMENT.get(token) : null;
            if (mapped == null) {
                literal.append(token);
            } else {
                flushLiteral(literal, out);
                out.append(mapped);
            }
            i = j;
        }
        flushLiteral(literal, out);
        return out.toString();
    }

    private static void flushLiteral(StringBuilder literal, StringBuilder out) {
        if (literal.length() > 0) {
            out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
            literal.setLength(0);
        }
    }
}
