package dev.supervisor.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Spawns children with glibc's posix_spawn (a vfork-style clone + exec, no helper process): each child leads its
 * own process group ({@code POSIX_SPAWN_SETPGROUP}: signals reach the app and its children) in the daemon's session,
 * not a session of its own: Linux's autogroup scheduler gives each session an equal CPU share, so with a session per
 * app the daemon's front, one thread in one session, waited behind every busy app's session (p99 through the front
 * 13–29 ms against 3.9–4.5 ms in one group, docs/BENCHMARKS.md run J). The daemon the CLI starts leads a session
 * with no controlling terminal; under {@code bin/supervisor daemon} in a terminal, apps are never its foreground
 * group, so a Ctrl-C there reaches the daemon, which stops them. Each child starts with default
 * signal dispositions and an empty signal mask, gets stdin and stdout on one socketpair and a stderr pipe and no other descriptor of the daemon
 * ({@code closefrom(3)}: the daemon's sockets never leak into apps). One {@link ExitReaper} thread notices every
 * exit. Needs Linux with glibc ≥ 2.34; {@link #available()} says whether this machine has it.
 */
public final class NativeLauncher implements ChildLauncher, AutoCloseable {
    /** Asked of a child's stdout socket; see {@link #roomToWrite}. */
    static final int CHILD_STDOUT_BUFFER_BYTES = 512 * 1024;
    private static final Logger LOG = LogManager.getLogger(NativeLauncher.class);
    private final ExitReaper reaper = new ExitReaper();

    /** Whether posix_spawn with the needed extensions can be called here (else use {@code ChildProcess::launch}). */
    public static boolean available() {
        try {
            Native.getDefaultStringEncoding();
            Posix.strerror(0);
            com.sun.jna.NativeLibrary.getInstance("c").getFunction("posix_spawn_file_actions_addclosefrom_np");
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    @Override
    public ChildProcess launch(LaunchSpec spec) {
        // A missing program or directory is named before the spawn, as the JDK path does.
        ChildProcess.requireRunnable(spec);
        // Exactly the spec's environment: the daemon's own (and any secret in it) never reaches an app.
        Map<String, String> env = new HashMap<>(spec.env());
        List<String> envp = new ArrayList<>(env.size());
        env.forEach((k, v) -> envp.add(k + "=" + v));

        // stdin and stdout: one socketpair, the child's end as fd 0 and 1 (2 fds per process in the daemon, not 3)
        int[] io = socketpair();
        roomToWrite(io[1]);
        int[] err = null;
        Memory actions = new Memory(Posix.SPAWN_STRUCT_BYTES);
        Memory attr = new Memory(Posix.SPAWN_STRUCT_BYTES);
        Memory sigs = new Memory(Posix.SIGSET_BYTES);
        boolean actionsReady = false;
        boolean attrReady = false;
        try {
            err = pipe();
            check(Posix.posix_spawn_file_actions_init(actions), "file actions");
            actionsReady = true;
            check(Posix.posix_spawn_file_actions_adddup2(actions, io[1], 0), "stdin");
            check(Posix.posix_spawn_file_actions_adddup2(actions, io[1], 1), "stdout");
            check(Posix.posix_spawn_file_actions_adddup2(actions, err[1], 2), "stderr");
            check(Posix.posix_spawn_file_actions_addchdir_np(actions, spec.cwd().toString()), "cwd");
            check(Posix.posix_spawn_file_actions_addclosefrom_np(actions, 3), "closefrom");
            check(Posix.posix_spawnattr_init(attr), "attributes");
            attrReady = true;
            check(Posix.posix_spawnattr_setflags(attr, (short) (Posix.POSIX_SPAWN_SETPGROUP
                    | Posix.POSIX_SPAWN_SETSIGMASK | Posix.POSIX_SPAWN_SETSIGDEF)), "flags");
            Posix.sigemptyset(sigs);
            check(Posix.posix_spawnattr_setsigmask(attr, sigs), "signal mask");
            Posix.sigfillset(sigs);
            check(Posix.posix_spawnattr_setsigdefault(attr, sigs), "signal defaults");

            IntByReference pid = new IntByReference();
            String[] argv = spec.command().toArray(String[]::new);
            int rc = Posix.posix_spawnp(pid, argv[0], actions, attr, new StringArray(argv),
                    new StringArray(envp.toArray(String[]::new)));
            if (rc != 0) {
                throw new LaunchException("cannot start " + String.join(" ", spec.command()) + " in " + spec.cwd()
                        + ": " + Posix.strerror(rc));
            }
            NativeProcess p = NativeProcess.sharingStdinAndStdout(pid.getValue(), io[0], err[0]);
            reaper.watch(p);
            closeAll(io[1], err[1]); // the child's ends
            return ChildProcess.wrap(p);
        } catch (LaunchException e) {
            closeAll(io[0], io[1], err == null ? -1 : err[0], err == null ? -1 : err[1]);
            throw e;
        } finally {
            if (actionsReady) {
                Posix.posix_spawn_file_actions_destroy(actions);
            }
            if (attrReady) {
                Posix.posix_spawnattr_destroy(attr);
            }
        }
    }

    /** Children whose exit has not been collected yet. */
    public int watching() {
        return reaper.watching();
    }

    private static int[] socketpair() {
        int[] fds = new int[2];
        try {
            Posix.socketpair(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC, 0, fds);
        } catch (LastErrorException e) {
            throw new LaunchException("cannot create a socket pair for a child: " + Posix.errorText(e.getErrorCode())
                    + " (too many open files? raise the daemon's ulimit -n)");
        }
        return fds;
    }

    /**
     * What a child can write to its stdout before it blocks: a Unix socket's is its own send buffer (208 KiB by
     * default), not the reader's. The log multiplexer reads each stream about once a millisecond (coalescing
     * wake-ups); a child writing 150 MB/s fills 208 KiB in ~1.4 ms and blocks, so it was held to ~115 MB/s
     * (measured, LogCaptureBench). 512 KiB asked, which the kernel doubles (within net.core.wmem_max) to the 1 MiB a
     * busy pipe is grown to: room for the pause at several hundred MB/s. Only bytes actually queued use kernel
     * memory, so an idle child costs nothing, and a child faster than the disk still blocks (backpressure), at most
     * ~1 MiB ahead of the daemon.
     */
    private static void roomToWrite(int childEnd) {
        try {
            Posix.setsockopt(childEnd, Posix.SOL_SOCKET, Posix.SO_SNDBUF, new int[] {CHILD_STDOUT_BUFFER_BYTES}, 4);
        } catch (LastErrorException e) {
            LOG.debug("stdout socket keeps its default buffer: {}", Posix.errorText(e.getErrorCode()));
        }
    }

    private static int[] pipe() {
        int[] fds = new int[2];
        try {
            Posix.pipe2(fds, Posix.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new LaunchException("cannot create a pipe for a child: " + Posix.errorText(e.getErrorCode())
                    + " (too many open files? raise the daemon's ulimit -n)");
        }
        return fds;
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw new LaunchException("cannot prepare the spawn (" + what + "): " + Posix.errorText(rc));
        }
    }

    private static void closeAll(int... fds) {
        for (int fd : fds) {
            if (fd >= 0) {
                Posix.close(fd);
            }
        }
    }

    @Override
    public void close() {
        reaper.close();
    }
}
