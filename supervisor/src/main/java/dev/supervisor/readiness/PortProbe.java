package dev.supervisor.readiness;

import dev.supervisor.process.SocketOwners;

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

    /** A foreign listener is checked again this often, not at every poll: a /proc scan is not free. */
    private static final long RECHECK_FOREIGN_NANOS = 200_000_000L;

    private final InetSocketAddress address;
    private final int port;
    private volatile long pgid;
    private volatile long nextOwnerCheck;
    private volatile boolean foreign;

    public PortProbe(String host, int port, Duration interval, ScheduledExecutorService scheduler) {
        super(scheduler, interval);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        this.address = new InetSocketAddress(host, port);
        this.port = port;
    }

    @Override
    protected void startWatching(ProcessHandle process) {
        pgid = process.pid();
        super.startWatching(process);
    }

    @Override
    void poll() {
        if (foreign && System.nanoTime() < nextOwnerCheck) {
            return;
        }
        // A plain close: only the one successful connect leaves a TIME_WAIT, refused ones leave nothing.
        try (Socket socket = new Socket()) {
            socket.connect(address, CONNECT_TIMEOUT_MS);
        } catch (IOException notYet) {
            return; // not listening yet
        }
        // A connection alone may reach another process on the same port: the listener must be the instance's own
        // (the process or a member of its process group holds the listening socket).
        if (SocketOwners.groupListensOn(pgid, port)) {
            markReady();
        } else {
            foreign = true;
            nextOwnerCheck = System.nanoTime() + RECHECK_FOREIGN_NANOS;
        }
    }

    @Override
    public String describe() {
        return "port " + port + " to accept connections" + (foreign ? " (a process outside the instance's group listens on it)" : "");
    }
}
