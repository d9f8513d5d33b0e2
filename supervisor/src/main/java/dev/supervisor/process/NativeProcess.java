package dev.supervisor.process;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child started by {@link NativeLauncher}: a {@link Process} whose exit is noticed by the one
 * {@link ExitReaper} thread (the JDK's Process keeps a reaper thread per child) and whose stdout/stderr are
 * plain descriptors ({@link FdInputStream}) that a multiplexing log capture reads without a thread each.
 * The exit value is shell-style: a death by signal N is 128+N, as with the JDK's Process.
 */
final class NativeProcess extends Process {
    private final int pid;
    private final FdOutputStream stdin;
    private final FdInputStream stdout;
    private final FdInputStream stderr;
    private final CompletableFuture<Process> exit = new CompletableFuture<>();
    private volatile int exitValue;

    NativeProcess(int pid, int stdinFd, int stdoutFd, int stderrFd) {
        this.pid = pid;
        this.stdin = new FdOutputStream(stdinFd);
        this.stdout = new FdInputStream(stdoutFd);
        this.stderr = new FdInputStream(stderrFd);
    }

    /**
     * stdin and stdout on one socket (the daemon's end of a socketpair): stdout is read from it, stdin lines are
     * written to it. The descriptor is closed only when both let go (the reader at end of stream, stdin at the exit),
     * so neither can read or write a number that the other already gave back and the kernel reused.
     */
    static NativeProcess sharingStdinAndStdout(int pid, int socketFd, int stderrFd) {
        java.util.concurrent.atomic.AtomicInteger holders = new java.util.concurrent.atomic.AtomicInteger(2);
        Runnable release = () -> {
            if (holders.decrementAndGet() == 0) {
                Posix.close(socketFd);
            }
        };
        return new NativeProcess(pid, new FdOutputStream(socketFd, () -> {
            Posix.shutdown(socketFd, Posix.SHUT_WR); // the child reads end of file on stdin, as with a closed pipe
            release.run();
        }), new FdInputStream(socketFd, release), new FdInputStream(stderrFd));
    }

    private NativeProcess(int pid, FdOutputStream stdin, FdInputStream stdout, FdInputStream stderr) {
        this.pid = pid;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Called once by the reaper after waitpid collected the child. */
    void exited(int value) {
        exitValue = value;
        stdin.close(); // nobody can write to a dead child; give the descriptor back
        exit.complete(this);
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return exitValue;
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public int exitValue() {
        if (!exit.isDone()) {
            throw new IllegalThreadStateException("process " + pid + " has not exited");
        }
        return exitValue;
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.thenApply(p -> p); // callers may complete or cancel their copy, never ours
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ProcessHandle toHandle() {
        return new NativeProcessHandle(this);
    }

    @Override
    public void destroy() {
        if (isAlive()) {
            Posix.kill(pid, 15);
        }
    }

    @Override
    public Process destroyForcibly() {
        if (isAlive()) {
            Posix.kill(pid, 9);
        }
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public String toString() {
        return "NativeProcess[pid=" + pid + (exit.isDone() ? ", exitValue=" + exitValue : ", alive") + "]";
    }
}
