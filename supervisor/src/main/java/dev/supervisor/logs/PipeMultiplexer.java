package dev.supervisor.logs;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.supervisor.process.FdInputStream;
import dev.supervisor.process.Posix;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.InputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Copies every child pipe into its log on one thread: an epoll loop over the pipes' descriptors (level-triggered),
 * one read buffer and one output buffer for all of them. Per stream it keeps only a held-back unfinished line
 * (allocated while there is one) and, until the instance is ready, the ready_pattern line listener.
 *
 * <p>Cost: after a round that read something, the loop pauses {@code coalesce} (1 ms) before looking again, so a
 * child that writes fast is read in large chunks (a busy pipe is grown to 1 MiB with F_SETPIPE_SZ), not a few
 * hundred bytes per wake-up; an idle child's first line is read at once. (A stdout is a socket, sized at the spawn
 * by the launcher, and F_SETPIPE_SZ fails on it; stderr is a pipe and is grown here.) Backpressure: the sink's write
 * runs on the loop; while it blocks nothing is read, the pipes fill and the children block on them. Nothing is
 * queued in the heap. A sink that blocks for long delays every stream of this multiplexer (they share the disk anyway).
 *
 * <p>A stream that is not a {@link FdInputStream} (a child the JDK started) falls back to a {@link LogPump} thread.
 */
public final class PipeMultiplexer implements LogCapture {
    static final int READ_BYTES = 128 * 1024;
    private static final int MAX_READS_PER_ROUND = 8;
    private static final int GROWN_PIPE_BYTES = 1024 * 1024;
    /** A read this large found a default (64 KiB) pipe nearly full. */
    private static final int BUSY_READ_BYTES = 48 * 1024;
    private static final int MAX_EVENTS = 256;
    private static final Logger LOG = LogManager.getLogger(PipeMultiplexer.class);

    private final long coalesceNanos;
    private final int epfd;
    private final int wakefd;
    private final ConcurrentHashMap<Integer, Stream> streams = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    public PipeMultiplexer() {
        this(Duration.ofMillis(1));
    }

