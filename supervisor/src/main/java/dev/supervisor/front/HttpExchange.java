package dev.supervisor.front;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One request and its response as it crosses the front. Lives on its client connection's event loop only.
 * Keeps the request body while it is small so that the request can be sent again to another backend.
 */
final class HttpExchange implements ChannelFutureListener {
    final HttpClientConnection owner;
    final HttpRequest head;
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
    boolean informational;
    boolean closeClientAfter;

    /** Body parts received but not yet written to the current backend connection. */
    private ArrayDeque<HttpContent> unsent;
    /** Duplicates of every body part received so far, while the body is small enough to keep. */
    private ArrayList<HttpContent> replay;
    private long replayBytes;
    private boolean replayable = true;
    /** The body ended with the shared empty last part, which is replayed as is. */
    private boolean endsEmpty;
    private final int replayLimit;

    HttpExchange(HttpClientConnection owner, HttpRequest head, boolean clientKeepAlive, boolean expectContinue,
                 long backendDeadline, int replayLimit) {
        this.owner = owner;
        this.head = head;
        this.clientKeepAlive = clientKeepAlive;
        this.http10 = head.protocolVersion().majorVersion() == 1 && head.protocolVersion().minorVersion() == 0;
        HttpMethod method = head.method();
        this.headRequest = HttpMethod.HEAD.equals(method);
        this.idempotent = headRequest || HttpMethod.GET.equals(method) || HttpMethod.OPTIONS.equals(method)
                || HttpMethod.PUT.equals(method) || HttpMethod.DELETE.equals(method)
                || HttpMethod.TRACE.equals(method);
        this.expectContinue = expectContinue;
        this.backendDeadline = backendDeadline;
        this.replayLimit = replayLimit;
    }

    /** Takes ownership of a body part and keeps a duplicate for a retry while the body stays small. */
    void keepForReplay(HttpContent content) {
        if (!replayable) {
            return;
        }
        if (content == LastHttpContent.EMPTY_LAST_CONTENT) { // a request without a body: nothing to copy
            endsEmpty = true;
            return;
        }
        int size = content.content().readableBytes();
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

    void queueUnsent(HttpContent content) {
        if (unsent == null) {
            unsent = new ArrayDeque<>(4);
        }
        unsent.add(content);
    }

    HttpContent pollUnsent() {
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
            for (HttpContent part : replay) {
                queueUnsent(part.retainedDuplicate());
            }
        }
        if (endsEmpty) {
            queueUnsent(LastHttpContent.EMPTY_LAST_CONTENT);
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
    }

    private static void releaseAll(java.util.Collection<HttpContent> parts) {
        if (parts != null) {
            for (HttpContent part : parts) {
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
