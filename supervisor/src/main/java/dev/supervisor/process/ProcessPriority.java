package dev.supervisor.process;

import com.sun.jna.LastErrorException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The CPU priority (nice value) of a child's whole process group. A reload starts its new instances at a lower
 * priority, so that their start-up (a JVM's class loading and JIT) competes less with the instances serving, and
 * gives them the daemon's own priority back once they serve. Raising a priority back needs root, CAP_SYS_NICE or
 * an RLIMIT_NICE that allows it: {@link #canRestore()} says whether this daemon may, and a daemon that may not
 * never lowers one (a new instance must not serve at a lower priority for good).
 */
public final class ProcessPriority {
    private static final Logger LOG = LogManager.getLogger(ProcessPriority.class);

    private ProcessPriority() {
    }

    /** The daemon's nice value, which its children inherit (read from /proc: getpriority's -1 is ambiguous). */
    public static int own() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[16]); // field 19 (nice), counted from field 3 (state)
        } catch (Exception e) {
            return 0;
        }
    }

    /** The nice value of a process (field 19 of /proc/PID/stat); empty when it is gone or unreadable. */
    public static java.util.OptionalInt of(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return java.util.OptionalInt.of(Integer.parseInt(f[16]));
        } catch (Exception e) {
            return java.util.OptionalInt.empty();
        }
    }

    /** Whether this daemon may give a child its own priority back after lowering it. */
    public static boolean canRestore() {
        if (!NativeLauncher.available()) {
            return false;
        }
        try {
            if (Posix.geteuid() == 0) {
                return true;
            }
            long[] rlim = new long[2];
            Posix.getrlimit(Posix.RLIMIT_NICE, rlim);
            return 20 - rlim[0] <= own();
        } catch (LastErrorException | LinkageError e) {
            return false;
        }
    }

    /** Sets the nice value of the group led by {@code pgid}; false (logged) when it is gone or not allowed. */
    public static boolean setGroup(long pgid, int nice) {
        try {
            Posix.setpriority(Posix.PRIO_PGRP, (int) pgid, nice);
            return true;
        } catch (LastErrorException e) {
            LOG.debug("setpriority of process group {} to {}: errno {}", pgid, nice, e.getErrorCode());
            return false;
        } catch (LinkageError e) {
            return false;
        }
    }
}
