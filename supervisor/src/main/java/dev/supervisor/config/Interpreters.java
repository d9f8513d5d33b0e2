package dev.supervisor.config;

import java.util.Locale;

/** The interpreter pm2 users expect from a script's extension; "none" runs the script itself. */
final class Interpreters {
    private Interpreters() {
    }

    static String forScript(String script) {
        String s = script.toLowerCase(Locale.ROOT);
        if (s.endsWith(".java")) {
            return "java";
        }
        if (s.endsWith(".js") || s.endsWith(".mjs") || s.endsWith(".cjs")) {
            return "node";
        }
        if (s.endsWith(".py")) {
            return "python3";
        }
        if (s.endsWith(".sh")) {
            return "bash";
        }
        if (s.endsWith(".rb")) {
            return "ruby";
        }
        if (s.endsWith(".pl")) {
            return "perl";
        }
        if (s.endsWith(".jar")) {
            return "java";
        }
        return "none";
    }
}
