package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackedLabelsTest {

    private static final String[][] SAMPLES = {
        {},
        {""},
        {"", ""},
        {"us-west-2"},
        {"us-west-2", "fs-17", "fraud_detection_service"},
        {"ab", "c"},
        {"a", "bc"},
        {"caf\u00e9", "\u00ff\u0080"},
        {"\u0141\u00f3d\u017a", "\u65e5\u672c\u8a9e", "\uffff"},
        {"emoji \ud83d\ude80 rocket", "\ud800\udc00"},
        {"lone \ud800 high", "lone \udc00 low", "\udbff", "\ud83d"},
        {"quote \" backslash \\ newline \n", "\u0000"},
        {"x".repeat(127), "y".repeat(128), "z".repeat(300)},
        {"\u00e9".repeat(100), "\u4e2d".repeat(200)},
    };

    @Test
    void everyValueReadsBackAsItWasPacked() {
        for (String[] values : SAMPLES) {
            byte[] packed = PackedLabels.pack(values);
            assertThat(PackedLabels.values(packed, values.length)).containsExactly(values);
        }
    }

    @Test
    void valuesInUtf8ArePackedAsTheirUtf8BytesAfterTheirLength() {
        byte[] packed = PackedLabels.pack(new String[] {"caf\u00e9", "\ud83d\ude80"});
        assertThat(packed).containsExactly(5, 'c', 'a', 'f', 0xc3, 0xa9, 4, 0xf0, 0x9f, 0x9a, 0x80);
        byte[] longValue = PackedLabels.pack(new String[] {"y".repeat(200)});
        assertThat(longValue).hasSize(202);
        assertThat(longValue[0] & 0xff).isEqualTo(0x80 | 200 & 0x7f);
        assertThat(longValue[1]).isEqualTo((byte) 1);
    }

    @Test
    void distinctValuesPackDistinctly() {
        Set<String> packings = new HashSet<>();
        for (String[] values : SAMPLES) {
            assertThat(packings.add(new String(PackedLabels.pack(values), java.nio.charset.StandardCharsets.ISO_8859_1)))
                    .as("packing of %s is unique", List.of(values)).isTrue();
        }
        // an unpaired surrogate never packs like the replacement a UTF-8 encoder would write
        assertThat(PackedLabels.pack(new String[] {"\ud800"})).isNotEqualTo(PackedLabels.pack(new String[] {"?"}))
                .isNotEqualTo(PackedLabels.pack(new String[] {"\ufffd"}));
    }

    @Test
    void aProbeMatchesTheKeyOfTheSameValuesAndHashesAlike() {
        for (String[] values : SAMPLES) {
            LabelValues key = new LabelValues(values);
            LabelProbe probe = new LabelProbe(values.length);
            probe.clear();
            for (String value : values) {
                probe.add(value);
            }
            probe.filled();
            assertThat(probe.hashCode()).isEqualTo(key.hashCode());
            assertThat(probe.matches(key)).isTrue();
            assertThat(probe.freeze()).isEqualTo(key).hasSameHashCodeAs(key);
            assertThat(key.size()).isEqualTo(values.length);
            assertThat(key.asList()).containsExactly(values);
        }
    }

    @Test
    void aProbeRefilledForAnotherInputMatchesOnlyThatInputsKey() {
        LabelProbe probe = new LabelProbe(2);
        LabelValues first = new LabelValues(new String[] {"x".repeat(400), "a"});
        LabelValues second = new LabelValues(new String[] {"b", "c"});
        for (LabelValues key : List.of(first, second, first)) {
            probe.clear();
            for (String value : key.values()) {
                probe.add(value);
            }
            probe.filled();
            assertThat(probe.matches(key)).isTrue();
            assertThat(probe.matches(key == first ? second : first)).isFalse();
        }
    }

    @Test
    void hashesSpreadValuesThatDifferInOneDigitOverTheLowBits() {
        // SeriesTable picks a slot by the low bits of the hash
        Set<Integer> lowBits = new HashSet<>();
        for (int i = 0; i < 4096; i++) {
            lowBits.add(new LabelValues(new String[] {"us-west-2", "fs-" + i, "service-" + i}).hashCode() & 0xfff);
        }
        // 4,096 random 12-bit values take about 2,589 distinct ones; a weak hash takes far fewer
        assertThat(lowBits.size()).isGreaterThan(2400);
    }

    @Test
    void randomStringsRoundTripAndEqualOnlyThemselves() {
        Random random = new Random(42);
        List<String[]> keys = new ArrayList<>();
        for (int n = 0; n < 2000; n++) {
            String[] values = new String[1 + random.nextInt(3)];
            for (int i = 0; i < values.length; i++) {
                StringBuilder text = new StringBuilder();
                int chars = random.nextInt(12);
                for (int c = 0; c < chars; c++) {
                    int kind = random.nextInt(4);
                    text.append((char) (kind == 0 ? random.nextInt(0x80) : kind == 1 ? random.nextInt(0x800)
                            : kind == 2 ? 0xd800 + random.nextInt(0x800) : random.nextInt(0x10000)));
                }
                values[i] = text.toString();
            }
            keys.add(values);
        }
        for (int n = 0; n < keys.size(); n++) {
            String[] values = keys.get(n);
            LabelValues key = new LabelValues(values);
            assertThat(key.values()).containsExactly(values);
            String[] other = keys.get((n + 1) % keys.size());
            assertThat(key.equals(new LabelValues(other))).isEqualTo(java.util.Arrays.equals(values, other));
        }
    }
}
