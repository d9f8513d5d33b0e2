package dev.supervisor.front;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * HTTP/1.1 reverse proxy on an app's public port. Every request goes to the least busy backend in the pool at that
 * moment; bodies stream through in both directions. A request whose backend refuses or drops it before answering is
 * sent to another backend when it can be repeated, so a reload (add the new instance, remove the old one, wait for
 * its drain) loses no request.
 */
public final class HttpFront extends PooledFront {
    private static final Logger LOG = LogManager.getLogger(HttpFront.class);

    private final Map<EventLoop, IdleBackendConnections> idleByLoop = new ConcurrentHashMap<>();

    public HttpFront(String appName, InetSocketAddress bind, FrontEventLoops loops) {
        this(appName, bind, loops, FrontSettings.defaults());
    }

    public HttpFront(String appName, InetSocketAddress bind, FrontEventLoops loops, FrontSettings settings) {
        super(appName, bind, loops, settings, "http");
    }

    /** @param clock the warm-ups' clock: System.nanoTime, or a test's */
    HttpFront(String appName, InetSocketAddress bind, FrontEventLoops loops, FrontSettings settings, LongSupplier clock) {
        super(appName, bind, loops, settings, "http", clock);
    }

    @Override
    void initClient(SocketChannel channel) {
        channel.pipeline().addLast(new HttpClientConnection(this));
    }

    /** Idle connections to the drained backend are closed; requests still running at the timeout are left to finish
     * or fail with the process. */
    @Override
    void drained(BackendSlot slot, DrainResult result, Duration drainTimeout) {
        closeIdleConnections(slot);
        if (result.timedOut()) {
            LOG.warn("app {}: backend {} still had requests in flight after {} ms", appName(), slot.backend(),
                    drainTimeout.toMillis());
        }
    }

    @Override
    String workInProgress() {
        return "requests in flight";
    }

    /** Requests the backend is serving now (also while it drains). */
    public int inFlight(Backend backend) {
        return pool().active(backend);
    }

    private void closeIdleConnections(BackendSlot slot) {
        idleByLoop.forEach((loop, idle) -> loop.execute(() -> idle.closeAll(slot)));
    }

    IdleBackendConnections idleConnections(EventLoop loop) {
        return idleByLoop.computeIfAbsent(loop, l -> new IdleBackendConnections(settings().maxIdlePerBackend(),
                settings().backendIdleTimeout().toNanos()));
    }
}
