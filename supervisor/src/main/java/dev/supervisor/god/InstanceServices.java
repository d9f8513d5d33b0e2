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
 * @param scheduler timers only (restart delays, kill escalation, giving up): each task posts to an owner or hands
 *                  its work to {@code signals}; nothing blocks there
 * @param worker    where exit callbacks run (the leftover-group check forks /bin/kill)
 * @param signals   where signals are sent (a kill may fork and wait: never on an owner or a timer)
 * @param owners    the pool the apps' owners (serial executors) run on
 * @param launcher  spawns children; {@code logCapture} copies their stdout/stderr (docs/ARCHITECTURE-logs.md)
 */
public record InstanceServices(ScheduledExecutorService scheduler, Executor worker, Executor signals, Executor owners,
                               ProbeFactory probes, LogFiles logs, Path logDir, SupervisorEvents events,
                               ChildLauncher launcher, LogCapture logCapture) {
}
