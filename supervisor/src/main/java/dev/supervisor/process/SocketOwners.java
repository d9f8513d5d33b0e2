package dev.supervisor.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Who listens on a port, read from /proc: the listening sockets' inodes from /proc/net/tcp and tcp6, then the
 * processes holding one of them under /proc/PID/fd. Also the start time of a pid (/proc/PID/stat field 22), which
 * tells a process from a later one that reused its pid. Blocking file reads: call off the shared scheduler.
 */
public final class SocketOwners {
    private static final String LISTEN = "0A";
    private static final Path PROC = Path.of("/proc");

    private SocketOwners() {
    }

    /** The inodes of the sockets listening on {@code port} (any address, IPv4 and IPv6). */
    public static Set<Long> listenerInodes(int port) {
        Set<Long> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table));
            } catch (IOException e) {
                continue;
            }
            for (int k = 1; k < lines.size(); k++) {
                String[] f = lines.get(k).trim().split("\\s+");
                if (f.length < 10 || !LISTEN.equals(f[3])) {
                    continue;
                }
                String local = f[1];
                int colon = local.lastIndexOf(':');
                if (colon > 0 && Integer.parseInt(local.substring(colon + 1), 16) == port) {
                    inodes.add(Long.parseLong(f[9]));
                }
            }
        }
        return inodes;
    }

    /** Whether a process of the group {@code pgid} holds a socket listening on {@code port}. */
    public static boolean groupListensOn(long pgid, int port) {
        Set<Long> inodes = listenerInodes(port);
        if (inodes.isEmpty()) {
            return false;
        }
        if (holdsAny(pgid, inodes)) {
            return true;
        }
        for (long pid : pids()) {
            if (pid != pgid && processGroup(pid).orElse(-1) == pgid && holdsAny(pid, inodes)) {
                return true;
            }
        }
        return false;
    }

    /** The pids holding a socket listening on {@code port} (those we may look at). */
    public static Set<Long> listenerPids(int port) {
        Set<Long> inodes = listenerInodes(port);
        Set<Long> out = new LinkedHashSet<>();
        if (!inodes.isEmpty()) {
            for (long pid : pids()) {
                if (holdsAny(pid, inodes)) {
                    out.add(pid);
                }
            }
        }
        return out;
    }

    private static boolean holdsAny(long pid, Set<Long> inodes) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
            for (Path fd : fds) {
                String link;
                try {
                    link = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue;
                }
                if (link.startsWith("socket:[") && inodes.contains(Long.parseLong(link.substring(8, link.length() - 1)))) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Every pid in /proc. */
    public static List<Long> pids() {
        try (var s = Files.list(PROC)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Field 5 of /proc/PID/stat. */
    public static OptionalLong processGroup(long pid) {
        return statField(pid, 5);
    }

    /** Field 22 of /proc/PID/stat: clock ticks after boot; with the pid, it names one process for good. */
    public static OptionalLong startTime(long pid) {
        return statField(pid, 22);
    }

    /** The command line (NUL-separated arguments joined by spaces), empty when the process is gone. */
    public static Optional<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            return Optional.of(new String(raw).replace('\0', ' ').trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static OptionalLong statField(long pid, int field) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            // Field 2 (comm) is in parentheses and may hold spaces: count from after its closing one (field 3).
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return OptionalLong.of(Long.parseLong(rest[field - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
