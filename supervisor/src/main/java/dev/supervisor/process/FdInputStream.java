package dev.supervisor.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The daemon's end of a child's stdout or stderr pipe, as a file descriptor. A {@code LogCapture} that multiplexes
 * pipes (logs/) takes the descriptor and reads it on its own loop; anything else can read it as a blocking stream.
 * Whoever reads it to the end closes it, once.
 */
public final class FdInputStream extends InputStream {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable release;
    private Memory buffer; // only for the blocking-stream use

    FdInputStream(int fd) {
        this(fd, () -> Posix.close(fd));
    }

    /** @param release gives the descriptor back (a socket shared with stdin: closed once both sides let go) */
    FdInputStream(int fd, Runnable release) {
        this.fd = fd;
        this.release = release;
    }

    public int fd() {
        return fd;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (closed.get()) {
            throw new IOException("stream closed (fd " + fd + ")");
        }
        if (len == 0) {
            return 0;
        }
        if (buffer == null) {
            buffer = new Memory(16 * 1024);
        }
        int want = (int) Math.min(len, buffer.size());
        while (true) {
            try {
                long n = Posix.read(fd, buffer, want);
                if (n == 0) {
                    return -1;
                }
                buffer.read(0, b, off, (int) n);
                return (int) n;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EINTR) {
                    throw new IOException("read fd " + fd + ": " + Posix.errorText(e.getErrorCode()), e);
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
