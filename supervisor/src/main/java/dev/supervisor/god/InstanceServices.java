package dev.supervisor.god;

import dev.supervisor.logs.LogCapture;
import dev.supervisor.logs.LogFiles;
import dev.supervisor.process.ChildLauncher;

import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The shared services every instance uses, built once by the daemon's main.
 *
 * @param scheduler timers: restart delays, kill escalation (short tasks only)
 * @param worker    where exit handling and other possibly slow callbacks run
 * @param launcher  spawns children; {@code logCapture} copies their stdout/stderr (docs/ARCHITECTURE-logs.md)
 */
public record InstanceServices(ScheduledExecutorService scheduler, Executor worker, ProbeFactory probes, LogFiles logs,
                               Path logDir, SupervisorEvents events, ChildLauncher launcher, LogCapture logCapture) {
}
