package dev.metricsgateway.ingest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An independent judge of request bodies for the fuzz tests: its own JSON parser (RFC 8259 over
 * RFC 3629 UTF-8, written from the RFCs, not from Jackson) and the contract's rules for the
 * default catalog's five event types, written from the README and {@code tecton.yaml} rather than
 * from the decoder's code. It shares no code with {@link EventDecoder} beyond {@link BodyFormat}.
 *
 * <p>Where the gateway deliberately bounds what JSON allows, the oracle applies the same bound:
 * nesting depth 64, at most 10,000 items in an array field, and the limits of the JSON library
 * (numbers of at most 1,000 digits, keys of at most 50,000 characters).
 *
 * <p>It is strict where Jackson, the decoder's parser, is lenient, so that a decoder relying on
 * Jackson alone fails the fuzz test: UTF-8 is RFC 3629's (no overlong forms, no surrogates, nothing
 * above U+10FFFF, no 0xFF bytes anywhere, no UTF-16 or UTF-32 body), and NDJSON has one value per
 * line (two root values need a line break between them). A UTF-8 byte order mark at the start is
 * ignored, as RFC 8259 allows.
 *
 * <p>Stateless; {@link #judge} may be called from any thread.
 */
public final class FuzzOracle {

    /** Deepest nesting of arrays and objects a body may have (the decoder's documented bound). */
    public static final int MAX_DEPTH = 64;
    /** Most items in an array field. */
    public static final int MAX_ARRAY_ITEMS = 10_000;
    /** Most digits a number may have (Jackson's {@code maxNumberLength}). */
    public static final int MAX_NUMBER_DIGITS = 1000;
    /** Longest key, in UTF-16 units (Jackson's {@code maxNameLength}). */
    public static final int MAX_KEY_LENGTH = 50_000;
    /** Longest label value, in code points. */
    public static final int MAX_LABEL_CODE_POINTS = 128;
    private static final BigInteger MAX_EXACT_INTEGER = BigInteger.ONE.shiftLeft(53);

    /** Kinds of declared fields. */
    enum Kind { LABEL, NUMBER, INTEGER, EPOCH_MILLIS, ARRAY }

    /** A declared field: name, kind, bounds, whether it may be absent, item fields of an array. */
    record Field(String name, Kind kind, double min, double max, boolean optional, List<Field> items) {
        static Field label(String name) {
            return new Field(name, Kind.LABEL, 0, 0, false, List.of());
        }

        static Field number(String name, double min, double max) {
            return new Field(name, Kind.NUMBER, min, max, false, List.of());
        }

        static Field integer(String name, double min, double max) {
            return new Field(name, Kind.INTEGER, min, max, false, List.of());
        }

        static Field epochMillis(String name, boolean optional) {
            return new Field(name, Kind.EPOCH_MILLIS, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, optional, List.of());
        }
    }

    private static final double INF = Double.POSITIVE_INFINITY;

    /** The default catalog's event types, as the README's catalog section and tecton.yaml declare them. */
    static final Map<String, List<Field>> EVENT_TYPES = eventTypes();

    private static Map<String, List<Field>> eventTypes() {
        Map<String, List<Field>> types = new LinkedHashMap<>();
        types.put("feature_request", List.of(Field.label("aws_region"), Field.label("feature_service_id"), Field.label("feature_service_name"),
                Field.number("latency_seconds", 0, INF), Field.integer("status", 100, 599)));
        types.put("server_utilization", List.of(Field.label("aws_region"), Field.label("instance"), Field.number("utilization_percent", 0, 100)));
        types.put("stream_batch", List.of(Field.label("workspace"), Field.label("feature_view_name"), Field.label("feature_view_id"),
                Field.integer("input_rows", 0, INF), Field.integer("processed_rows", 0, INF), Field.integer("online_store_rows", 0, INF),
                Field.epochMillis("min_event_time", false), Field.epochMillis("avg_event_time", false), Field.epochMillis("max_event_time", true)));
        types.put("served_feature", List.of(Field.label("workspace"), Field.label("feature_view_name"), Field.label("feature_view_id"),
                Field.epochMillis("feature_time", false)));
        types.put("ingest_request", List.of(Field.label("aws_region"), Field.number("latency_seconds", 0, INF), Field.integer("status", 100, 599),
                new Field("writes", Kind.ARRAY, 0, 0, true, List.of(Field.label("workspace"), Field.label("feature_view_name"),
                        Field.label("feature_view_id"), Field.integer("online_rows", 0, INF), Field.integer("offline_rows", 0, INF)))));
        return Map.copyOf(types);
    }

    /**
     * What the oracle expects of one event: its type, its time, and each declared field's value
     * ({@code String} for labels, {@code Double} for numbers, NaN when an optional one is absent,
     * {@code List<Map<String, Object>>} for the items of an array field).
     */
    public record ExpectedEvent(String type, long timeMillis, Map<String, Object> values) {
    }

    /**
     * The judgement of one body.
     *
     * @param valid  whether the contract accepts the body: every event valid
     * @param events the expected events when valid
     * @param reason why the body is invalid (the first problem found), for failure messages
     */
    public record Verdict(boolean valid, List<ExpectedEvent> events, String reason) {
    }

    private FuzzOracle() {
    }

    /** Judges {@code body} sent as {@code format} at {@code nowMillis}. */
    public static Verdict judge(byte[] body, BodyFormat format, long nowMillis, long maxFutureSkewMillis) {
        if (body.length >= 2 && (body[0] == 0 || body[1] == 0
                || (body[0] & 0xff) == 0xfe && (body[1] & 0xff) == 0xff || (body[0] & 0xff) == 0xff && (body[1] & 0xff) == 0xfe)) {
            return new Verdict(false, List.of(), "not UTF-8 (looks like UTF-16 or UTF-32)");
        }
        List<Node> roots;
        try {
            roots = new Parser(body, format).body();
        } catch (Invalid e) {
            return new Verdict(false, List.of(), e.getMessage());
        }
        List<ExpectedEvent> events = new ArrayList<>();
        for (int i = 0; i < roots.size(); i++) {
            try {
                events.add(event(roots.get(i), nowMillis, maxFutureSkewMillis));
            } catch (Invalid e) {
                return new Verdict(false, List.of(), "event " + i + ": " + e.getMessage());
            }
        }
        return new Verdict(true, events, null);
    }

    // ---------------------------------------------------------------- the contract's rules

    private static ExpectedEvent event(Node node, long nowMillis, long maxFutureSkewMillis) throws Invalid {
        if (!(node instanceof ObjectNode object)) {
            throw new Invalid("not an object");
        }
        Node type = object.members.get("type");
        if (type == null || type instanceof LiteralNode literal && literal.text.equals("null")) {
            throw new Invalid("type: required");
        }
        if (!(type instanceof StringNode typeName)) {
            throw new Invalid("type: must be a string");
        }
        List<Field> fields = EVENT_TYPES.get(typeName.text);
        if (fields == null) {
            throw new Invalid("type: unknown");
        }
        long timeMillis = nowMillis;
        Node time = object.members.get("time");
        if (time != null && !isNull(time)) {
            if (!(time instanceof NumberNode number) || !number.isInteger()) {
                throw new Invalid("time: must be a non-negative integer");
            }
            BigInteger value = number.bigInteger();
            if (value.signum() < 0) {
                throw new Invalid("time: must be a non-negative integer");
            }
            if (value.compareTo(BigInteger.valueOf(nowMillis).add(BigInteger.valueOf(maxFutureSkewMillis))) > 0) {
                throw new Invalid("time: too far in the future");
            }
            timeMillis = value.longValueExact();
        }
        return new ExpectedEvent(typeName.text, timeMillis, values(object, fields));
    }

    private static Map<String, Object> values(ObjectNode object, List<Field> fields) throws Invalid {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Field field : fields) {
            Node node = object.members.get(field.name());
            if (node == null || isNull(node)) {
                if (!field.optional()) {
                    throw new Invalid(field.name() + ": required");
                }
                values.put(field.name(), field.kind() == Kind.ARRAY ? List.of() : field.kind() == Kind.LABEL ? "" : Double.NaN);
                continue;
            }
            values.put(field.name(), value(field, node));
        }
        return values;
    }

    private static Object value(Field field, Node node) throws Invalid {
        switch (field.kind()) {
            case LABEL -> {
                if (!(node instanceof StringNode string)) {
                    throw new Invalid(field.name() + ": must be a string");
                }
                checkLabel(field.name(), string.text);
                return string.text;
            }
            case NUMBER -> {
                if (!(node instanceof NumberNode number)) {
                    throw new Invalid(field.name() + ": must be a number");
                }
                double value = Double.parseDouble(number.text); // correctly rounded, as the contract's doubles are
                if (!Double.isFinite(value)) {
                    throw new Invalid(field.name() + ": must be finite");
                }
                if (value < field.min() || value > field.max()) {
                    throw new Invalid(field.name() + ": out of range");
                }
                return value + 0.0;
            }
            case INTEGER, EPOCH_MILLIS -> {
                if (!(node instanceof NumberNode number) || !number.isInteger()) {
                    throw new Invalid(field.name() + ": must be an integer");
                }
                BigInteger value = number.bigInteger();
                if (value.abs().compareTo(MAX_EXACT_INTEGER) > 0) {
                    throw new Invalid(field.name() + ": beyond 2^53");
                }
                double exact = value.doubleValue();
                if (exact < field.min() || exact > field.max()) {
                    throw new Invalid(field.name() + ": out of range");
                }
                return exact + 0.0;
            }
            case ARRAY -> {
                if (!(node instanceof ArrayNode array)) {
                    throw new Invalid(field.name() + ": must be an array");
                }
                if (array.items.size() > MAX_ARRAY_ITEMS) {
                    throw new Invalid(field.name() + ": too many items");
                }
                List<Map<String, Object>> items = new ArrayList<>();
                for (Node item : array.items) {
                    if (!(item instanceof ObjectNode object)) {
                        throw new Invalid(field.name() + ": item must be an object");
                    }
                    items.add(values(object, field.items()));
                }
                return items;
            }
            default -> throw new IllegalStateException(field.kind().toString());
        }
    }

    /** A label is 1 to 128 code points of well-formed UTF-16. */
    private static void checkLabel(String name, String text) throws Invalid {
        if (text.isEmpty()) {
            throw new Invalid(name + ": empty label");
        }
        int codePoints = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new Invalid(name + ": unpaired surrogate");
            }
            codePoints++;
        }
        if (codePoints > MAX_LABEL_CODE_POINTS) {
            throw new Invalid(name + ": label longer than 128 code points");
        }
    }

    private static boolean isNull(Node node) {
        return node instanceof LiteralNode literal && literal.text.equals("null");
    }

    // ---------------------------------------------------------------- JSON

    /** A parsed value. Objects keep their first value per key (a duplicate key is invalid anyway). */
    private sealed interface Node permits ObjectNode, ArrayNode, StringNode, NumberNode, LiteralNode {
    }

    private record ObjectNode(Map<String, Node> members) implements Node {
    }

    private record ArrayNode(List<Node> items) implements Node {
    }

    private record StringNode(String text) implements Node {
    }

    private record NumberNode(String text) implements Node {
        boolean isInteger() {
            return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
        }

        BigInteger bigInteger() {
            return new BigInteger(text);
        }
    }

    private record LiteralNode(String text) implements Node {
    }

    /** The body breaks a rule; the message says which. */
    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Recursive descent over the bytes; depth is bounded by {@link #MAX_DEPTH}, so the stack is too. */
    private static final class Parser {
        private final byte[] in;
        private final BodyFormat format;
        private int at;
        private int depth;

        Parser(byte[] in, BodyFormat format) {
            this.in = in;
            this.format = format;
            // RFC 8259 section 8.1: a parser MAY ignore a byte order mark at the start.
            if (in.length >= 3 && (in[0] & 0xff) == 0xef && (in[1] & 0xff) == 0xbb && (in[2] & 0xff) == 0xbf) {
                at = 3;
            }
        }

        /** The body's elements: NDJSON root values, or the items of the one array. */
        List<Node> body() throws Invalid {
            List<Node> elements = new ArrayList<>();
            if (format == BodyFormat.NDJSON) {
                // One value per line: a line feed (or a carriage return, which Jackson also counts
                // as a line break) must stand between two root values.
                boolean newLine = true;
                for (skipWhitespace(); at < in.length; ) {
                    if (!newLine) {
                        throw new Invalid(in[at - 1] == '}' || in[at - 1] == ']' || in[at - 1] == '"'
                                ? "two root values on one line at " + at : "a root-level value must be followed by whitespace at " + at);
                    }
                    elements.add(value());
                    int before = at;
                    skipWhitespace();
                    newLine = false;
                    for (int i = before; i < at; i++) {
                        newLine |= in[i] == '\n' || in[i] == '\r';
                    }
                }
                return elements;
            }
            skipWhitespace();
            if (at == in.length) {
                return elements; // an empty body is an empty batch
            }
            if (in[at] != '[') {
                throw new Invalid("body is not an array");
            }
            Node array = value();
            skipWhitespace();
            if (at != in.length) {
                throw new Invalid("content after the array");
            }
            return ((ArrayNode) array).items;
        }

        private Node value() throws Invalid {
            if (at >= in.length) {
                throw new Invalid("unexpected end of body");
            }
            int c = in[at] & 0xff;
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> new StringNode(string());
                case 't' -> literal("true");
                case 'f' -> literal("false");
                case 'n' -> literal("null");
                default -> {
                    if (c == '-' || c >= '0' && c <= '9') {
                        yield number();
                    }
                    throw new Invalid("unexpected byte 0x" + Integer.toHexString(c) + " at " + at);
                }
            };
        }

        private Node object() throws Invalid {
            enter();
            at++;
            Map<String, Node> members = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                at++;
                depth--;
                return new ObjectNode(members);
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw new Invalid("expected a key at " + at);
                }
                String key = string();
                if (key.length() > MAX_KEY_LENGTH) {
                    throw new Invalid("key longer than " + MAX_KEY_LENGTH);
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Node value = value();
                if (members.putIfAbsent(key, value) != null) {
                    throw new Invalid("duplicate key");
                }
                skipWhitespace();
                int c = next();
                if (c == '}') {
                    depth--;
                    return new ObjectNode(members);
                }
                if (c != ',') {
                    throw new Invalid("expected , or } at " + (at - 1));
                }
            }
        }

        private Node array() throws Invalid {
            enter();
            at++;
            List<Node> items = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                at++;
                depth--;
                return new ArrayNode(items);
            }
            while (true) {
                skipWhitespace();
                items.add(value());
                skipWhitespace();
                int c = next();
                if (c == ']') {
                    depth--;
                    return new ArrayNode(items);
                }
                if (c != ',') {
                    throw new Invalid("expected , or ] at " + (at - 1));
                }
            }
        }

        private void enter() throws Invalid {
            if (++depth > MAX_DEPTH) {
                throw new Invalid("nesting deeper than " + MAX_DEPTH);
            }
        }

        private Node literal(String word) throws Invalid {
            for (int i = 0; i < word.length(); i++) {
                if (at + i >= in.length || in[at + i] != word.charAt(i)) {
                    throw new Invalid("bad literal at " + at);
                }
            }
            at += word.length();
            return new LiteralNode(word);
        }

        /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
        private Node number() throws Invalid {
            int start = at;
            int digits = 0;
            if (peek() == '-') {
                at++;
            }
            if (peek() == '0') {
                at++;
                digits++;
            } else if (isDigit(peek())) {
                while (isDigit(peek())) {
                    at++;
                    digits++;
                }
            } else {
                throw new Invalid("bad number at " + start);
            }
            if (peek() == '.') {
                at++;
                if (!isDigit(peek())) {
                    throw new Invalid("bad fraction at " + start);
                }
                while (isDigit(peek())) {
                    at++;
                    digits++;
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                at++;
                if (peek() == '+' || peek() == '-') {
                    at++;
                }
                if (!isDigit(peek())) {
                    throw new Invalid("bad exponent at " + start);
                }
                while (isDigit(peek())) {
                    at++;
                    digits++;
                }
            }
            if (digits > MAX_NUMBER_DIGITS) {
                throw new Invalid("number of more than " + MAX_NUMBER_DIGITS + " digits");
            }
            return new NumberNode(new String(in, start, at - start, java.nio.charset.StandardCharsets.US_ASCII));
        }

        private String string() throws Invalid {
            at++; // the opening quote
            StringBuilder text = new StringBuilder();
            while (true) {
                if (at >= in.length) {
                    throw new Invalid("unterminated string");
                }
                int c = in[at] & 0xff;
                if (c == '"') {
                    at++;
                    return text.toString();
                }
                if (c == '\\') {
                    escape(text);
                } else if (c < 0x20) {
                    throw new Invalid("control character in a string at " + at);
                } else if (c < 0x80) {
                    text.append((char) c);
                    at++;
                } else {
                    utf8(text);
                }
            }
        }

        private void escape(StringBuilder text) throws Invalid {
            at++;
            int c = next();
            switch (c) {
                case '"' -> text.append('"');
                case '\\' -> text.append('\\');
                case '/' -> text.append('/');
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    int value = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(next(), 16);
                        if (digit < 0) {
                            throw new Invalid("bad \\u escape at " + at);
                        }
                        value = value * 16 + digit;
                    }
                    text.append((char) value); // JSON escapes UTF-16 units: a lone surrogate is valid JSON
                }
                default -> throw new Invalid("bad escape at " + at);
            }
        }

        /**
         * One multi-byte UTF-8 sequence (RFC 3629). Overlong forms, surrogates and 4-byte sequences
         * beyond U+10FFFF are invalid.
         */
        private void utf8(StringBuilder text) throws Invalid {
            int lead = in[at] & 0xff;
            int length;
            int value;
            if (lead >= 0xc0 && lead <= 0xdf) {
                length = 2;
                value = lead & 0x1f;
            } else if (lead >= 0xe0 && lead <= 0xef) {
                length = 3;
                value = lead & 0x0f;
            } else if (lead >= 0xf0 && lead <= 0xf7) {
                length = 4;
                value = lead & 0x07;
            } else {
                throw new Invalid("invalid UTF-8 lead byte at " + at);
            }
            for (int i = 1; i < length; i++) {
                if (at + i >= in.length || (in[at + i] & 0xc0) != 0x80) {
                    throw new Invalid("invalid UTF-8 continuation at " + (at + i));
                }
                value = value << 6 | in[at + i] & 0x3f;
            }
            at += length;
            int shortest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
            if (value < shortest) {
                throw new Invalid("overlong UTF-8 sequence");
            }
            if (length == 3 && value >= 0xd800 && value <= 0xdfff) {
                throw new Invalid("UTF-8 encoded surrogate");
            }
            if (value > 0x10ffff) {
                throw new Invalid("UTF-8 sequence above U+10FFFF");
            }
            text.appendCodePoint(value);
        }

        private void skipWhitespace() {
            while (at < in.length && (in[at] == ' ' || in[at] == '\t' || in[at] == '\n' || in[at] == '\r')) {
                at++;
            }
        }

        private int peek() {
            return at < in.length ? in[at] & 0xff : -1;
        }

        private int next() throws Invalid {
            if (at >= in.length) {
                throw new Invalid("unexpected end of body");
            }
            return in[at++] & 0xff;
        }

        private void expect(char c) throws Invalid {
            if (next() != c) {
                throw new Invalid("expected " + c + " at " + (at - 1));
            }
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }
    }

    /** For failure messages: the expected events, short. */
    static String describe(List<ExpectedEvent> events) {
        Set<String> types = new HashSet<>();
        events.forEach(event -> types.add(event.type()));
        return events.size() + " events of " + types;
    }
}
