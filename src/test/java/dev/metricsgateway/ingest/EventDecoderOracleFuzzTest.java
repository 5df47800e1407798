package dev.metricsgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.ingest.FuzzOracle.ExpectedEvent;
import dev.metricsgateway.ingest.FuzzOracle.Field;
import dev.metricsgateway.ingest.FuzzOracle.Verdict;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Property test of the decoder against {@link FuzzOracle}, an independent judge of the contract,
 * on the hostile inputs of {@link FuzzInputs}. For every input:
 * <ul>
 *   <li>{@code decode} answers and never throws, from a byte array and from a stream alike;
 *   <li>it accepts exactly when the oracle finds every event valid, and then its events carry
 *       exactly the types, times and field values the oracle expects;
 *   <li>a rejection names at most 100 problems, each with an index inside the body and a message
 *       short enough to send back.
 * </ul>
 * The oracle is strict where Jackson is lenient (RFC 3629 UTF-8 only, one NDJSON value per line),
 * so a decoder that accepted an overlong form, a code point above U+10FFFF, a 0xFF byte in a key,
 * an encoded surrogate, a UTF-16 or UTF-32 body or two values on one line would fail here.
 *
 * <p>CI runs {@value #CI_COUNT} inputs of seed {@link FuzzInputs#DEFAULT_SEED}; the long run is
 * {@code -Dfuzz.count=1000000 -Dfuzz.seed=N} (see {@code bench/FUZZ.md}). A failure names the
 * seed and index that reproduce it with {@code -Dfuzz.seed=S -Dfuzz.from=I -Dfuzz.count=1}.
 */
class EventDecoderOracleFuzzTest {

    static final int CI_COUNT = 10_000;
    private static final int MAX_FAILURES_LISTED = 10;

    @Test
    void decoderAcceptsExactlyWhatTheOracleAcceptsAndNeverThrows() {
        long seed = FuzzInputs.seed();
        int count = FuzzInputs.count(CI_COUNT);
        long from = Long.getLong("fuzz.from", 0);
        Stats stats = new Stats();
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();

        for (long index = from; index < from + count; index++) {
            long generating = System.nanoTime();
            FuzzInputs.Input input = FuzzInputs.input(seed, index, Decoding.NOW, FuzzInputs.Profile.DECODER);
            String problem;
            long inputStarted = System.nanoTime();
            stats.generatingNanos += inputStarted - generating;
            try {
                problem = check(input, index, stats);
            } catch (RuntimeException | StackOverflowError e) {
                problem = "threw " + e;
            }
            stats.nanosByKind.merge(input.kind(), System.nanoTime() - inputStarted, Long::sum);
            if (count > CI_COUNT && (index - from + 1) % (count / 10) == 0) {
                System.out.printf("decoder fuzz: %d of %d inputs, %.0f s, %d failures%n",
                        index - from + 1, count, (System.nanoTime() - started) / 1e9, stats.failures);
            }
            if (problem != null) {
                stats.failures++;
                FuzzInputs.save("decoder", seed, index, input);
                if (failures.size() < MAX_FAILURES_LISTED) {
                    failures.add(String.format("input %d (%s, %s, %d bytes): %s%n  body: %s%n  reproduce: -Dfuzz.seed=%d -Dfuzz.from=%d -Dfuzz.count=1 (body saved under target/fuzz-failures/)",
                            index, input.kind(), input.format(), input.body().length, problem, excerpt(input.body()), seed, index));
                }
            }
        }

        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("decoder fuzz: %d inputs from index %d, seed %d, %.1f s, %d failures%n  %s%n",
                count, from, seed, seconds, stats.failures, stats);
        assertThat(failures).as("decoder fuzz, seed %d: %d failures", seed, stats.failures).isEmpty();
        if (count >= 10_000) {
            assertThat(stats.accepted).as("the valid path is exercised").isGreaterThan(count / 20);
            assertThat(stats.rejected).as("the rejecting path is exercised").isGreaterThan(count / 4);
        }
    }

    /** Checks one input; the problem found, or null. */
    private static String check(FuzzInputs.Input input, long index, Stats stats) {
        stats.byKind.merge(input.kind(), 1, Integer::sum);
        DecodeResult result = index % 4 == 0
                ? Decoding.DECODER.decode(new ByteArrayInputStream(input.body()), input.format(), Decoding.NOW)
                : Decoding.DECODER.decode(input.body(), input.format(), Decoding.NOW);
        if (result == null) {
            return "decode returned null";
        }
        String shape = checkShape(result);
        if (shape != null) {
            return shape;
        }
        Verdict verdict = FuzzOracle.judge(input.body(), input.format(), Decoding.NOW, Decoding.SKEW_MILLIS);
        boolean accepted = result instanceof DecodeResult.Accepted;
        if (accepted) {
            stats.accepted++;
            stats.events += ((DecodeResult.Accepted) result).events().size();
        } else {
            stats.rejected++;
        }
        if (accepted != verdict.valid()) {
            return accepted
                    ? "decoder accepted, the oracle rejects: " + verdict.reason()
                    : "decoder rejected (" + ((DecodeResult.Rejected) result).violations() + "), the oracle accepts " + FuzzOracle.describe(verdict.events());
        }
        return accepted ? compareEvents(((DecodeResult.Accepted) result).events(), verdict.events()) : null;
    }

    /** The answer is one a client can be sent: at most 100 problems, each placed and short. */
    private static String checkShape(DecodeResult result) {
        if (!(result instanceof DecodeResult.Rejected rejected)) {
            return null;
        }
        if (rejected.error().length() > 300) {
            return "error message of " + rejected.error().length() + " characters";
        }
        if (rejected.violations().size() > EventDecoder.DEFAULT_MAX_VIOLATIONS_REPORTED) {
            return rejected.violations().size() + " violations reported";
        }
        for (Violation violation : rejected.violations()) {
            if (violation.index() < Violation.WHOLE_BODY || violation.message() == null || violation.message().length() > 300
                    || violation.field() != null && violation.field().length() > 300) {
                return "violation out of shape: " + violation;
            }
        }
        return null;
    }

    private static String compareEvents(List<Event> actual, List<ExpectedEvent> expected) {
        if (actual.size() != expected.size()) {
            return "decoded " + actual.size() + " events, the oracle expects " + expected.size();
        }
        for (int i = 0; i < actual.size(); i++) {
            Event event = actual.get(i);
            ExpectedEvent wanted = expected.get(i);
            if (!event.schema().name().equals(wanted.type()) || event.timeMillis() != wanted.timeMillis()) {
                return "event " + i + ": " + event.schema().name() + " at " + event.timeMillis()
                        + ", expected " + wanted.type() + " at " + wanted.timeMillis();
            }
            String values = compareValues(event, FuzzOracle.EVENT_TYPES.get(wanted.type()), wanted.values(), wanted.timeMillis());
            if (values != null) {
                return "event " + i + " (" + wanted.type() + "): " + values;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static String compareValues(Event event, List<Field> fields, Map<String, Object> expected, long timeMillis) {
        EventSchema schema = event.schema();
        for (Field field : fields) {
            int slot = schema.slot(field.name());
            Object wanted = expected.get(field.name());
            switch (field.kind()) {
                case LABEL -> {
                    if (!event.label(slot).equals(wanted)) {
                        return field.name() + " = " + quote(event.label(slot)) + ", expected " + quote((String) wanted);
                    }
                }
                case ARRAY -> {
                    Event[] items = event.items(slot);
                    List<Map<String, Object>> wantedItems = (List<Map<String, Object>>) wanted;
                    if (items.length != wantedItems.size()) {
                        return field.name() + ": " + items.length + " items, expected " + wantedItems.size();
                    }
                    for (int i = 0; i < items.length; i++) {
                        if (items[i].timeMillis() != timeMillis) {
                            return field.name() + "[" + i + "] is dated " + items[i].timeMillis() + ", its event " + timeMillis;
                        }
                        String problem = compareValues(items[i], field.items(), wantedItems.get(i), timeMillis);
                        if (problem != null) {
                            return field.name() + "[" + i + "]." + problem;
                        }
                    }
                }
                default -> {
                    double value = event.number(slot);
                    if (Double.compare(value, (Double) wanted) != 0) {
                        return field.name() + " = " + value + ", expected " + wanted;
                    }
                }
            }
        }
        return null;
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().limit(60).forEach(c -> out.append(c < 0x20 || c >= 0xd800 && c <= 0xdfff ? String.format("\\u%04x", c) : Character.toString(c)));
        return out.append(text.length() > 60 ? "...\"" : "\"").toString();
    }

    /** The first 300 bytes, printable ASCII as is, anything else as \xNN. */
    static String excerpt(byte[] body) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(body.length, 300); i++) {
            int b = body[i] & 0xff;
            out.append(b >= 0x20 && b < 0x7f && b != '\\' ? Character.toString(b) : String.format("\\x%02x", b));
        }
        return out.append(body.length > 300 ? "... (" + body.length + " bytes)" : "").toString();
    }

    /** Counters for the summary line. */
    private static final class Stats {
        int accepted;
        int rejected;
        long events;
        int failures;
        long generatingNanos;
        final Map<String, Integer> byKind = new TreeMap<>();
        final Map<String, Long> nanosByKind = new TreeMap<>();

        @Override
        public String toString() {
            return "accepted " + accepted + " batches (" + events + " events), rejected " + rejected
                    + "; inputs by kind " + byKind
                    + "; decoding and judging, ms by kind " + nanosByKind.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() / 1_000_000).toList()
                    + "; generating " + generatingNanos / 1_000_000 + " ms";
        }
    }
}
