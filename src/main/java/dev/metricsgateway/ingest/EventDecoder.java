package dev.metricsgateway.ingest;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import dev.metricsgateway.catalog.EventSchema;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes and validates a batch of events, the hot path of {@code POST /api/v1/events}: streams
 * the body's tokens with Jackson's {@link JsonParser} (no tree per event) into compact
 * {@link dev.metricsgateway.core.Event}s laid out by their {@link EventSchema}.
 *
 * <p>A batch is atomic: one invalid event rejects all of it. The decoder still reads on after an
 * invalid event, so the sender learns of every problem at once (up to {@code maxViolationsReported}
 * of them), until the JSON itself is malformed; then that is the one violation reported.
 *
 * <p>Rules, each a {@link Violation} naming the event's index, the field and the reason:
 * <ul>
 *   <li>The body is UTF-8 (RFC 3629, checked by {@link Utf8Validator} before Jackson reads it:
 *       no overlong forms, surrogates or code points above U+10FFFF, no UTF-16 or UTF-32); a UTF-8
 *       byte order mark at the start is ignored, as RFC 8259 allows. NDJSON has one event per line:
 *       a value starting on the line where the previous one ended is malformed.
 *   <li>At most {@code maxEventsPerBatch} events: beyond, the result is
 *       {@link DecodeResult.TooManyEvents} and reading stops.
 *   <li>Each event is a JSON object; {@code type} names a declared event type; fields may come in
 *       any order, and undeclared fields are ignored. A duplicate key anywhere (declared or not,
 *       at any depth) rejects the batch.
 *   <li>{@code batch_id}: optional string of 1 to 255 visible ASCII characters; every event of a
 *       batch carries the same one, or none does. The result carries it.
 *   <li>{@code time}: optional non-negative integer, epoch milliseconds; absent means
 *       {@code nowMillis}. More than {@code maxFutureSkewMillis} ahead of {@code nowMillis} is
 *       invalid; late events are not the decoder's concern.
 *   <li>Labels: non-empty strings of at most 128 Unicode code points (not UTF-16 units), without
 *       unpaired surrogates. Numbers: finite, within the field's bounds. Integers and epoch
 *       milliseconds: JSON integers ({@code 5.0} is not one) within the bounds and within
 *       ±2^53, where a double stops holding them exactly. Arrays: JSON arrays of at most
 *       {@link #MAX_ARRAY_ITEMS} objects, checked against the item fields.
 *   <li>A missing required field, or {@code null}, is "required"; an absent optional field is
 *       {@code NaN}, {@code ""} or no items.
 *   <li>Jackson enforces a nesting depth of {@value #MAX_NESTING_DEPTH} and rejects
 *       {@code NaN}/{@code Infinity} literals and trailing garbage.
 * </ul>
 * No input makes {@code decode} throw: every failure of the body becomes a {@link DecodeResult.Rejected}.
 *
 * <p>Threading: immutable once constructed and safe to share between threads (construct one per
 * catalog); the per-call scratch state lives on the stack of {@code decode}.
 */
public final class EventDecoder {

    /** A sensible {@code maxFutureSkewMillis}: senders' clocks may run a minute ahead. */
    public static final long DEFAULT_MAX_FUTURE_SKEW_MILLIS = 60_000;
    /** A sensible {@code maxViolationsReported}: enough to fix a batch, small enough to read. */
    public static final int DEFAULT_MAX_VIOLATIONS_REPORTED = 100;
    /** Deepest nesting of JSON arrays and objects accepted. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Most elements an array field of one event may hold; bounds the decoder's scratch memory. */
    public static final int MAX_ARRAY_ITEMS = 10_000;
    /** A sensible {@code maxEventsPerBatch}: an 8 MiB body of small events holds about this many. */
    public static final int DEFAULT_MAX_EVENTS_PER_BATCH = 100_000;

    /**
     * Shared by every decoder; a JsonFactory is thread-safe once built. Duplicate keys are found by
     * {@link DecodeRun}, cheaper than Jackson's STRICT_DUPLICATE_DETECTION (a set of every key).
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE) // the caller owns the stream
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // the default; NaN and Infinity are no JSON
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES) // senders' keys must not grow the JVM's string table
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .errorReportConfiguration(ErrorReportConfiguration.builder().maxErrorTokenLength(48).build())
            .build();

    private final Layout layout;
    private final long maxFutureSkewMillis;
    private final int maxViolationsReported;
    private final int maxEventsPerBatch;

    /** A decoder taking up to {@link #DEFAULT_MAX_EVENTS_PER_BATCH} events per batch. */
    public EventDecoder(Map<String, EventSchema> schemasByType, long maxFutureSkewMillis, int maxViolationsReported) {
        this(schemasByType, maxFutureSkewMillis, maxViolationsReported, DEFAULT_MAX_EVENTS_PER_BATCH);
    }

    /**
     * @param schemasByType         the event types by {@code type} value; the same schema instances
     *                              the aggregation uses, since events point at them
     * @param maxFutureSkewMillis   how far an event's {@code time} may lie ahead of the arrival time
     * @param maxViolationsReported most violations a rejected result lists (at least 1)
     * @param maxEventsPerBatch     most events a batch may hold (at least 1)
     */
    public EventDecoder(Map<String, EventSchema> schemasByType, long maxFutureSkewMillis, int maxViolationsReported,
            int maxEventsPerBatch) {
        if (maxFutureSkewMillis < 0) {
            throw new IllegalArgumentException(maxFutureSkewMillis + ": maxFutureSkewMillis must be >= 0");
        }
        if (maxViolationsReported < 1) {
            throw new IllegalArgumentException(maxViolationsReported + ": maxViolationsReported must be >= 1");
        }
        if (maxEventsPerBatch < 1) {
            throw new IllegalArgumentException(maxEventsPerBatch + ": maxEventsPerBatch must be >= 1");
        }
        this.layout = new Layout(Map.copyOf(schemasByType));
        this.maxEventsPerBatch = maxEventsPerBatch;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
        this.maxViolationsReported = maxViolationsReported;
    }

    /**
     * Decodes a whole body held in memory.
     *
     * @param nowMillis the arrival time, epoch milliseconds: the default {@code time}, and the
     *                  reference for the clock-skew check
     */
    public DecodeResult decode(byte[] body, BodyFormat format, long nowMillis) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(format, "format");
        String otherEncoding = Utf8Validator.otherEncoding(body, body.length);
        if (otherEncoding != null) {
            return DecodeRun.notUtf8(new InvalidUtf8Exception(0, 1, 1, otherEncoding), Violation.WHOLE_BODY);
        }
        Utf8Validator validator = new Utf8Validator();
        long bad = validator.check(body, 0, body.length);
        if (bad < 0) {
            bad = validator.finish();
        }
        if (bad >= 0) {
            int at = (int) bad;
            return DecodeRun.notUtf8(InvalidUtf8Exception.at(body, body.length, at, Utf8Validator.reason(body, at, body.length)),
                    eventAt(body, at, format));
        }
        return decode(() -> JSON.createParser(body), format, nowMillis);
    }

    /**
     * Decodes a body read from {@code body}, which the caller closes. A failure of the stream
     * itself (e.g. corrupt gzip) is reported like an unreadable body. Bytes that are not UTF-8 are
     * found as the stream is read and reported with their line and column (not their event).
     */
    public DecodeResult decode(InputStream body, BodyFormat format, long nowMillis) {
        Objects.requireNonNull(body, "body");
        return decode(() -> JSON.createParser(new Utf8CheckedInputStream(body)), format, nowMillis);
    }

    /**
     * The index of the event holding byte {@code offset}, found by reading the elements before it
     * (only when a body is refused for its encoding); {@link Violation#WHOLE_BODY} outside every event.
     */
    private static int eventAt(byte[] body, int offset, BodyFormat format) {
        int started = -1;
        boolean clean = false;
        try (JsonParser parser = JSON.createParser(body, 0, offset)) {
            JsonToken token = parser.nextToken();
            if (format == BodyFormat.JSON_ARRAY) {
                if (token != JsonToken.START_ARRAY) {
                    return Violation.WHOLE_BODY;
                }
                token = parser.nextToken();
            }
            for (; token != null && token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                started++;
                parser.skipChildren();
            }
            if (token == JsonToken.END_ARRAY) {
                return Violation.WHOLE_BODY; // after the array
            }
            clean = true;
        } catch (IOException e) {
            // The prefix ends inside element `started`: that is where the bad bytes are.
        }
        // A prefix of whole NDJSON values: the bad bytes start the next one.
        int index = clean ? started + 1 : started;
        return index < 0 ? Violation.WHOLE_BODY : index;
    }

    private DecodeResult decode(ParserSource source, BodyFormat format, long nowMillis) {
        Objects.requireNonNull(format, "format");
        if (nowMillis < 0) {
            throw new IllegalArgumentException(nowMillis + ": nowMillis must be >= 0");
        }
        DecodeRun run = new DecodeRun(layout, format, nowMillis, maxFutureSkewMillis, maxViolationsReported, maxEventsPerBatch);
        JsonParser parser = null;
        try {
            parser = source.open();
            run.read(parser);
            return run.result();
        } catch (InvalidUtf8Exception e) { // the stream path; a byte array is checked before
            return DecodeRun.notUtf8(e, Violation.WHOLE_BODY);
        } catch (JsonProcessingException e) { // syntax, UTF-8, duplicate keys, and StreamConstraintsException
            return run.malformed(e, parser);
        } catch (IOException e) { // CharConversionException from encoding detection, or the stream failing
            return run.unreadable(e);
        } finally {
            closeQuietly(parser);
        }
    }

    private static void closeQuietly(JsonParser parser) {
        if (parser == null) {
            return;
        }
        try {
            parser.close();
        } catch (IOException e) {
            // Nothing to do: with AUTO_CLOSE_SOURCE off, closing only returns buffers to Jackson's pool.
        }
    }

    @FunctionalInterface
    private interface ParserSource {
        JsonParser open() throws IOException;
    }
}
