package dev.supervisor.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks a free loopback port for an instance behind a front (the kernel's choice, released at once). */
public final class PortAllocator {
    private PortAllocator() {
    }

    public static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }

    /**
     * Refuses a port another process already listens on (an app with {@code front: none} binds its public port
     * itself; started anyway it would fail with EADDRINUSE, or worse, a readiness probe would reach the other
     * process). Bound on the wildcard address as the app would; TIME_WAIT leftovers do not count.
     *
     * @throws PortHeldException naming the port and, when it can be found, the process holding it
     */
    public static void requireFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new PortHeldException(port, SocketOwners.listenerPids(port));
        }
    }
}
