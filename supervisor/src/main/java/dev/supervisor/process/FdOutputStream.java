package dev.supervisor.process;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/** The daemon's end of a child's stdin pipe. */
final class FdOutputStream extends OutputStream {
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Runnable release;

    FdOutputStream(int fd) {
        this(fd, () -> Posix.close(fd));
    }

    /** @param release ends the stream: for a socket shared with stdout, shutdown(SHUT_WR), then its share of the fd */
    FdOutputStream(int fd, Runnable release) {
        this.fd = fd;
        this.release = release;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        byte[] bytes = off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len);
        int done = 0;
        while (done < len) {
            if (closed.get()) {
                throw new IOException("stdin closed (fd " + fd + ")");
            }
            byte[] rest = done == 0 ? bytes : Arrays.copyOfRange(bytes, done, len);
            try {
                done += (int) Posix.write(fd, rest, rest.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EINTR) {
                    throw new IOException("write to stdin: " + Posix.errorText(e.getErrorCode()), e);
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
