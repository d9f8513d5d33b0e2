package dev.supervisor.readiness;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Decides when a freshly spawned instance is ready. Created <em>before</em> the spawn (so that nothing the
 * child says early is missed, pm2 #4271), then armed with the child's handle.
 */
public interface ReadinessProbe extends AutoCloseable {
    /** Variables to add to the child's environment (e.g. NOTIFY_SOCKET). */
    default Map<String, String> environment() {
        return Map.of();
    }

    /** Every stdout line of the child, for probes that look at output. */
    default void onStdoutLine(String line) {
    }

    /**
     * Completes with the time from this call until ready; completes exceptionally with a
     * {@link ReadinessException} if the process exits first or {@code timeout} passes. A timeout is never success.
     */
    CompletableFuture<Duration> await(ProcessHandle process, Duration timeout);

    /**
     * Like {@link #await(ProcessHandle, Duration)}, and when the process exits first the failure names its exit
     * code ("exited with code 3 before it was ready"); a {@link ProcessHandle} cannot tell the code.
     */
    default CompletableFuture<Duration> await(Process process, Duration timeout) {
        return await(process.toHandle(), timeout);
    }

    /** What the probe waits for, for messages: e.g. "port 41234 to accept connections". */
    String describe();

    @Override
    void close();
}
