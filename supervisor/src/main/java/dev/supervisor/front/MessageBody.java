package dev.supervisor.front;

import io.netty.buffer.ByteBuf;

/**
 * Where one message's body ends in the bytes of its connection, so the front forwards the body as the bytes that
 * arrived (slices, no copy) and knows where the next message begins. Content-Length bodies are counted; chunked
 * bodies are scanned chunk line by chunk line (strictly: hex size, CRLF after every line and every chunk, bounded
 * extensions and trailers) and their data skipped over. One instance per connection, reused.
 */
final class MessageBody {
    /** Chunk extensions and trailer lines of one body together, at most. */
    static final int MAX_CHUNK_METADATA = 16 * 1024;

    /** Told where the data of chunks lies, for a client that cannot read chunks (HTTP/1.0). */
    interface ChunkData {
        void data(ByteBuf in, int index, int length);
    }

    private static final int NONE = 0;
    private static final int LENGTH = 1;
    private static final int CHUNKED = 2;
    private static final int UNTIL_CLOSE = 3;

    private static final int SIZE_START = 0;
    private static final int SIZE = 1;
    private static final int EXTENSION = 2;
    private static final int SIZE_LF = 3;
    private static final int DATA = 4;
    private static final int DATA_CR = 5;
    private static final int DATA_LF = 6;
    private static final int TRAILER_START = 7;
    private static final int TRAILER_LINE = 8;
    private static final int TRAILER_LF = 9;
    private static final int END_LF = 10;

    private final boolean request;
    private int mode = NONE;
    private long remaining;
    private int state;
    private int digits;
    private int metadata;

    MessageBody(boolean request) {
        this.request = request;
    }

    void none() {
        mode = NONE;
    }

    void length(long bytes) {
        mode = bytes == 0 ? NONE : LENGTH;
        remaining = bytes;
    }

    void chunked() {
        mode = CHUNKED;
        state = SIZE_START;
        remaining = 0;
        digits = 0;
        metadata = 0;
    }

    /** A response without length: it ends when the backend closes the connection. */
    void untilClose() {
        mode = UNTIL_CLOSE;
    }

    boolean isNone() {
        return mode == NONE;
    }

    boolean isUntilClose() {
        return mode == UNTIL_CLOSE;
    }

    /** The body is over (set when {@link #frame} reached its end). */
    boolean done() {
        return mode == NONE;
    }

    /**
     * How many bytes of {@code in}, from its reader index, belong to this body (the reader index does not move).
     * After it, {@link #done()} says whether the body ended there. With {@code data} set, the data of each chunk is
     * reported to it as well.
     */
    int frame(ByteBuf in, ChunkData data) throws HttpHead.Malformed {
        int readable = in.readableBytes();
        switch (mode) {
            case NONE:
                return 0;
            case UNTIL_CLOSE:
                return readable;
            case LENGTH: {
                int n = (int) Math.min(remaining, readable);
                remaining -= n;
                if (remaining == 0) {
                    mode = NONE;
                }
                return n;
            }
            default:
                return scanChunks(in, in.readerIndex(), in.readerIndex() + readable, data) - in.readerIndex();
        }
    }

    private int scanChunks(ByteBuf in, int from, int to, ChunkData data) throws HttpHead.Malformed {
        int i = from;
        while (i < to) {
            if (state == DATA) {
                int n = (int) Math.min(remaining, to - i);
                if (data != null) {
                    data.data(in, i, n);
                }
                i += n;
                remaining -= n;
                if (remaining == 0) {
                    state = DATA_CR;
                }
                continue;
            }
            byte c = in.getByte(i++);
            switch (state) {
                case SIZE_START, SIZE -> {
                    int hex = hexValue(c);
                    if (hex >= 0) {
                        if (++digits > 15) {
                            throw malformed("a chunk size is too large");
                        }
                        remaining = remaining * 16 + hex;
                        state = SIZE;
                    } else if (state == SIZE && (c == ';' || c == ' ' || c == '\t')) {
                        state = EXTENSION;
                        countMetadata();
                    } else if (state == SIZE && c == '\r') {
                        state = SIZE_LF;
                    } else {
                        throw malformed("a chunk does not start with its size in hex");
                    }
                }
                case EXTENSION -> {
                    if (c == '\r') {
                        state = SIZE_LF;
                    } else if (isControl(c)) {
                        throw malformed("a chunk extension has a control character");
                    } else {
                        countMetadata();
                    }
                }
                case SIZE_LF -> {
                    expectLf(c);
                    digits = 0;
                    state = remaining == 0 ? TRAILER_START : DATA;
                }
                case DATA_CR -> {
                    if (c != '\r') {
                        throw malformed("a chunk's data is longer than its size");
                    }
                    state = DATA_LF;
                }
                case DATA_LF -> {
                    expectLf(c);
                    state = SIZE_START;
                }
                case TRAILER_START -> {
                    if (c == '\r') {
                        state = END_LF;
                    } else if (c == ' ' || c == '\t' || isControl(c)) {
                        throw malformed("a trailer line is folded or has a control character");
                    } else {
                        state = TRAILER_LINE;
                        countMetadata();
                    }
                }
                case TRAILER_LINE -> {
                    if (c == '\r') {
                        state = TRAILER_LF;
                    } else if (isControl(c)) {
                        throw malformed("a trailer line has a control character");
                    } else {
                        countMetadata();
                    }
                }
                case TRAILER_LF -> {
                    expectLf(c);
                    state = TRAILER_START;
                }
                case END_LF -> {
                    expectLf(c);
                    mode = NONE;
                    return i;
                }
                default -> throw new IllegalStateException("chunk state " + state);
            }
        }
        return i;
    }

    private void expectLf(byte c) throws HttpHead.Malformed {
        if (c != '\n') {
            throw malformed("a chunk line does not end with CRLF");
        }
    }

    private void countMetadata() throws HttpHead.Malformed {
        if (++metadata > MAX_CHUNK_METADATA) {
            throw malformed("chunk extensions and trailers exceed " + MAX_CHUNK_METADATA + " bytes");
        }
    }

    private HttpHead.Malformed malformed(String message) {
        return new HttpHead.Malformed(request ? 400 : 502, message);
    }

    private static boolean isControl(byte c) {
        return (c < ' ' && c != '\t') || c == 0x7f;
    }

    private static int hexValue(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
