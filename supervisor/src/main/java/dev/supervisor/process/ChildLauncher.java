package dev.supervisor.process;

/**
 * How instances are spawned: the seam between the owner of an instance and the OS. {@code ChildProcess::launch}
 * is the JDK's way (a reaper thread per child); {@link NativeLauncher} is posix_spawn with one reaper thread for
 * all children and stdout/stderr as plain descriptors for a multiplexing log capture (see docs/ARCHITECTURE-logs.md).
 */
@FunctionalInterface
public interface ChildLauncher {
    /** @throws LaunchException when the program cannot be started, with the reason */
    ChildProcess launch(LaunchSpec spec);
}
