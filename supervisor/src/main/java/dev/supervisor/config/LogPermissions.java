package dev.supervisor.config;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who may read the apps' logs: apps log secrets (tokens in URLs, connection strings), so by default only the
 * daemon's user: the log directory 0700, the files 0600. {@code log_dir_mode} / {@code log_file_mode} in daemon.yml
 * (octal, e.g. "0750" / "0640" to let a log shipper's group read them).
 */
public record LogPermissions(Set<PosixFilePermission> dir, Set<PosixFilePermission> file) {
    public static final LogPermissions DEFAULT = new LogPermissions(octal("0700"), octal("0600"));

    public LogPermissions {
        dir = Set.copyOf(dir);
        file = Set.copyOf(file);
    }

    /** e.g. "0640" or "640". */
    public static Set<PosixFilePermission> octal(String mode) {
        String m = mode.trim();
        if (!m.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("'" + mode + "' is not an octal file mode such as 0600 or 0640");
        }
        int bits = Integer.parseInt(m, 8);
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }

    @Override
    public String toString() {
        return "dir " + PosixFilePermissions.toString(dir) + ", files " + PosixFilePermissions.toString(file);
    }
}
