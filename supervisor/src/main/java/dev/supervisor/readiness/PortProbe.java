package dev.supervisor.readiness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Ready when a TCP connection to host:port succeeds (pm2's "listening"). Tries every {@code interval} (5 ms in
 * the daemon) on the shared scheduler, so detection adds almost nothing to a reload. A refused connect costs
 * one syscall; the one that succeeds is closed at once.
 */
public final class PortProbe extends PollingProbe {
    /** A local connect is refused or accepted at once; this only bounds a host that drops packets. */
    private static final int CONNECT_TIMEOUT_MS = 200;

    private final InetSocketAddress address;
    private final int port;

    public PortProbe(String host, int port, Duration interval, ScheduledExecutorService scheduler) {
        super(scheduler, interval);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        this.address = new InetSocketAddress(host, port);
        this.port = port;
    }

    @Override
    void poll() {
        // A plain close: only the one successful connect leaves a TIME_WAIT, refused ones leave nothing.
        try (Socket socket = new Socket()) {
            socket.connect(address, CONNECT_TIMEOUT_MS);
            markReady();
        } catch (IOException notYet) {
            // not listening yet
        }
    }

    @Override
    public String describe() {
        return "port " + port + " to accept connections";
    }
}
