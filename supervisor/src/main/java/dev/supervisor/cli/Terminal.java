package dev.supervisor.cli;

import java.util.Locale;
import java.util.Map;

/**
 * What the CLI's output may use. Bytes are always written as UTF-8 (as pm2/node do, so app log text stays intact);
 * the table's box drawing and symbols are used only when the locale says UTF-8 (systemd units, cron and many
 * containers run with LANG=C or none: they get ASCII). Colours only on a terminal, never with NO_COLOR (no-color.org)
 * or TERM=dumb.
 */
record Terminal(boolean unicode, boolean color) {
    static final Terminal PLAIN = new Terminal(true, false);

    static Terminal detect(Map<String, String> env, boolean stdoutIsTerminal) {
        return new Terminal(isUtf8Locale(env), stdoutIsTerminal && !env.containsKey("NO_COLOR")
                && !"dumb".equals(env.getOrDefault("TERM", "")));
    }

    /** POSIX precedence: LC_ALL, then LC_CTYPE, then LANG; unset means the C locale. */
    static boolean isUtf8Locale(Map<String, String> env) {
        for (String k : new String[]{"LC_ALL", "LC_CTYPE", "LANG"}) {
            String v = env.get(k);
            if (v != null && !v.isEmpty()) {
                String lower = v.toLowerCase(Locale.ROOT);
                return lower.contains("utf-8") || lower.contains("utf8");
            }
        }
        return false;
    }

    /** pm2's colours: green online, red errored/stopped-by-crash, grey stopped, yellow in between. */
    String status(String status) {
        if (!color) {
            return status;
        }
        String code = switch (status) {
            case "online" -> "32";
            case "errored" -> "31";
            case "stopped" -> "90";
            default -> "33";
        };
        // No + on strings here: indy string concatenation would bootstrap at the light entry's start.
        return new StringBuilder(status.length() + 9).append("\u001b[").append(code).append('m').append(status)
                .append("\u001b[0m").toString();
    }

    String bold(String s) {
        return color ? "\u001b[1m".concat(s).concat("\u001b[0m") : s;
    }
}
