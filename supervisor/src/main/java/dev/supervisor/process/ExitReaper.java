package dev.supervisor.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One thread notices the exit of every child {@link NativeLauncher} started (the JDK keeps a thread per child).
 * It blocks in {@code waitid(P_ALL, WEXITED|WNOWAIT)}, which reports a zombie child without collecting it: a
 * child of ours is then collected with {@code waitpid(pid)}; a child the JDK started (e.g. ProcessBuilder
 * elsewhere in the daemon) is left to the JDK's own reaper, and we look again a millisecond later.
 * No descriptor per process (unlike a pidfd), no signal handler (unlike SIGCHLD/signalfd, which the JVM owns).
 */
final class ExitReaper implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ExitReaper.class);

    private final ConcurrentHashMap<Integer, NativeProcess> children = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition spawned = lock.newCondition();
    private final Thread thread;
    private volatile boolean closed;

    ExitReaper() {
        thread = new Thread(null, this::run, "child-reaper", 256 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    /** Call right after the spawn; an exit that came first is found on the next look. */
    void watch(NativeProcess p) {
        children.put((int) p.pid(), p);
        lock.lock();
        try {
            spawned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int watching() {
        return children.size();
    }

    private void run() {
        Memory info = new Memory(Posix.SIGINFO_BYTES);
        IntByReference status = new IntByReference();
        while (!closed) {
            info.clear();
            int pid;
            try {
                Posix.waitid(Posix.P_ALL, 0, info, Posix.WEXITED | Posix.WNOWAIT);
                pid = info.getInt(Posix.SIGINFO_PID_OFFSET);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Posix.ECHILD) {
                    awaitSpawn(); // no child at all: sleep until one is started
                } else if (e.getErrorCode() != Posix.EINTR) {
                    LOG.warn("waitid failed: {}", Posix.errorText(e.getErrorCode()));
                    pause(10);
                }
                continue;
            }
            NativeProcess p = children.remove(pid);
            if (p == null) {
                pause(1); // not ours (yet): the JDK reaps its own children; or our spawn has not registered it yet
                continue;
            }
            int value;
            try {
                Posix.waitpid(pid, status, 0);
                value = decode(status.getValue());
            } catch (LastErrorException e) {
                LOG.warn("waitpid {} failed: {}", pid, Posix.errorText(e.getErrorCode()));
                value = -1;
            }
            try {
                p.exited(value);
            } catch (RuntimeException e) {
                LOG.warn("exit callback of pid {} failed: {}", pid, e.toString(), e);
            }
        }
    }

    /** Shell style: exit code, or 128 + signal number. */
    static int decode(int status) {
        int signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
    }

    private void awaitSpawn() {
        lock.lock();
        try {
            if (children.isEmpty()) {
                spawned.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        if (!children.isEmpty()) {
            pause(1); // registered but maybe not yet a child of ours in waitid's eyes: look again shortly
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
