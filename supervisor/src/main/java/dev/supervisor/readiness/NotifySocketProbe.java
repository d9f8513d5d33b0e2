package dev.supervisor.readiness;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.newsclub.net.unix.AFUNIXDatagramChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * systemd's sd_notify protocol (pm2's wait_ready, done the standard way): the probe binds an AF_UNIX datagram
 * socket before the spawn, the child finds it in {@code NOTIFY_SOCKET} and sends newline-separated
 * {@code KEY=VALUE} lines; {@code READY=1} means ready, other keys (STATUS=, MAINPID=) are ignored.
 *
 * <p>The JDK cannot open Unix datagram sockets, hence junixsocket. The socket is read without blocking, polled
 * on the shared scheduler; datagrams sent before await wait in the socket. {@link #close()} closes the socket and
 * deletes its file.
 */
public final class NotifySocketProbe extends PollingProbe {
    /** sun_path is 108 bytes on Linux, including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;
    static final Duration POLL = Duration.ofMillis(5);
    private static final int MAX_NAME_CHARS = 40;
    private static final Logger LOG = LogManager.getLogger(NotifySocketProbe.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path socketPath;
    private final Path ownedDir;
    private final AFUNIXDatagramChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(8 * 1024);
    private volatile String lastStatus;

    /**
     * Binds the socket now, in {@code socketDir} (created if missing) or, when that path would be too long for
     * an AF_UNIX address, in a new private directory under /tmp (logged).
     *
     * @param name the app/instance name, used in the socket file name for people looking at the directory
     */
    public NotifySocketProbe(Path socketDir, String name, ScheduledExecutorService scheduler) throws IOException {
        super(scheduler, POLL);
        String fileName = safeName(name) + "-" + HexFormat.of().toHexDigits(RANDOM.nextInt()) + ".sock";
        Path preferred = socketDir.toAbsolutePath().resolve(fileName);
        if (fits(preferred)) {
            Files.createDirectories(socketDir);
            this.ownedDir = null;
            this.socketPath = preferred;
        } else {
            this.ownedDir = Files.createTempDirectory(Path.of("/tmp"), "sv-notify-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            this.socketPath = ownedDir.resolve(fileName);
            LOG.info("notify socket path {} is longer than the {} bytes a Unix socket allows; using {} instead",
                    preferred, MAX_SOCKET_PATH_BYTES, socketPath);
        }
        AFUNIXDatagramChannel ch = AFUNIXDatagramChannel.open();
        try {
            ch.bind(AFUNIXSocketAddress.of(socketPath));
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            deleteQuietly();
            throw new IOException("cannot bind the notify socket " + socketPath + ": " + e.getMessage(), e);
        }
        this.channel = ch;
    }

    public Path socketPath() {
        return socketPath;
    }

    @Override
    public Map<String, String> environment() {
        return Map.of("NOTIFY_SOCKET", socketPath.toString());
    }

    @Override
    void poll() {
        try {
            while (!isSettled()) {
                buffer.clear();
                channel.receive(buffer);
                if (buffer.position() == 0) {
                    return; // nothing waiting (an empty datagram carries nothing either)
                }
                buffer.flip();
                handle(StandardCharsets.UTF_8.decode(buffer).toString());
            }
        } catch (IOException e) {
            fail("cannot read the notify socket " + socketPath + ": " + e.getMessage());
        }
    }

    private void handle(String message) {
        for (String line : message.split("\n")) {
            if (line.equals("READY=1")) {
                markReady();
            } else if (line.startsWith("STATUS=")) {
                lastStatus = line.substring("STATUS=".length());
                LOG.debug("{}: {}", socketPath.getFileName(), line);
            }
        }
    }

    @Override
    protected void release() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing notify socket {}: {}", socketPath, e.toString());
        }
        deleteQuietly();
    }

    private void deleteQuietly() {
        try {
            Files.deleteIfExists(socketPath);
            if (ownedDir != null) {
                Files.deleteIfExists(ownedDir);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete notify socket {}: {}", socketPath, e.toString());
        }
    }

    @Override
    public String describe() {
        String status = lastStatus;
        return "READY=1 on NOTIFY_SOCKET " + socketPath + (status == null ? "" : " (last STATUS: " + status + ")");
    }

    static boolean fits(Path socket) {
        return socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_SOCKET_PATH_BYTES;
    }

    private static String safeName(String name) {
        String safe = name == null || name.isEmpty() ? "app" : name.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.length() > MAX_NAME_CHARS ? safe.substring(0, MAX_NAME_CHARS) : safe;
    }
}
