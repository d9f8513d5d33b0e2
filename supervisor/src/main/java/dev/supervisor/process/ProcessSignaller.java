package dev.supervisor.process;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sends signals to an instance's process group. Each instance leads its own process group, so its group id is its
 * pid and grandchildren that did not leave the group themselves die with it (pm2 #6084, #2125).
 */
public final class ProcessSignaller {
    private static final boolean NATIVE_KILL = NativeLauncher.available();
    /** Linux signal numbers (x86_64 and aarch64 agree on these). */
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("SIGHUP", 1), Map.entry("SIGINT", 2), Map.entry("SIGQUIT", 3), Map.entry("SIGABRT", 6),
            Map.entry("SIGKILL", 9), Map.entry("SIGUSR1", 10), Map.entry("SIGUSR2", 12), Map.entry("SIGPIPE", 13),
            Map.entry("SIGALRM", 14), Map.entry("SIGTERM", 15), Map.entry("SIGCONT", 18), Map.entry("SIGSTOP", 19),
            Map.entry("SIGTSTP", 20), Map.entry("SIGTTIN", 21), Map.entry("SIGTTOU", 22), Map.entry("SIGWINCH", 28));

    private ProcessSignaller() {
    }

    /**
     * @param signal   e.g. "SIGINT"
     * @param group    true: the whole process group {@code -pid}; false: the pid alone
     * @return false when no such process (group) existed
     */
    public static boolean send(long pid, String signal, boolean group) {
        Integer number = "0".equals(signal) ? Integer.valueOf(0) : NUMBERS.get(signal.startsWith("SIG") ? signal : "SIG" + signal);
        if (NATIVE_KILL && number != null) {
            // kill(2) directly: no `kill` process per signal (a stop, a delete all, every exit's leftover check).
            return Posix.kill((int) (group ? -pid : pid), number) == 0;
        }
        String target = group ? "-" + pid : Long.toString(pid);
        ProcessBuilder pb = new ProcessBuilder("kill", "-s", signal.replaceFirst("^SIG", ""), "--", target)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill to send " + signal + " to " + target + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether any process of the group is still alive (signal 0). */
    public static boolean groupAlive(long pgid) {
        return send(pgid, "0", true);
    }
}
