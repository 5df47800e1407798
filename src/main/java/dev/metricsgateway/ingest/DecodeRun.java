package dev.metricsgateway.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.base.ParserBase;
import dev.metricsgateway.core.Event;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One call of {@link EventDecoder#decode}: walks the token stream, reads each event's values into
 * {@link RawRecords} (fields may come in any order, {@code type} last), checks them against the
 * event type when the object closes, and collects events or violations.
 *
 * <p>Duplicate keys: a declared field read twice is found by its scratch slot being filled
 * already (free on the hot path); undeclared keys go into a set per object, built only when an
 * object has some. Jackson's own duplicate detection (a hash set of every key of every object)
 * is off, for speed.
 *
 * <p>Created per call and confined to its thread; this is the decoder's only mutable state.
 */
final class DecodeRun {

    private final Layout layout;
    private final BodyFormat format;
    private final long nowMillis;
    private final long maxFutureSkewMillis;
    private final ViolationLog log;
    private final RawRecords top;
    private final int maxEvents;
    private final UndeclaredKeys undeclared = new UndeclaredKeys();
    private final List<Event> events = new ArrayList<>();
    /** Whether the batch's first event has been read, and so whether events carry a batch_id. */
    private boolean batchIdDecided;
    /** Whether the first event carries a batch_id. */
    private boolean batchIdCarried;
    /** The first event's batch_id, if it is valid; null otherwise. */
    private String batchId;
    /** The body holds more than {@code maxEvents} elements; reading stopped there. */
    private boolean tooManyEvents;
    /** Index of the event being read (the number of elements read before it). */
    private int position;
    /** JSON_ARRAY only: before the opening or after the closing bracket, where a problem is the body's. */
    private boolean outsideArray;

    DecodeRun(Layout layout, BodyFormat format, long nowMillis, long maxFutureSkewMillis, int maxViolationsReported, int maxEvents) {
        this.layout = layout;
        this.format = format;
        this.nowMillis = nowMillis;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
        this.log = new ViolationLog(maxViolationsReported);
        this.top = new RawRecords(layout.shape(), 1);
        this.maxEvents = maxEvents;
    }

    /** Reads the whole body; Jackson's exceptions end the run and go to {@link #malformed}. */
    void read(JsonParser parser) throws IOException {
        if (format == BodyFormat.NDJSON) {
            // Jackson reads a sequence of root-level values separated by any whitespace; NDJSON
            // wants one per line, so a value starting on the line where the last one ended is refused.
            int lastLine = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (tokenLine(parser) == lastLine) {
                    throw new JsonParseException(parser, Messages.SAME_LINE, parser.currentTokenLocation());
                }
                if (position == maxEvents) {
                    tooManyEvents = true;
                    return;
                }
                readElement(parser, token);
                lastLine = tokenLine(parser);
            }
        } else {
            readArrayBody(parser);
        }
    }

    /** The result of a body read to its end. */
    DecodeResult result() {
        if (tooManyEvents) {
            return new DecodeResult.TooManyEvents(maxEvents);
        }
        return log.batchInvalid()
                ? new DecodeResult.Rejected(log.summary(), log.reported())
                : new DecodeResult.Accepted(events, batchIdCarried ? batchId : null);
    }

    /**
     * The result of a body that is not UTF-8 (see {@link Utf8Validator}), found before Jackson read
     * it; {@code index} is the event holding the bad bytes, when known.
     */
    static DecodeResult notUtf8(InvalidUtf8Exception e, int index) {
        String where = "line " + e.line() + ", column " + e.column();
        String message = "invalid UTF-8: " + e.reason();
        return new DecodeResult.Rejected("malformed JSON at " + where + ": " + message,
                List.of(new Violation(index, null, withPosition(message, where))));
    }

    /**
     * The result of a body Jackson refused (syntax, invalid UTF-8, a duplicate key, a constraint such
     * as nesting depth): one violation at the event being read, with Jackson's message and position.
     */
    DecodeResult malformed(JsonProcessingException e, JsonParser parser) {
        JsonLocation location = e.getLocation();
        if (location == null && parser != null) {
            location = parser.currentLocation(); // StreamConstraintsException carries none
        }
        String where = location == null || location.getLineNr() < 1
                ? "" : "line " + location.getLineNr() + ", column " + location.getColumnNr();
        int index = outsideArray ? Violation.WHOLE_BODY : position;
        String message = Messages.parserMessage(e);
        String duplicate = message.startsWith("Duplicate field '") && parser != null ? keyPath(parser) : null;
        if (duplicate != null) {
            return new DecodeResult.Rejected("batch rejected: duplicate key " + Messages.quote(duplicate) + " in event " + index,
                    List.of(new Violation(index, duplicate, withPosition(Messages.DUPLICATE_KEY, where))));
        }
        return new DecodeResult.Rejected(where.isEmpty() ? "malformed JSON: " + message : "malformed JSON at " + where + ": " + message,
                List.of(new Violation(index, null, withPosition(message, where))));
    }

    /** The result of a body that could not be read as text at all (e.g. an unsupported UTF-32 byte order). */
    DecodeResult unreadable(IOException e) {
        String message = Messages.excerpt(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 160);
        return new DecodeResult.Rejected("unreadable body: " + message,
                List.of(new Violation(outsideArray ? Violation.WHOLE_BODY : position, null, message)));
    }

    private void readArrayBody(JsonParser parser) throws IOException {
        outsideArray = true;
        JsonToken token = parser.nextToken();
        if (token == null) {
            return; // an empty body is an empty batch
        }
        if (token != JsonToken.START_ARRAY) {
            log.body(Messages.NOT_AN_ARRAY_BODY);
            return;
        }
        outsideArray = false;
        for (token = parser.nextToken(); token != JsonToken.END_ARRAY && token != null; token = parser.nextToken()) {
            if (position == maxEvents) {
                tooManyEvents = true;
                return;
            }
            readElement(parser, token);
        }
        outsideArray = true;
        if (parser.nextToken() != null) {
            log.body(Messages.TRAILING_CONTENT);
        }
    }

    private void readElement(JsonParser parser, JsonToken token) throws IOException {
        log.startEvent(position);
        if (token == JsonToken.START_OBJECT) {
            readEvent(parser);
        } else {
            skipValue(parser, token);
            log.element(Messages.NOT_AN_EVENT);
            eventInvalid();
        }
        position++;
    }

    private void readEvent(JsonParser parser) throws IOException {
        top.reset();
        int record = top.add(RawRecords.OBJECT);
        ObjectShape shape = top.shape();
        undeclared.enter();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            int fieldId = shape.fieldId(name);
            if (fieldId < 0) {
                checkUndeclared(parser, name);
                skipValue(parser, parser.nextToken()); // undeclared fields are ignored
                continue;
            }
            int at = top.at(record, fieldId);
            if (top.kind(at) != RawRecords.MISSING) {
                throw duplicateKey(parser, name);
            }
            JsonToken token = parser.nextToken();
            if (fieldId == Layout.TYPE_FIELD && token == JsonToken.VALUE_STRING) {
                readType(parser, at);
            } else {
                readValue(parser, token, top, record, fieldId);
            }
        }
        undeclared.leave();
        finishEvent(record);
    }

    /** Resolves the type name straight from the parser's buffer: no String per event. */
    private void readType(JsonParser parser, int at) throws IOException {
        char[] chars = parser.getTextCharacters();
        int offset = parser.getTextOffset();
        int length = parser.getTextLength();
        int typeId = layout.typeId(chars, offset, length);
        top.setLong(at, RawRecords.STRING, typeId);
        if (typeId < 0) {
            top.setString(at, new String(chars, offset, Math.min(length, Messages.MAX_EXCERPT + 1)));
        }
    }

    private void readFields(JsonParser parser, RawRecords records, int record) throws IOException {
        ObjectShape shape = records.shape();
        undeclared.enter();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            int fieldId = shape.fieldId(name);
            if (fieldId < 0) {
                checkUndeclared(parser, name);
                skipValue(parser, parser.nextToken());
            } else if (records.kind(records.at(record, fieldId)) != RawRecords.MISSING) {
                throw duplicateKey(parser, name);
            } else {
                readValue(parser, parser.nextToken(), records, record, fieldId);
            }
        }
        undeclared.leave();
    }

    /**
     * Skips a value nobody reads, still refusing duplicate keys in the objects it holds, as the
     * contract makes a duplicate key invalid wherever it is. Recursion is bounded by Jackson's
     * nesting limit.
     */
    private void skipValue(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            undeclared.enter();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                checkUndeclared(parser, name);
                skipValue(parser, parser.nextToken());
            }
            undeclared.leave();
        } else if (token == JsonToken.START_ARRAY) {
            for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY && item != null; item = parser.nextToken()) {
                skipValue(parser, item);
            }
        }
    }

    private void checkUndeclared(JsonParser parser, String name) throws JsonParseException {
        if (!undeclared.add(name)) {
            throw duplicateKey(parser, name);
        }
    }

    /** Jackson's own words for a duplicate key, so that {@link #malformed} reports it the same way. */
    private static JsonParseException duplicateKey(JsonParser parser, String name) {
        return new JsonParseException(parser, "Duplicate field '" + name + "'", parser.currentTokenLocation());
    }

    /** The line of the current token (Jackson counts from 1); cheap on Jackson's own parsers. */
    private static int tokenLine(JsonParser parser) {
        return parser instanceof ParserBase base ? base.getTokenLineNr() : parser.currentTokenLocation().getLineNr();
    }

    private void readValue(JsonParser parser, JsonToken token, RawRecords records, int record, int fieldId) throws IOException {
        int at = records.at(record, fieldId);
        switch (token) {
            case VALUE_STRING -> records.setString(at, parser.getText());
            case VALUE_NUMBER_INT -> {
                // Checking the type first: getLongValue() would throw for an integer beyond a long.
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    records.setDouble(at, RawRecords.BIG_INTEGER, parser.getDoubleValue());
                } else {
                    records.setLong(at, RawRecords.INTEGER, parser.getLongValue());
                }
            }
            case VALUE_NUMBER_FLOAT -> records.setDouble(at, RawRecords.FLOAT, parser.getDoubleValue());
            case VALUE_TRUE, VALUE_FALSE -> records.setKind(at, RawRecords.BOOLEAN);
            case VALUE_NULL -> records.setKind(at, RawRecords.NULL);
            case START_ARRAY -> readItems(parser, records, at, fieldId);
            default -> {
                records.setKind(at, RawRecords.OBJECT); // START_OBJECT: no other token starts a value
                skipValue(parser, token);
            }
        }
    }

    private void readItems(JsonParser parser, RawRecords records, int at, int fieldId) throws IOException {
        RawRecords items = records.items(fieldId);
        if (items == null) {
            records.setItems(at, 0, 0); // no type declares an array here: a wrong type whatever it holds
            skipValue(parser, JsonToken.START_ARRAY);
            return;
        }
        int start = items.size();
        int count = 0;
        boolean tooMany = false;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY && token != null; token = parser.nextToken()) {
            if (count == EventDecoder.MAX_ARRAY_ITEMS) {
                tooMany = true; // keep scratch memory bounded whatever a body holds
                skipValue(parser, token);
            } else if (token == JsonToken.START_OBJECT) {
                readFields(parser, items, items.add(RawRecords.OBJECT));
                count++;
            } else {
                items.add(token == JsonToken.START_ARRAY ? RawRecords.ARRAY : RawRecords.NULL); // only "not an object" matters
                skipValue(parser, token);
                count++;
            }
        }
        if (tooMany) {
            records.setKind(at, RawRecords.LONG_ARRAY);
        } else {
            records.setItems(at, start, count);
        }
    }

    private void finishEvent(int record) {
        boolean valid = true;
        SchemaBinding binding = null;
        int typeAt = top.at(record, Layout.TYPE_FIELD);
        byte typeKind = top.kind(typeAt);
        if (typeKind == RawRecords.MISSING || typeKind == RawRecords.NULL) {
            log.field(Layout.TYPE, Messages.REQUIRED);
            valid = false;
        } else if (typeKind != RawRecords.STRING) {
            log.field(Layout.TYPE, Messages.MUST_BE_STRING);
            valid = false;
        } else if (top.longValue(typeAt) < 0) {
            log.field(Layout.TYPE, Messages.unknownType(top.string(typeAt), layout.knownTypes()));
            valid = false;
        } else {
            binding = layout.binding((int) top.longValue(typeAt));
        }

        long timeMillis = nowMillis;
        int timeAt = top.at(record, Layout.TIME_FIELD);
        byte timeKind = top.kind(timeAt);
        if (timeKind == RawRecords.INTEGER && top.longValue(timeAt) >= 0) {
            timeMillis = top.longValue(timeAt);
            if (timeMillis - nowMillis > maxFutureSkewMillis) { // both >= 0: no overflow
                log.field(Layout.TIME, Messages.inTheFuture(timeMillis - nowMillis, maxFutureSkewMillis));
                valid = false;
            }
        } else if (timeKind == RawRecords.BIG_INTEGER && top.doubleValue(timeAt) > 0) {
            log.field(Layout.TIME, Messages.tooFarInTheFuture(maxFutureSkewMillis));
            valid = false;
        } else if (timeKind != RawRecords.MISSING && timeKind != RawRecords.NULL) {
            log.field(Layout.TIME, Messages.BAD_TIME);
            valid = false;
        }

        valid &= checkBatchId(record);

        if (binding != null) {
            Event event = binding.bind(top, record, timeMillis, log);
            valid &= event != null;
            if (valid && !log.batchInvalid()) {
                events.add(event);
            }
        }
        if (!valid) {
            eventInvalid();
        }
    }

    /**
     * {@code batch_id}: optional; a string of 1 to 255 visible ASCII characters, carried by every
     * event of a batch with the same value, or by none. Null is absent, as for {@code time}.
     */
    private boolean checkBatchId(int record) {
        int at = top.at(record, Layout.BATCH_ID_FIELD);
        byte kind = top.kind(at);
        boolean carried = kind != RawRecords.MISSING && kind != RawRecords.NULL;
        String value = kind == RawRecords.STRING ? top.string(at) : null;
        boolean valid = true;
        if (carried && (value == null || !IdempotencyCache.isValidKey(value))) {
            log.field(Layout.BATCH_ID, Messages.BAD_BATCH_ID);
            valid = false;
            value = null;
        }
        if (!batchIdDecided) {
            batchIdDecided = true;
            batchIdCarried = carried;
            batchId = value;
        } else if (carried != batchIdCarried) {
            log.field(Layout.BATCH_ID, carried ? Messages.BATCH_ID_NOT_ON_FIRST : Messages.batchIdMissing(batchId));
            valid = false;
        } else if (value != null && batchId != null && !value.equals(batchId)) {
            log.field(Layout.BATCH_ID, Messages.batchIdDiffers(batchId));
            valid = false;
        }
        return valid;
    }

    private void eventInvalid() {
        log.eventInvalid();
        events.clear(); // the batch is rejected: let the events go early
    }

    private static String withPosition(String message, String where) {
        return where.isEmpty() ? message : message + " (" + where + ")";
    }

    /** The path of the key being read, in violation form ({@code writes[0].workspace}), from Jackson's contexts. */
    private String keyPath(JsonParser parser) {
        List<JsonStreamContext> contexts = new ArrayList<>();
        for (JsonStreamContext context = parser.getParsingContext(); context != null && !context.inRoot(); context = context.getParent()) {
            contexts.add(context);
        }
        int outermost = contexts.size() - (format == BodyFormat.JSON_ARRAY ? 2 : 1); // skip the body's array
        StringBuilder path = new StringBuilder();
        for (int i = outermost; i >= 0; i--) {
            JsonStreamContext context = contexts.get(i);
            if (context.inObject()) {
                String name = context.getCurrentName();
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(name == null ? "?" : name);
            } else {
                path.append('[').append(context.getCurrentIndex()).append(']');
            }
        }
        return path.length() == 0 ? null : Messages.excerpt(path.toString(), 100);
    }
}
