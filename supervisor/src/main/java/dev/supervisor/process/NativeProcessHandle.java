package dev.supervisor.process;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The {@link ProcessHandle} of a {@link NativeProcess}: its exit comes from our reaper (the JDK's handle of a
 * process it did not start polls on a thread of its own), and it stays usable after the child is gone.
 */
final class NativeProcessHandle implements ProcessHandle {
    private final NativeProcess process;

    NativeProcessHandle(NativeProcess process) {
        this.process = process;
    }

    private Optional<ProcessHandle> os() {
        return process.isAlive() ? ProcessHandle.of(process.pid()) : Optional.empty();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public Optional<ProcessHandle> parent() {
        return os().flatMap(ProcessHandle::parent);
    }

    @Override
    public Stream<ProcessHandle> children() {
        return os().map(ProcessHandle::children).orElse(Stream.empty());
    }

    @Override
    public Stream<ProcessHandle> descendants() {
        return os().map(ProcessHandle::descendants).orElse(Stream.empty());
    }

    @Override
    public Info info() {
        return os().map(ProcessHandle::info).orElse(GONE);
    }

    /** What is known of a process that is gone: nothing. */
    private static final Info GONE = new Info() {
        @Override
        public Optional<String> command() {
            return Optional.empty();
        }

        @Override
        public Optional<String> commandLine() {
            return Optional.empty();
        }

        @Override
        public Optional<String[]> arguments() {
            return Optional.empty();
        }

        @Override
        public Optional<java.time.Instant> startInstant() {
            return Optional.empty();
        }

        @Override
        public Optional<java.time.Duration> totalCpuDuration() {
            return Optional.empty();
        }

        @Override
        public Optional<String> user() {
            return Optional.empty();
        }
    };

    @Override
    public CompletableFuture<ProcessHandle> onExit() {
        return process.onExit().thenApply(p -> this);
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    @Override
    public boolean destroy() {
        boolean alive = process.isAlive();
        process.destroy();
        return alive;
    }

    @Override
    public boolean destroyForcibly() {
        boolean alive = process.isAlive();
        process.destroyForcibly();
        return alive;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public int compareTo(ProcessHandle other) {
        return Long.compare(pid(), other.pid());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NativeProcessHandle h && h.process == process;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(pid());
    }

    @Override
    public String toString() {
        return Long.toString(pid());
    }
}
