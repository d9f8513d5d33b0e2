package dev.supervisor.front;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The supervisor side of an app's public port. Instances listen on private ports; the front routes to the
 * backends currently in its pool. The reload pipeline adds the new instance, then removes the old one and
 * waits for the drain before it signals the old process.
 */
public interface Front extends AutoCloseable {
    /** Binds the public port. @throws PortInUseException naming the port when it is taken */
    void start();

    /** The bound public address. */
    InetSocketAddress address();

    /** The backend starts receiving new requests/connections at once. */
    void addBackend(Backend backend);

    /**
     * Completes when the backend has its full share of new work: at once unless it is in its warm-up (it joined
     * beside members that were serving), or when it is not a member.
     */
    default CompletableFuture<Void> warmedUp(Backend backend) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Stops routing new work to the backend at once; the future completes when its in-flight requests
     * (or, for TCP, connections) are done, or when {@code drainTimeout} passes. Idle pooled connections to it are
     * closed. Removing a backend that is not in the pool completes at once with 0 in flight.
     */
    CompletableFuture<DrainResult> removeBackend(Backend backend, Duration drainTimeout);

    List<Backend> backends();

    /** Requests, errors and work in flight, for metrics. */
    default FrontCounters counters() {
        return FrontCounters.NONE;
    }

    /** Unbinds the port and closes every connection. */
    @Override
    void close();
}
