package dev.supervisor.process;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends signals to an instance's process group. Each instance runs in its own session (setsid), so its
 * group id is its pid and grandchildren that did not setsid themselves die with it (pm2 #6084, #2125).
 */
public final class ProcessSignaller {
    private ProcessSignaller() {
    }

    /**
     * @param signal   e.g. "SIGINT"
     * @param group    true: the whole process group {@code -pid}; false: the pid alone
     * @return false when no such process (group) existed
     */
    public static boolean send(long pid, String signal, boolean group) {
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
