package dev.metricsgateway.ingest;

import dev.metricsgateway.ingest.FuzzJson.Arr;
import dev.metricsgateway.ingest.FuzzJson.Entry;
import dev.metricsgateway.ingest.FuzzJson.Obj;
import dev.metricsgateway.ingest.FuzzJson.Raw;
import dev.metricsgateway.ingest.FuzzJson.RawStr;
import dev.metricsgateway.ingest.FuzzJson.Str;
import dev.metricsgateway.ingest.FuzzJson.Style;
import dev.metricsgateway.ingest.FuzzJson.Token;
import dev.metricsgateway.ingest.FuzzJson.Value;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Request bodies for the fuzz tests, each a pure function of {@code (seed, index)}, so any failing
 * input is reproduced by its index alone. A mix of:
 * <ul>
 *   <li>valid batches of all five event types (random values, key orders, optional fields,
 *       whitespace, escapes, undeclared fields), in both body formats;
 *   <li>the same batches with one to three structural mutations: a field's value replaced by a
 *       hostile one (1e400, 2^64, 400- and 1001-digit integers, {@code NaN}/{@code Infinity}
 *       literals, {@code 5.0} for an integer, wrong JSON types, labels of 0 or 129 code points,
 *       unpaired surrogates), a field removed, a key duplicated, nesting 65 or 1000 levels deep,
 *       very long strings and keys, an unknown type, a time too far ahead, too many items;
 *   <li>invalid UTF-8 inside strings (overlong forms, encoded surrogates, stray continuation bytes,
 *       sequences cut short, code points above U+10FFFF), bodies in UTF-16/UTF-32;
 *   <li>byte-level mutations (flips, insertions, deletions, duplicated slices) and truncations of
 *       valid batches, and random bytes.
 * </ul>
 * Label values come from small pools (with a {@link Profile#randomLabelChance} of a fresh one),
 * so a long HTTP run does not grow the series set without bound.
 *
 * <p>Stateless; each call works on its own {@link SplittableRandom}.
 */
public final class FuzzInputs {

    /** Seed of the CI runs when {@code -Dfuzz.seed} is not given. */
    public static final long DEFAULT_SEED = 20261122L;

    /** One body: how it was made (for statistics), how it is framed, its bytes. */
    public record Input(String kind, BodyFormat format, byte[] body) {
    }

    /** Knobs that differ between the decoder run and the HTTP run. */
    public record Profile(double randomLabelChance, double trickyLabelChance, double bigChance) {
        /** Decoder: any label, big inputs now and then. */
        public static final Profile DECODER = new Profile(0.05, 0.03, 0.0015);
        /** HTTP: labels from the pools nearly always, so the series set and the scrape stay small. */
        public static final Profile HTTP = new Profile(0.0002, 0.01, 0.002);
    }

    private static final String[] REGIONS = {"us-west-2", "eu-west-1", "ap-south-1"};
    private static final String[] IDS = {"fs-1", "fs-2", "fv-1", "fv-2"};
    private static final String[] NAMES = {"fraud_detection", "recs", "user_txn"};
    /** Valid labels that stress the exposition: escapes, controls, non-ASCII, exactly 128 code points. */
    private static final String[] TRICKY_LABELS = {
        "fraud \"v2\"\\ tab\tcomma, brace} eq= ünïcødé ✓\nline",
        "😀".repeat(128),
        "é".repeat(128),
        "x".repeat(128),
        "a",
        "nul\u0000byte",
        "\u0001\u001f\u007f",
        "line\u2028sep\u2029",
        "\uFEFFbom",
        "# HELP not a comment",
        "{a=\"b\"}",
        "\r\n",
    };
    private static final String[] TYPES = {"feature_request", "server_utilization", "stream_batch", "served_feature", "ingest_request"};
    private static final String[] HOSTILE_NUMBERS = {
        "1e400", "-1e400", "1e-400", "-1e-400", "1.7976931348623157e308", "1.8e308", "4.9e-324",
        "18446744073709551616", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "9007199254740992", "9007199254740993", "-9007199254740992", "-9007199254740993",
        "-0", "0.0", "-0.0", "5.0", "1E2", "1e+2", "1.5", "99", "100", "599", "600", "-1", "0",
        "100.00000000000000001", "99.999999999999999999", "1e2", "0e0", "2e-1"};
    /** Not JSON at all, placed where a value stands. */
    private static final String[] NON_JSON_TOKENS = {
        "NaN", "Infinity", "-Infinity", "+Infinity", "nan", "inf", "+1", "01", "-01", "1.", ".5", "0x10", "1_000",
        "1e", "-", "--1", "tru", "nulll", "None", "undefined", "'x'", "\"unterminated"};
    private static final String[][] INVALID_UTF8 = {
        {"c0", "80"}, {"c1", "bf"}, {"e0", "80", "80"}, {"e0", "9f", "bf"}, {"f0", "80", "80", "80"}, {"f0", "8f", "bf", "bf"}, // overlong
        {"ed", "a0", "80"}, {"ed", "bf", "bf"}, {"ed", "a0", "80", "ed", "b0", "80"}, // encoded surrogates (CESU-8)
        {"f4", "90", "80", "80"}, {"f5", "80", "80", "80"}, {"f7", "bf", "bf", "bf"}, {"f8", "88", "80", "80", "80"}, // above U+10FFFF
        {"80"}, {"bf"}, {"c3"}, {"e2", "82"}, {"f0", "9f", "98"}, {"fe"}, {"ff"}, {"c3", "28"}, {"e2", "28", "a1"}, // stray, cut short
    };

    private final SplittableRandom random;
    private final long nowMillis;
    private final Profile profile;

    private FuzzInputs(SplittableRandom random, long nowMillis, Profile profile) {
        this.random = random;
        this.nowMillis = nowMillis;
        this.profile = profile;
    }

    /** Input {@code index} of the run seeded {@code seed}; events are dated around {@code nowMillis}. */
    public static Input input(long seed, long index, long nowMillis, Profile profile) {
        // SplittableRandom's own mixing turns neighbouring seeds into unrelated streams.
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        return new FuzzInputs(random, nowMillis, profile).next();
    }

    /** {@code -Dfuzz.seed}, else {@link #DEFAULT_SEED}. */
    public static long seed() {
        return Long.getLong("fuzz.seed", DEFAULT_SEED);
    }

    /** {@code -Dfuzz.count}, else {@code ciCount}. */
    public static int count(int ciCount) {
        return Integer.getInteger("fuzz.count", ciCount);
    }

    /**
     * Writes a failing input to {@code target/fuzz-failures/<run>-<seed>-<index>.ndjson} (or
     * {@code .json}), for {@code curl --data-binary @file} or a debugger. Best effort.
     */
    public static void save(String run, long seed, long index, Input input) {
        try {
            java.nio.file.Path dir = java.nio.file.Path.of("target", "fuzz-failures");
            java.nio.file.Files.createDirectories(dir);
            String name = run + "-" + seed + "-" + index + (input.format() == BodyFormat.NDJSON ? ".ndjson" : ".json");
            java.nio.file.Files.write(dir.resolve(name), input.body());
        } catch (java.io.IOException e) {
            System.err.println("could not save fuzz input " + index + ": " + e);
        }
    }

    private Input next() {
        BodyFormat format = random.nextInt(10) < 6 ? BodyFormat.NDJSON : BodyFormat.JSON_ARRAY;
        int roll = random.nextInt(1000);
        if (roll < 80) {
            return new Input("random-bytes", format, randomBytes());
        }
        if (random.nextDouble() < profile.bigChance()) {
            return big(format);
        }
        List<Value> events = events(1 + random.nextInt(random.nextInt(10) == 0 ? 60 : 8));
        String kind;
        if (roll < 230) {
            kind = "valid";
        } else if (roll < 600) {
            kind = "field-mutation";
            int mutations = 1 + random.nextInt(random.nextInt(4) == 0 ? 3 : 1);
            for (int m = 0; m < mutations; m++) {
                mutateEvent(events, random.nextInt(events.size()));
            }
        } else if (roll < 680) {
            kind = "invalid-utf8";
            injectInvalidUtf8(events);
        } else {
            kind = null;
        }
        byte[] body = batch(events, format);
        if (kind == null) {
            if (roll < 850) {
                kind = "byte-mutation";
                body = mutateBytes(body);
            } else if (roll < 950) {
                kind = "truncated";
                body = Arrays.copyOf(body, random.nextInt(body.length + 1));
            } else if (roll < 975) {
                kind = "format-swapped";
                format = format == BodyFormat.NDJSON ? BodyFormat.JSON_ARRAY : BodyFormat.NDJSON;
            } else {
                kind = "other-encoding";
                body = reencode(body);
            }
        }
        return new Input(kind, format, body);
    }

    // ---------------------------------------------------------------- valid events

    private List<Value> events(int count) {
        List<Value> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(event(TYPES[random.nextInt(TYPES.length)]));
        }
        return events;
    }

    /** A valid event of {@code type}: fields in random order, optional ones present or not, some undeclared ones. */
    Obj event(String type) {
        List<Entry> entries = new ArrayList<>();
        entries.add(entry("type", new Str(type)));
        switch (type) {
            case "feature_request" -> {
                entries.add(entry("aws_region", label(REGIONS)));
                entries.add(entry("feature_service_id", label(IDS)));
                entries.add(entry("feature_service_name", label(NAMES)));
                entries.add(entry("latency_seconds", nonNegativeNumber()));
                entries.add(entry("status", FuzzJson.number(random.nextInt(10) < 8 ? 200 : 100 + random.nextInt(500))));
            }
            case "server_utilization" -> {
                entries.add(entry("aws_region", label(REGIONS)));
                entries.add(entry("instance", label(new String[] {"i-1", "i-2", "fs-pod-7"})));
                entries.add(entry("utilization_percent", random.nextBoolean()
                        ? FuzzJson.number(random.nextInt(101)) : FuzzJson.number(random.nextDouble() * 100)));
            }
            case "stream_batch" -> {
                viewLabels(entries);
                entries.add(entry("input_rows", count()));
                entries.add(entry("processed_rows", count()));
                entries.add(entry("online_store_rows", count()));
                entries.add(entry("min_event_time", epochMillis()));
                entries.add(entry("avg_event_time", epochMillis()));
                if (random.nextBoolean()) {
                    entries.add(entry("max_event_time", random.nextInt(5) == 0 ? new Token("null") : epochMillis()));
                }
            }
            case "served_feature" -> {
                viewLabels(entries);
                entries.add(entry("feature_time", epochMillis()));
            }
            default -> {
                entries.add(entry("aws_region", label(REGIONS)));
                entries.add(entry("latency_seconds", nonNegativeNumber()));
                entries.add(entry("status", FuzzJson.number(100 + random.nextInt(500))));
                int writes = random.nextInt(4);
                if (writes > 0 || random.nextBoolean()) {
                    List<Value> items = new ArrayList<>();
                    for (int i = 0; i < writes; i++) {
                        items.add(write());
                    }
                    entries.add(entry("writes", random.nextInt(8) == 0 ? new Token("null") : new Arr(items)));
                }
            }
        }
        int time = random.nextInt(20);
        if (time < 6) {
            entries.add(entry("time", FuzzJson.number(nowMillis - random.nextInt(400_000)))); // some beyond a 300 s window: late
        } else if (time < 8) {
            entries.add(entry("time", FuzzJson.number(nowMillis + random.nextInt(60_001)))); // ahead, within the skew
        } else if (time == 8) {
            entries.add(entry("time", new Token(random.nextBoolean() ? "null" : "0")));
        }
        int undeclared = random.nextInt(6) == 0 ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < undeclared; i++) {
            entries.add(entry("x_" + i, undeclaredValue(3)));
        }
        shuffle(entries);
        return new Obj(entries);
    }

    private Obj write() {
        List<Entry> entries = new ArrayList<>();
        viewLabels(entries);
        entries.add(entry("online_rows", count()));
        entries.add(entry("offline_rows", count()));
        if (random.nextInt(8) == 0) {
            entries.add(entry("note", new Str("undeclared")));
        }
        shuffle(entries);
        return new Obj(entries);
    }

    private void viewLabels(List<Entry> entries) {
        entries.add(entry("workspace", label(new String[] {"prod", "staging"})));
        entries.add(entry("feature_view_name", label(NAMES)));
        entries.add(entry("feature_view_id", label(IDS)));
    }

    private Str label(String[] pool) {
        double roll = random.nextDouble();
        if (roll < profile.randomLabelChance()) {
            return new Str(randomText(1 + random.nextInt(40), false));
        }
        if (roll < profile.randomLabelChance() + profile.trickyLabelChance()) {
            return new Str(TRICKY_LABELS[random.nextInt(TRICKY_LABELS.length)]);
        }
        return new Str(pool[random.nextInt(pool.length)]);
    }

    private Token nonNegativeNumber() {
        return switch (random.nextInt(6)) {
            case 0 -> FuzzJson.number(random.nextInt(3));
            case 1 -> new Token(new String[] {"0.0", "1e-3", "2.5E1", "1e300", "4.9e-324", "-0", "-0.0"}[random.nextInt(7)]);
            default -> FuzzJson.number(Math.round(random.nextDouble() * 2_000_000) / 1e6);
        };
    }

    private Token count() {
        return switch (random.nextInt(8)) {
            case 0 -> FuzzJson.number(0);
            case 1 -> new Token(random.nextBoolean() ? "9007199254740992" : "-0");
            default -> FuzzJson.number(random.nextInt(1_000_000));
        };
    }

    private Token epochMillis() {
        return switch (random.nextInt(10)) {
            case 0 -> new Token(new String[] {"0", "-1", "-9007199254740992", "9007199254740992"}[random.nextInt(4)]);
            default -> FuzzJson.number(nowMillis - random.nextInt(86_400_000));
        };
    }

    /** Anything valid, nested at most {@code depth} levels, for an undeclared field. */
    private Value undeclaredValue(int depth) {
        int roll = random.nextInt(depth > 0 ? 7 : 5);
        return switch (roll) {
            case 0 -> new Token(random.nextBoolean() ? "true" : "null");
            case 1 -> new Token(HOSTILE_NUMBERS[random.nextInt(HOSTILE_NUMBERS.length)]);
            case 2, 3 -> new Str(randomText(random.nextInt(20), true));
            case 4 -> FuzzJson.number(random.nextLong());
            case 5 -> {
                List<Value> items = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.add(undeclaredValue(depth - 1));
                }
                yield new Arr(items);
            }
            default -> {
                Obj obj = new Obj();
                for (int i = random.nextInt(4); i > 0; i--) {
                    obj.put("k" + i, undeclaredValue(depth - 1));
                }
                yield obj;
            }
        };
    }

    // ---------------------------------------------------------------- structural mutations

    private void mutateEvent(List<Value> events, int index) {
        Value value = events.get(index);
        if (!(value instanceof Obj event)) {
            return;
        }
        switch (random.nextInt(13)) {
            case 0, 1, 2 -> replaceValue(event, hostileValue());
            case 3 -> removeField(event);
            case 4 -> duplicateKey(event);
            case 5 -> event.entries().add(random.nextInt(event.entries().size() + 1), entry("deep", nested(depth())));
            case 6 -> replaceValue(event, "type", random.nextBoolean()
                    ? new Str(new String[] {"Feature_Request", "feature_request ", "", "unknown", "feature_request\u0000"}[random.nextInt(5)])
                    : hostileValue());
            case 7 -> replaceValue(event, "time", timeMutation());
            case 8 -> replaceLabel(event, invalidLabel());
            case 9 -> replaceValue(event, longString());
            case 10 -> mutateWrites(event);
            case 11 -> events.set(index, random.nextBoolean() ? hostileValue() : new Arr(List.of(event)));
            default -> event.entries().add(entry(random.nextBoolean() ? "k".repeat(50_000) : "k".repeat(50_001), FuzzJson.number(1)));
        }
    }

    private Value hostileValue() {
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> new Token(HOSTILE_NUMBERS[random.nextInt(HOSTILE_NUMBERS.length)]);
            case 3 -> new Token(NON_JSON_TOKENS[random.nextInt(NON_JSON_TOKENS.length)]);
            case 4 -> new Token(bigInteger(random.nextBoolean() ? 400 : 999 + random.nextInt(4)));
            case 5 -> new Token(new String[] {"null", "true", "false", "\"12\"", "[]", "{}", "[1]", "{\"a\":1}", "\"\""}[random.nextInt(9)]);
            case 6 -> new Str(TRICKY_LABELS[random.nextInt(TRICKY_LABELS.length)]);
            case 7 -> invalidLabel();
            case 8 -> new Token("1e" + bigInteger(3 + random.nextInt(6))); // exponents far beyond a double's
            default -> new Token(random.nextBoolean() ? "1." + "0".repeat(998 + random.nextInt(4)) : "0." + "0".repeat(997) + "1");
        };
    }

    private String bigInteger(int digits) {
        StringBuilder number = new StringBuilder(random.nextBoolean() ? "-" : "");
        number.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < digits; i++) {
            number.append((char) ('0' + random.nextInt(10)));
        }
        return number.toString();
    }

    private Value timeMutation() {
        return switch (random.nextInt(8)) {
            case 0 -> FuzzJson.number(nowMillis + 60_000);
            case 1 -> FuzzJson.number(nowMillis + 60_001);
            case 2 -> FuzzJson.number(-1);
            case 3 -> FuzzJson.number(nowMillis + 0.5);
            case 4 -> new Token(random.nextBoolean() ? "99999999999999999999999" : "-99999999999999999999999");
            case 5 -> new Str(Long.toString(nowMillis));
            case 6 -> new Token(Long.toString(Long.MAX_VALUE));
            default -> hostileValue();
        };
    }

    private Str invalidLabel() {
        return switch (random.nextInt(6)) {
            case 0 -> new Str("");
            case 1 -> new Str("x".repeat(129));
            case 2 -> new Str("😀".repeat(129));
            case 3 -> new Str("lone \ud800 high");
            case 4 -> new Str(random.nextBoolean() ? "\udc00" : "x\ud83d");
            default -> new Str("é".repeat(128) + "x");
        };
    }

    private Str longString() {
        int length = random.nextInt(10) == 0 ? 100_000 + random.nextInt(1_000_000) : 1_000 + random.nextInt(20_000);
        return new Str(random.nextBoolean() ? "y".repeat(length) : randomText(length, true));
    }

    private int depth() {
        return switch (random.nextInt(6)) {
            case 0 -> 1000;
            case 1 -> 62 + random.nextInt(5); // around the limit of 64, counting the event's own object
            default -> 1 + random.nextInt(70);
        };
    }

    private static Value nested(int depth) {
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            boolean object = i % 3 == 2;
            open.append(object ? "{\"n\":" : "[");
            close.insert(0, object ? "}" : "]");
        }
        return new Raw((open + "1" + close).getBytes(StandardCharsets.US_ASCII));
    }

    private void mutateWrites(Obj event) {
        Value writes = switch (random.nextInt(6)) {
            case 0 -> new Arr(List.of(new Token("null")));
            case 1 -> new Arr(List.of(write(), new Token("1")));
            case 2 -> {
                Obj item = write();
                replaceValue(item, hostileValue());
                yield new Arr(List.of(item));
            }
            case 3 -> new Str("writes");
            case 4 -> new Obj().put("workspace", new Str("prod"));
            default -> {
                Obj item = write();
                duplicateKey(item);
                yield new Arr(List.of(write(), item));
            }
        };
        replaceValue(event, "writes", writes);
    }

    private void replaceValue(Obj event, Value value) {
        int at = random.nextInt(event.entries().size());
        event.entries().set(at, new Entry(event.entries().get(at).key(), value));
    }

    private static void replaceValue(Obj event, String key, Value value) {
        int at = event.indexOf(key);
        if (at < 0) {
            event.entries().add(entry(key, value));
        } else {
            event.entries().set(at, new Entry(event.entries().get(at).key(), value));
        }
    }

    private void replaceLabel(Obj event, Value value) {
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < event.entries().size(); i++) {
            Entry entry = event.entries().get(i);
            if (entry.value() instanceof Str && !(entry.key() instanceof Str key && key.text().equals("type"))) {
                labels.add(i);
            }
        }
        if (!labels.isEmpty()) {
            int at = labels.get(random.nextInt(labels.size()));
            event.entries().set(at, new Entry(event.entries().get(at).key(), value));
        }
    }

    private void removeField(Obj event) {
        event.entries().remove(random.nextInt(event.entries().size()));
    }

    private void duplicateKey(Obj event) {
        Entry entry = event.entries().get(random.nextInt(event.entries().size()));
        Value value = random.nextBoolean() ? entry.value() : new Token("1");
        event.entries().add(random.nextInt(event.entries().size() + 1), new Entry(entry.key(), value));
    }

    // ---------------------------------------------------------------- encodings

    /** Puts an invalid UTF-8 sequence (or, now and then, a valid but unusual one) into a string of one event. */
    private void injectInvalidUtf8(List<Value> events) {
        Value value = events.get(random.nextInt(events.size()));
        if (!(value instanceof Obj event)) {
            return;
        }
        int at = random.nextInt(event.entries().size());
        Entry entry = event.entries().get(at);
        String[] sequence = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
        byte[] bad = new byte[sequence.length];
        for (int i = 0; i < sequence.length; i++) {
            bad[i] = (byte) Integer.parseInt(sequence[i], 16);
        }
        String text = entry.value() instanceof Str str ? str.text() : entry.key() instanceof Str key ? key.text() : "x";
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        int split = random.nextInt(plain.length + 1);
        while (split > 0 && split < plain.length && (plain[split] & 0xc0) == 0x80) {
            split--; // keep the valid characters around it whole
        }
        byte[] content = new byte[plain.length + bad.length];
        System.arraycopy(plain, 0, content, 0, split);
        System.arraycopy(bad, 0, content, split, bad.length);
        System.arraycopy(plain, split, content, split + bad.length, plain.length - split);
        if (entry.value() instanceof Str || random.nextBoolean()) {
            event.entries().set(at, new Entry(entry.key(), new RawStr(content)));
        } else {
            event.entries().set(at, new Entry(new RawStr(content), entry.value()));
        }
    }

    private byte[] reencode(byte[] utf8) {
        String text = new String(utf8, StandardCharsets.UTF_8);
        Charset charset = switch (random.nextInt(5)) {
            case 0 -> StandardCharsets.UTF_16BE;
            case 1 -> StandardCharsets.UTF_16LE;
            case 2 -> StandardCharsets.UTF_16; // with a byte order mark
            case 3 -> Charset.forName("UTF-32");
            default -> StandardCharsets.UTF_8;
        };
        byte[] body = text.getBytes(charset);
        if (charset == StandardCharsets.UTF_8) {
            byte[] withBom = new byte[body.length + 3];
            withBom[0] = (byte) 0xef;
            withBom[1] = (byte) 0xbb;
            withBom[2] = (byte) 0xbf;
            System.arraycopy(body, 0, withBom, 3, body.length);
            return withBom;
        }
        return body;
    }

    // ---------------------------------------------------------------- whole bodies

    /** The events framed as {@code format}, with random separators and formatting. */
    private byte[] batch(List<Value> events, BodyFormat format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Style style = Style.random(random);
        if (format == BodyFormat.NDJSON) {
            for (int i = 0; i < events.size(); i++) {
                if (i > 0) {
                    int separator = random.nextInt(40);
                    out.writeBytes((separator < 30 ? "\n" : separator < 34 ? "\r\n" : separator < 37 ? "\n\n" : separator < 39 ? " " : "")
                            .getBytes(StandardCharsets.US_ASCII));
                }
                FuzzJson.write(events.get(i), out, style, random);
            }
            if (random.nextBoolean()) {
                out.write('\n');
            }
        } else {
            FuzzJson.write(new Arr(events), out, style, random);
            if (random.nextInt(20) == 0) {
                out.writeBytes(" \n".getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    private Input big(BodyFormat format) {
        switch (random.nextInt(4)) {
            case 0 -> {
                return new Input("big-batch", format, batch(events(1_000 + random.nextInt(2_000)), format));
            }
            case 1 -> {
                Obj event = event("ingest_request");
                List<Value> items = new ArrayList<>();
                int count = random.nextBoolean() ? 10_000 : 10_001;
                Obj item = write();
                for (int i = 0; i < count; i++) {
                    items.add(item);
                }
                replaceValue(event, "writes", new Arr(items));
                return new Input("many-items", format, batch(List.of(event), format));
            }
            case 2 -> {
                Obj event = event(TYPES[random.nextInt(TYPES.length)]);
                event.entries().add(entry("deep", nested(1000)));
                return new Input("deep-nesting", format, batch(List.of(event), format));
            }
            default -> {
                Obj event = event(TYPES[random.nextInt(TYPES.length)]);
                event.entries().add(entry("long", new Str("z".repeat(1_000_000 + random.nextInt(1_000_000)))));
                return new Input("long-string", format, batch(List.of(event), format));
            }
        }
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(random.nextInt(10) == 0 ? 4000 : 300)];
        if (random.nextBoolean()) {
            byte[] alphabet = "{}[],:\"\\0123456789-+.eEtrufalsn \n\t".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = alphabet[random.nextInt(alphabet.length)];
            }
        } else {
            random.nextBytes(bytes);
        }
        return bytes;
    }

    private byte[] mutateBytes(byte[] seed) {
        byte[] body = seed;
        byte[] jsonBytes = "{}[],:\"\\0123456789-+.eEtrufalsn \n\t".getBytes(StandardCharsets.US_ASCII);
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && body.length > 0; m++) {
            int at = random.nextInt(body.length);
            switch (random.nextInt(7)) {
                case 0 -> body[at] = jsonBytes[random.nextInt(jsonBytes.length)];
                case 1 -> body[at] = (byte) random.nextInt(256);
                case 2 -> body[at] ^= (byte) (1 << random.nextInt(8));
                case 3 -> body = splice(body, at, at + 1, new byte[0]);
                case 4 -> body = splice(body, at, at, new byte[] {jsonBytes[random.nextInt(jsonBytes.length)]});
                case 5 -> {
                    int end = Math.min(body.length, at + 1 + random.nextInt(40));
                    body = splice(body, at, at, Arrays.copyOfRange(body, at, end)); // duplicate a slice: keys, brackets
                }
                default -> {
                    int other = random.nextInt(body.length);
                    byte swap = body[at];
                    body[at] = body[other];
                    body[other] = swap;
                }
            }
        }
        return body;
    }

    private static byte[] splice(byte[] body, int from, int to, byte[] insert) {
        byte[] result = new byte[body.length - (to - from) + insert.length];
        System.arraycopy(body, 0, result, 0, from);
        System.arraycopy(insert, 0, result, from, insert.length);
        System.arraycopy(body, to, result, from + insert.length, body.length - to);
        return result;
    }

    private String randomText(int length, boolean anything) {
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            int roll = random.nextInt(20);
            if (!anything || roll < 14) {
                text.append((char) ('a' + random.nextInt(26)));
            } else if (roll < 16) {
                text.append("\"\\\n\t/{}=,".charAt(random.nextInt(9)));
            } else if (roll < 18) {
                text.append((char) (0x80 + random.nextInt(0xd800 - 0x80)));
            } else if (roll < 19) {
                text.appendCodePoint(0x10000 + random.nextInt(0x100000));
            } else {
                text.append((char) random.nextInt(0x20));
            }
        }
        return text.toString();
    }

    private void shuffle(List<Entry> entries) {
        for (int i = entries.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Entry swap = entries.get(i);
            entries.set(i, entries.get(j));
            entries.set(j, swap);
        }
    }

    private static Entry entry(String key, Value value) {
        return new Entry(new Str(key), value);
    }
}
