package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the ingest handler takes a body's bytes out of the buffer the BodyHandler filled. */
class IngestBodyBytesTest {

    private static final byte[] BODY = "{\"type\":\"feature_request\"}\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void aBufferSizedToTheBodyIsReadWithoutACopy() {
        Buffer buffer = Buffer.buffer(BODY.length).appendBytes(BODY); // as BodyHandler sizes it from Content-Length
        byte[] first = IngestHandler.bytesOf(buffer);
        assertThat(first).isEqualTo(BODY);
        assertThat(IngestHandler.bytesOf(buffer)).isSameAs(first);
    }

    @Test
    void aBufferWithRoomLeftIsCopiedToTheBodyLength() {
        Buffer buffer = Buffer.buffer(BODY.length * 4).appendBytes(BODY); // chunked: no Content-Length to size it
        byte[] first = IngestHandler.bytesOf(buffer);
        assertThat(first).isEqualTo(BODY);
        assertThat(IngestHandler.bytesOf(buffer)).isNotSameAs(first).isEqualTo(BODY);
    }

    @Test
    void aSlicedBufferIsCopiedFromItsStart() {
        Buffer buffer = Buffer.buffer().appendString("xx").appendBytes(BODY).slice(2, 2 + BODY.length);
        assertThat(IngestHandler.bytesOf(buffer)).isEqualTo(BODY);
    }
}
