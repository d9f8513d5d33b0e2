package dev.supervisor.config;

import java.util.List;
import java.util.Locale;

/** The POSIX signal names users may write (kill_signal, sendSignal). */
public final class Signals {
    public static final List<String> NAMES = List.of("SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2",
            "SIGTERM", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGWINCH", "SIGALRM", "SIGPIPE", "SIGTTIN", "SIGTTOU");

    private Signals() {
    }

    /** "int", "SIGINT" and "sigint" all give "SIGINT". */
    public static String normalize(String name) {
        String upper = name.trim().toUpperCase(Locale.ROOT);
        String full = upper.startsWith("SIG") ? upper : "SIG" + upper;
        if (!NAMES.contains(full)) {
            throw new IllegalArgumentException("'" + name + "' is not a signal name (use one of " + String.join(", ", NAMES) + ")");
        }
        return full;
    }
}
