package dev.supervisor.front;

import java.time.Duration;

/**
 * Tuning of a front.
 *
 * @param backendWait        how long a request (or TCP connection) may wait for a reachable backend before it is
 *                           refused; covers the moment of a reload when the pool is empty or a backend refuses
 * @param connectTimeout     connecting to a backend on loopback takes microseconds; a longer wait means it is stuck
 * @param replayBufferBytes  request bodies up to this size are kept until the response starts, so the request can be
 *                           sent again to another backend when the first one fails before answering
 * @param backendIdleTimeout an idle keep-alive backend connection older than this is not reused but closed: backends
 *                           close idle connections themselves (Node.js after 5 s), and a request written just as
 *                           they do would fail
 * @param maxIdlePerBackend  idle backend connections kept per backend and event loop; more are closed
 * @param warmUp             a backend that joins beside others gets a tenth of its share of new requests at first,
 *                           its full share after this long (nginx's slow_start); zero: its full share at once
 * @param clientHeadTimeout  an HTTP client connection waiting for a request (idle keep-alive, or a head arriving a
 *                           byte at a time) is closed after this long without a whole head, so idle or slowloris
 *                           connections cannot hold the daemon's file descriptors (nginx: client_header_timeout and
 *                           keepalive_timeout, 60 and 75 s)
 */
public record FrontSettings(Duration backendWait, Duration connectTimeout, int replayBufferBytes,
                            Duration backendIdleTimeout, int maxIdlePerBackend, Duration warmUp,
                            Duration clientHeadTimeout) {

    public static FrontSettings defaults() {
        return new FrontSettings(Duration.ofSeconds(3), Duration.ofSeconds(2), 64 * 1024, Duration.ofSeconds(4), 256,
                Duration.ofMillis(Long.getLong("supervisor.front.warmUpMillis", 1000)), Duration.ofSeconds(60));
    }

    public FrontSettings withBackendWait(Duration wait) {
        return new FrontSettings(wait, connectTimeout, replayBufferBytes, backendIdleTimeout, maxIdlePerBackend, warmUp,
                clientHeadTimeout);
    }

    public FrontSettings withWarmUp(Duration duration) {
        return new FrontSettings(backendWait, connectTimeout, replayBufferBytes, backendIdleTimeout, maxIdlePerBackend,
                duration, clientHeadTimeout);
    }

    public FrontSettings withClientHeadTimeout(Duration timeout) {
        return new FrontSettings(backendWait, connectTimeout, replayBufferBytes, backendIdleTimeout, maxIdlePerBackend,
                warmUp, timeout);
    }
}
