package dev.metricsgateway.exposition;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A rendered scrape body as consecutive parts, so that a large body is never copied into one
 * array: the HTTP layer wraps the parts as they are. Read-only by agreement: nobody changes the
 * buffers' contents or positions.
 */
public final class Rendering {

    private final List<ByteBuffer> parts;
    private final long size;

    Rendering(List<ByteBuffer> parts) {
        this.parts = List.copyOf(parts);
        this.size = parts.stream().mapToLong(ByteBuffer::remaining).sum();
    }

    public static Rendering of(byte[] body) {
        return new Rendering(List.of(ByteBuffer.wrap(body)));
    }

    /** The parts in order; their remaining bytes make the body. */
    public List<ByteBuffer> parts() {
        return parts;
    }

    /** The body's length in bytes. */
    public long size() {
        return size;
    }

    /** The body as one array (a copy; for tests and small bodies). */
    public byte[] toByteArray() {
        byte[] body = new byte[Math.toIntExact(size)];
        int at = 0;
        for (ByteBuffer part : parts) {
            part.duplicate().get(body, at, part.remaining());
            at += part.remaining();
        }
        return body;
    }
}
