package dev.supervisor.front;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Body framing on its own: where a Content-Length or chunked body ends, and the chunk syntax it refuses. */
class MessageBodyTest {
    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    /** Frames {@code text} split into reads of {@code step} bytes; returns the body's bytes as framed. */
    private static String frameInSteps(MessageBody body, String text, int step) throws HttpHead.Malformed {
        StringBuilder framed = new StringBuilder();
        for (int i = 0; i < text.length() && !body.done(); i += step) {
            ByteBuf in = bytes(text.substring(i, Math.min(text.length(), i + step)));
            int size = body.frame(in, null);
            framed.append(in.toString(in.readerIndex(), size, StandardCharsets.ISO_8859_1));
        }
        return framed.toString();
    }

    @Test
    void aContentLengthBodyEndsAfterItsLengthAndLeavesTheNextMessage() throws Exception {
        MessageBody body = new MessageBody(true);
        body.length(5);
        ByteBuf in = bytes("helloGET / HTTP/1.1");

        assertThat(body.frame(in, null)).isEqualTo(5);
        assertThat(body.done()).isTrue();
    }

    @Test
    void aChunkedBodyIsFramedWholeWhateverTheReadsAre() throws Exception {
        String chunked = "5\r\nhello\r\n6;name=\"v\"\r\n world\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n";
        for (int step : new int[] {1, 2, 3, 7, 1000}) {
            MessageBody body = new MessageBody(true);
            body.chunked();
            assertThat(frameInSteps(body, chunked + "NEXT", step)).as("step " + step).isEqualTo(chunked);
            assertThat(body.done()).isTrue();
        }
    }

    @Test
    void theDataOfChunksIsReportedForAClientThatCannotReadChunks() throws Exception {
        MessageBody body = new MessageBody(false);
        body.chunked();
        StringBuilder data = new StringBuilder();
        ByteBuf in = bytes("5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n");

        body.frame(in, (buf, index, length) -> data.append(buf.toString(index, length, StandardCharsets.US_ASCII)));

        assertThat(data).hasToString("helloabc");
        assertThat(body.done()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "x\r\n",                      // not hex
            "\r\n",                       // no size
            "-5\r\nhello\r\n",
            "0x5\r\nhello\r\n",
            "5\nhello\r\n",               // bare LF
            "5\r\nhello\n0\r\n\r\n",      // data not followed by CRLF
            "5\r\nhelloX\r\n",            // data longer than the size
            "1000000000000000\r\n",       // 16 hex digits: too large
            "5;ext\u0000\r\nhello\r\n",   // control in an extension
            "0\r\nX: 1\r\n folded\r\n\r\n",
            "0\r\nX: \u00011\r\n\r\n",
            "0\r\n\rX",
    })
    void refusesMalformedChunks(String text) {
        MessageBody body = new MessageBody(true);
        body.chunked();
        assertThatThrownBy(() -> body.frame(bytes(text + "0\r\n\r\n"), null))
                .isInstanceOfSatisfying(HttpHead.Malformed.class, e -> assertThat(e.status).isEqualTo(400));
    }

    @Test
    void boundsChunkExtensionsAndTrailers() {
        MessageBody body = new MessageBody(true);
        body.chunked();
        String huge = "1;" + "e".repeat(MessageBody.MAX_CHUNK_METADATA) + "\r\nx\r\n0\r\n\r\n";

        assertThatThrownBy(() -> body.frame(bytes(huge), null)).hasMessageContaining("exceed");
    }
}
