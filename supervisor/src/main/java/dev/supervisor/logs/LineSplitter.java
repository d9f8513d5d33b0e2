package dev.supervisor.logs;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Cuts a byte stream into lines for a listener, holding at most {@code maxLine} bytes of one line. */
final class LineSplitter {
    private final byte[] line;
    private final Consumer<String> listener;
    private int length;

    LineSplitter(int maxLine, Consumer<String> listener) {
        this.line = new byte[maxLine];
        this.listener = listener;
    }

    void feed(byte[] bytes, int offset, int count) {
        int end = offset + count;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                emit();
            } else if (length < line.length) {
                line[length++] = b;
            } // else: over the limit, the rest of this line is dropped
        }
    }

    /** At end of stream: a last line without a newline is still a line. */
    void finish() {
        if (length > 0) {
            emit();
        }
    }

    private void emit() {
        int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        length = 0;
        listener.accept(new String(line, 0, n, StandardCharsets.UTF_8));
    }
}