    public PipeMultiplexer(Duration coalesce) {
        this.coalesceNanos = coalesce.toNanos();
        this.epfd = Posix.epoll_create1(Posix.O_CLOEXEC);
        this.wakefd = Posix.eventfd(0, Posix.O_CLOEXEC | Posix.O_NONBLOCK);
        add(wakefd);
        this.thread = new Thread(null, this::run, "log-pipes", 256 * 1024);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Capture start(String name, InputStream in, LogSink sink, LineOptions options, Runnable onEnd) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sink, "sink");
        LineOptions o = options == null ? LineOptions.NONE : options;
        if (!(in instanceof FdInputStream f) || closed) {
            return LogPump.start(name, in, sink, o, onEnd);
        }
        Posix.setNonBlocking(f.fd());
        Stream s = new Stream(name, f, sink, o, onEnd);
        streams.put(f.fd(), s);
        add(f.fd());
        return s;
    }

    /** Streams being copied now. */
    public int streams() {
        return streams.size();
    }

    private void add(int fd) {
        Memory event = new Memory(Posix.EPOLL_EVENT_BYTES);
        event.setInt(0, Posix.EPOLLIN);
        event.setLong(4, fd);
        Posix.epoll_ctl(epfd, Posix.EPOLL_CTL_ADD, fd, event);
    }

    private void run() {
        try {
            loop();
        } finally {
            // Closed (daemon shutdown): the children are being stopped; give every descriptor back.
            streams.values().forEach(s -> s.pipe.close());
            streams.clear();
            Posix.close(wakefd);
            Posix.close(epfd);
        }
    }

    private void loop() {
        Memory events = new Memory((long) Posix.EPOLL_EVENT_BYTES * MAX_EVENTS);
        Buffers b = new Buffers();
        while (!closed) {
            int n;
            try {
                n = Posix.epoll_wait(epfd, events, MAX_EVENTS, -1);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Posix.EINTR) {
                    LOG.error("epoll_wait failed, log capture stops: {}", Posix.errorText(e.getErrorCode()));
                    return;
                }
                continue;
            }
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                int fd = events.getInt((long) i * Posix.EPOLL_EVENT_BYTES + 4);
                Stream s = streams.get(fd);
                if (s != null) {
                    bytes += s.pump(b);
                }
            }
            if (bytes > 0 && coalesceNanos > 0) {
                LockSupport.parkNanos(coalesceNanos); // let busy pipes fill: fewer, larger reads
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        byte[] one = {1, 0, 0, 0, 0, 0, 0, 0};
        Posix.write(wakefd, one, one.length); // wakes the loop, which closes the descriptors
    }

    /** The loop's working memory, shared by all streams. */
    private static final class Buffers {
        final Memory raw = new Memory(READ_BYTES);
        final byte[] in = new byte[READ_BYTES];
        final byte[] out = new byte[READ_BYTES + 4096];
    }

    private final class Stream implements Capture {
        private final String name;
        private final FdInputStream pipe;
        private final int fd;
        private final LineWriter lines;
        private final Runnable onEnd;
        private volatile boolean running = true;
        private byte[] carry; // an unfinished line held back until its end arrives
        private int carryLength;
        private boolean grown;

        Stream(String name, FdInputStream pipe, LogSink sink, LineOptions options, Runnable onEnd) {
            this.name = name;
            this.pipe = pipe;
            this.fd = pipe.fd();
            this.lines = new LineWriter(name, sink, options);
            this.onEnd = onEnd;
        }

        @Override
        public void removeLineListener() {
            lines.removeLineListener();
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        /** Reads what the pipe holds (up to a bound, for fairness); returns the bytes read. */
        long pump(Buffers b) {
            long total = 0;
            byte[] buf = b.in;
            for (int round = 0; round < MAX_READS_PER_ROUND; round++) {
                int off = carryLength;
                if (off > 0) {
                    System.arraycopy(carry, 0, buf, 0, off);
                }
                int want = buf.length - off;
                long r;
                try {
                    r = Posix.read(fd, b.raw, want);
                } catch (LastErrorException e) {
                    if (e.getErrorCode() == Posix.EAGAIN) {
                        return total;
                    }
                    if (e.getErrorCode() == Posix.EINTR) {
                        continue;
                    }
                    LOG.debug("{}: read failed: {}", name, Posix.errorText(e.getErrorCode()));
                    r = 0;
                }
                if (r == 0) {
                    end(b);
                    return total;
                }
                b.raw.read(0, buf, off, (int) r);
                total += r;
                int filled = off + (int) r;
                int end = buf[filled - 1] == '\n' ? filled : LineWriter.lastLineEnd(buf, filled);
                if (end == 0 && filled == buf.length) {
                    end = filled; // one line longer than the buffer: it cannot stay whole
                }
                lines.write(buf, end, b.out);
                keep(buf, end, filled);
                if (!grown && r >= BUSY_READ_BYTES) {
                    grown = true; // a busy writer filled most of a default pipe: give it room for a pause of ours
                    try {
                        Posix.fcntl(fd, Posix.F_SETPIPE_SZ, GROWN_PIPE_BYTES);
                    } catch (LastErrorException e) {
                        LOG.debug("{}: pipe stays at its size: {}", name, Posix.errorText(e.getErrorCode()));
                    }
                }
                if (r < want) {
                    return total; // the pipe is empty now
                }
            }
            return total;
        }

        private void keep(byte[] buf, int from, int to) {
            int n = to - from;
            if (n > 0 && (carry == null || carry.length < n)) {
                carry = new byte[Math.max(n, 256)];
            }
            if (n > 0) {
                System.arraycopy(buf, from, carry, 0, n);
            } else if (carry != null && carry.length > 4096) {
                carry = null; // give back a long line's memory
            }
            carryLength = n;
        }

        private void end(Buffers b) {
            if (carryLength > 0) {
                System.arraycopy(carry, 0, b.in, 0, carryLength);
                lines.write(b.in, carryLength, b.out);
                carryLength = 0;
                carry = null;
            }
            lines.finish();
            streams.remove(fd);
            try {
                Posix.epoll_ctl(epfd, Posix.EPOLL_CTL_DEL, fd, null);
            } catch (LastErrorException e) {
                LOG.debug("{}: epoll_ctl DEL: {}", name, Posix.errorText(e.getErrorCode()));
            }
            pipe.close();
            running = false;
            LineWriter.runEnd(name, onEnd);
        }
    }

    @Override
    public String toString() {
        return "PipeMultiplexer[" + streams.size() + " streams" + (closed ? ", closed" : "") + "]";
    }

}
