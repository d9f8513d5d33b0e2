package dev.supervisor.metrics;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;

/**
 * Reads the few /proc files the sampler needs into one reused buffer: no per-file Strings, no regex. Only the
 * sampler thread uses an instance. Every method answers -1 (or null) when the process is gone: it may exit at
 * any moment between the directory listing and the read.
 */
final class ProcReader {
    private final byte[] buf = new byte[8192];
    private final File proc;

    ProcReader(File proc) {
        this.proc = proc;
    }

    /** Numeric entries of /proc: every process (thread-group leader) on the machine. */
    String[] pids() {
        String[] names = proc.list();
        return names == null ? new String[0] : names;
    }

    /** Fields of /proc/PID/stat the sampler uses, or null when the process is gone. */
    Stat stat(String pid) {
        int n = read(pid, "stat");
        if (n <= 0) {
            return null;
        }
        // comm (field 2) may hold spaces and ')': fields are counted from the last ')'.
        int i = n - 1;
        while (i > 0 && buf[i] != ')') {
            i--;
        }
        i += 2; // now at field 3 (state)
        long pgrp = 0, utime = 0, stime = 0, threads = 0, rssPages = 0;
        int field = 3;
        long value = 0;
        for (; i < n; i++) {
            byte b = buf[i];
            if (b == ' ' || b == '\n') {
                switch (field) {
                    case 5 -> pgrp = value;
                    case 14 -> utime = value;
                    case 15 -> stime = value;
                    case 20 -> threads = value;
                    case 24 -> rssPages = value;
                    default -> { }
                }
                if (field == 24) {
                    break;
                }
                field++;
                value = 0;
            } else if (b >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
            }
        }
        return new Stat(pgrp, utime + stime, (int) threads, rssPages);
    }

    /** Pss in bytes from /proc/PID/smaps_rollup, -1 when unreadable (gone, or a kernel before 4.14). */
    long pssBytes(String pid) {
        int n = read(pid, "smaps_rollup");
        if (n <= 0) {
            return -1;
        }
        byte[] key = {'\n', 'P', 's', 's', ':'};
        outer:
        for (int i = 0; i + key.length < n; i++) {
            for (int k = 0; k < key.length; k++) {
                if (buf[i + k] != key[k]) {
                    continue outer;
                }
            }
            long kb = 0;
            for (int j = i + key.length; j < n && buf[j] != '\n'; j++) {
                if (buf[j] >= '0' && buf[j] <= '9') {
                    kb = kb * 10 + (buf[j] - '0');
                } else if (kb > 0) {
                    break;
                }
            }
            return kb * 1024;
        }
        return -1;
    }

    /** Entries of /proc/PID/fd, -1 when unreadable. */
    int openFds(String pid) {
        String[] fds = new File(proc, pid + "/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private int read(String pid, String file) {
        try (FileInputStream in = new FileInputStream(proc.getPath() + "/" + pid + "/" + file)) {
            int total = 0;
            int r;
            while (total < buf.length && (r = in.read(buf, total, buf.length - total)) > 0) {
                total += r;
            }
            return total;
        } catch (IOException e) {
            return -1;
        }
    }

    record Stat(long pgrp, long cpuTicks, int threads, long rssPages) {
    }
}
