package dev.supervisor.front;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/** The short answers the front gives itself when no backend can, as the bytes that go on the wire. */
final class ErrorResponses {
    private static final ByteBuf CONTINUE = Unpooled.unreleasableBuffer(Unpooled.directBuffer(25)
            .writeBytes("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).asReadOnly();

    private ErrorResponses() {
    }

    static ByteBuf of(int status, String text, boolean close, ByteBufAllocator allocator) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: " + (close ? "close" : "keep-alive") + "\r\n\r\n";
        ByteBuf out = allocator.buffer(head.length() + body.length);
        out.writeCharSequence(head, StandardCharsets.US_ASCII);
        return out.writeBytes(body);
    }

    static ByteBuf continue100() {
        return CONTINUE.duplicate();
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }
}
