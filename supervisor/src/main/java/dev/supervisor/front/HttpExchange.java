package dev.supervisor.front;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One request and its response as it crosses the front. Lives on its client connection's event loop only.
 * Keeps the request body while it is small so that the request can be sent again to another backend.
 */
final class HttpExchange implements ChannelFutureListener {
    final HttpClientConnection owner;
    /** The request's head as the backend gets it (hop-by-hop headers out, X-Forwarded-* in); kept for a retry. */
    final ByteBuf head;
    final boolean clientKeepAlive;
    final boolean http10;
    final boolean headRequest;
    final boolean idempotent;
    final boolean expectContinue;
    /** System.nanoTime() after which waiting for a reachable backend gives up. */
    final long backendDeadline;

    BackendSlot slot;
    BackendConnection link;
    /** Backends that failed this request, not tried again until all have. */
    List<BackendSlot> failed;

    /** The client asked to switch protocols (WebSocket); a 101 from the backend turns the connection into a tunnel. */
    boolean upgrade;
    boolean switching;
    boolean requestComplete;
    boolean continueSent;
    /** Something of the backend's answer reached the client: the request can no longer be retried. */
    boolean responseStarted;
    boolean responseComplete;
    boolean closeClientAfter;
    /** The response is chunked but the client speaks HTTP/1.0: only the chunks' data goes to it. */
    boolean dechunk;
    /** The response ends when its backend connection closes; chunked for the client to keep its connection. */
    boolean chunkForClient;

    /** Body parts received but not yet written to the current backend connection. */
    private ArrayDeque<ByteBuf> unsent;
    /** Duplicates of every body part received so far, while the body is small enough to keep. */
    private ArrayList<ByteBuf> replay;
    private long replayBytes;
    private boolean replayable = true;
    private final int replayLimit;
    private boolean headReleased;

    HttpExchange(HttpClientConnection owner, HttpHead request, ByteBuf head, boolean expectContinue,
                 long backendDeadline, int replayLimit) {
        this.owner = owner;
        this.head = head;
        this.clientKeepAlive = request.keepAlive();
        this.http10 = request.minorVersion == 0;
        this.headRequest = request.methodIs("HEAD");
        this.idempotent = headRequest || request.methodIs("GET") || request.methodIs("OPTIONS")
                || request.methodIs("PUT") || request.methodIs("DELETE") || request.methodIs("TRACE");
        this.expectContinue = expectContinue;
        this.backendDeadline = backendDeadline;
        this.replayLimit = replayLimit;
    }

    /** Takes ownership of a body part and keeps a duplicate for a retry while the body stays small. */
    void keepForReplay(ByteBuf content) {
        if (!replayable) {
            return;
        }
        int size = content.readableBytes();
        if (replayBytes + size > replayLimit) {
            replayable = false;
            releaseAll(replay);
            replay = null;
            return;
        }
        if (replay == null) {
            replay = new ArrayList<>(2);
        }
        replay.add(content.retainedDuplicate()); // own reader index: writing the original does not consume it
        replayBytes += size;
    }

    void queueUnsent(ByteBuf content) {
        if (unsent == null) {
            unsent = new ArrayDeque<>(4);
        }
        unsent.add(content);
    }

    ByteBuf pollUnsent() {
        return unsent == null ? null : unsent.poll();
    }

    boolean canRetry(boolean nothingSent) {
        // A request the backend may have read is sent again only if repeating it is harmless (RFC 9110 9.2.2).
        return !responseStarted && replayable && (nothingSent || idempotent);
    }

    /** Refills the unsent queue from the kept body for a new attempt. */
    void rewindForRetry() {
        releaseAll(unsent);
        if (replay != null) {
            for (ByteBuf part : replay) {
                queueUnsent(part.retainedDuplicate());
            }
        }
    }

    void addFailed(BackendSlot failedSlot) {
        if (failed == null) {
            failed = new ArrayList<>(2);
        }
        failed.add(failedSlot);
    }

    /** Gives the in-flight count back to the backend, once. */
    void releaseSlot() {
        if (slot != null) {
            slot.release();
            slot = null;
        }
    }

    void releaseBuffers() {
        releaseAll(unsent);
        releaseAll(replay);
        replay = null;
        if (!headReleased) {
            headReleased = true;
            head.release();
        }
    }

    /** "GET /path", for log lines: the start of the head's first line. */
    String describe() {
        if (headReleased) {
            return "a request";
        }
        int lineEnd = head.indexOf(head.readerIndex(), head.writerIndex(), (byte) '\r');
        int end = Math.max(head.readerIndex(), lineEnd - " HTTP/1.1".length());
        return head.toString(head.readerIndex(), end - head.readerIndex(), StandardCharsets.ISO_8859_1);
    }

    private static void releaseAll(java.util.Collection<ByteBuf> parts) {
        if (parts != null) {
            for (ByteBuf part : parts) {
                part.release();
            }
            parts.clear();
        }
    }

    /** The last byte of the response was written to the client (or failed to be). */
    @Override
    public void operationComplete(ChannelFuture future) {
        owner.responseWritten(this, future.isSuccess());
    }
}
