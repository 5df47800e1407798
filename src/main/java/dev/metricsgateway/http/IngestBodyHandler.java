package dev.metricsgateway.http;

import io.netty.handler.codec.DecoderException;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/**
 * Reads an ingest request's body into one byte array of exactly its length, for
 * {@link IngestHandler} (under {@link #BODY}). It replaces Vert.x Web's {@code BodyHandler} on
 * the ingest route, and behaves as that one does there (413 over the limit, before reading when
 * the Content-Length says so; {@code Expect: 100-continue} answered, any other expectation 417;
 * a broken body stream fails the request), but for the buffer: {@code BodyHandler} starts one
 * of at most 64 KiB and lets it double, so a batch of 150 KB allocated 64 + 128 + 256 KiB and
 * was copied once more out of the larger array: two thirds of what a gateway allocated under
 * ingest load (JFR), and the young collections that came with it. Here a body declared by its
 * Content-Length is copied once, into an array of its size.
 */
final class IngestBodyHandler implements Handler<RoutingContext> {

    /** The routing context key of the body's bytes: exactly the body, empty when there is none. */
    static final String BODY = "metrics-gateway.ingest-body";
    /**
     * At most this much is allocated before the body arrives: a client may declare a large
     * Content-Length and send nothing, on every in-flight request at once. Past it, the array
     * grows to the declared length once bytes come.
     */
    static final int MAX_PREALLOCATED_BYTES = 256 * 1024;
    private static final byte[] NO_BYTES = new byte[0];

    private final long limit;

    IngestBodyHandler(long limit) {
        this.limit = limit;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        long declared = contentLength(request);
        boolean chunked = request.version() == HttpVersion.HTTP_2 || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        if (!chunked && declared < 0) {
            ctx.put(BODY, NO_BYTES); // a request without a body
            ctx.next();
            return;
        }
        if (declared > limit) {
            ctx.fail(413);
            return;
        }
        String expect = request.getHeader(HttpHeaders.EXPECT);
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                ctx.fail(417); // the only expectation a server can meet
                return;
            }
            if (request.version() != HttpVersion.HTTP_1_0) {
                ctx.response().writeContinue(); // an HTTP/1.0 client's expectation is ignored (RFC 9110)
            }
        }
        if (request.isEnded()) {
            ctx.fail(new VertxException("the ingest body reader ran after the request ended", true));
            return;
        }
        Collector collector = new Collector(ctx, declared);
        request.exceptionHandler(collector::broken).handler(collector).endHandler(collector::end).resume();
    }

    private static long contentLength(HttpServerRequest request) {
        String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (header == null || header.isEmpty()) {
            return -1;
        }
        try {
            long length = Long.parseLong(header);
            return length < 0 ? -1 : length;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Copies the chunks of one body into its array. */
    private final class Collector implements Handler<Buffer> {
        private final RoutingContext ctx;
        private final long declared;
        private byte[] bytes;
        private int size;
        private boolean failed;

        Collector(RoutingContext ctx, long declared) {
            this.ctx = ctx;
            this.declared = declared;
            this.bytes = new byte[(int) Math.min(declared >= 0 ? declared : 16 * 1024, MAX_PREALLOCATED_BYTES)];
        }

        @Override
        public void handle(Buffer chunk) {
            if (failed) {
                return;
            }
            int length = chunk.length();
            if (size + (long) length > limit) {
                failed = true;
                ctx.fail(413);
                return;
            }
            if (size + length > bytes.length) {
                long wanted = size + (long) length;
                // the declared length when it holds what came, else double (chunked, or a body longer than declared)
                long grown = declared >= wanted ? declared : Math.max(wanted, 2L * bytes.length);
                bytes = Arrays.copyOf(bytes, (int) Math.min(grown, limit));
            }
            chunk.getBytes(0, length, bytes, size);
            size += length;
        }

        void end(Void ended) {
            if (failed || ctx.failed()) {
                return;
            }
            ctx.put(BODY, size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
            bytes = null;
            ctx.next();
        }

        /** As BodyHandler: a codec error is the client's (400), any other break is answered by the route's failure handler. */
        void broken(Throwable failure) {
            failed = true;
            if (failure instanceof DecoderException && failure.getCause() != null) {
                ctx.fail(400, failure.getCause());
            } else {
                ctx.fail(failure instanceof DecoderException ? 400 : 200, failure);
            }
        }
    }
}
