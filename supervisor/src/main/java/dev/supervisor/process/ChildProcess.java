package dev.supervisor.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One spawned OS process, leader of its own process group ({@link NativeLauncher}: in the daemon's session; this
 * class's fallback for an old glibc, {@code /usr/bin/setsid}: in a session of its own). Stdout and stderr are pipes the
 * caller must pump; stdin stays open for {@link #sendLine}.
 */
public final class ChildProcess {
    private static final String SETSID = "/usr/bin/setsid";

    private final Process process;
    private final long startedAtMillis;

    private ChildProcess(Process process) {
        this.process = process;
        this.startedAtMillis = System.currentTimeMillis();
    }

    /** @throws LaunchException when the program cannot be started, with the reason */
    public static ChildProcess launch(LaunchSpec spec) {
        requireRunnable(spec);
        List<String> command = new ArrayList<>();
        // setsid execs in place (we are not a group leader), so the pid we see is the app's and pgid == pid.
        command.add(SETSID);
        command.addAll(spec.command());
        ProcessBuilder pb = new ProcessBuilder(command).directory(spec.cwd().toFile());
        // Exactly the spec's environment: the daemon's own (and any secret in it) never reaches an app.
        pb.environment().clear();
        pb.environment().putAll(spec.env());
        try {
            return new ChildProcess(pb.start());
        } catch (IOException e) {
            throw new LaunchException("cannot start " + String.join(" ", spec.command()) + " in " + spec.cwd() + ": " + e.getMessage());
        }
    }

    /**
     * setsid forks and then execs the program, so a missing program would show only as an early exit 127: check it
     * (and the working directory) before the fork, where the failure can still name the cause.
     */
    static void requireRunnable(LaunchSpec spec) {
        if (!java.nio.file.Files.isDirectory(spec.cwd())) {
            throw new LaunchException("cannot start " + String.join(" ", spec.command()) + ": working directory " + spec.cwd() + " does not exist");
        }
        String program = spec.command().get(0);
        java.util.Optional<java.nio.file.Path> found;
        if (program.contains("/")) {
            java.nio.file.Path p = spec.cwd().resolve(program);
            found = java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isExecutable(p) ? java.util.Optional.of(p) : java.util.Optional.empty();
        } else {
            found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                    .filter(d -> !d.isEmpty()).map(d -> java.nio.file.Path.of(d, program))
                    .filter(p -> java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isExecutable(p)).findFirst();
        }
        if (found.isEmpty()) {
            throw new LaunchException("cannot start " + program + ": no such executable file"
                    + (program.contains("/") ? "" : " on PATH"));
        }
    }

    /** A child some other {@link ChildLauncher} started (e.g. {@link NativeLauncher}). */
    static ChildProcess wrap(Process process) {
        return new ChildProcess(process);
    }

    public long pid() {
        return process.pid();
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The JDK's handle, for probes that want the exit code. */
    public Process process() {
        return process;
    }

    public InputStream stdout() {
        return process.getInputStream();
    }

    public InputStream stderr() {
        return process.getErrorStream();
    }

    /** Completes with the exit value; a death by signal N is 128+N, as a shell reports it. */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public boolean signalGroup(String signal) {
        return ProcessSignaller.send(pid(), signal, true);
    }

    public boolean signal(String signal) {
        return ProcessSignaller.send(pid(), signal, false);
    }

    public synchronized void sendLine(String line) {
        OutputStream in = process.getOutputStream();
        try {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write to stdin of pid " + pid() + ": " + e.getMessage(), e);
        }
    }

    /** "exit code 1" or "signal SIGKILL" from a shell-style exit value. */
    public static String describeExit(int exitValue) {
        if (exitValue > 128 && exitValue < 128 + 32) {
            return "signal " + signalName(exitValue - 128);
        }
        return "exit code " + exitValue;
    }

    private static String signalName(int n) {
        return switch (n) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 3 -> "SIGQUIT";
            case 6 -> "SIGABRT";
            case 9 -> "SIGKILL";
            case 10 -> "SIGUSR1";
            case 11 -> "SIGSEGV";
            case 12 -> "SIGUSR2";
            case 13 -> "SIGPIPE";
            case 15 -> "SIGTERM";
            default -> Integer.toString(n);
        };
    }
}
