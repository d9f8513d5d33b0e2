package dev.supervisor.logs;

import java.io.IOException;

/**
 * Where a {@link LogPump} writes. A write may block (slow disk): the pump then stops reading, and the child is
 * slowed down by its own pipe instead of the daemon buffering its output.
 */
public interface LogSink {
    void write(byte[] bytes, int offset, int length) throws IOException;
}
