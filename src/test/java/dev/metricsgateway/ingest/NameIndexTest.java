package dev.metricsgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NameIndexTest {

    private static void assertFindsEvery(NameIndex index, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            assertThat(index.get(name)).as(name).isEqualTo(i);
            assertThat(index.get(new String(name.toCharArray()))).as("another instance of %s", name).isEqualTo(i);
            assertThat(index.get(name)).as("%s, cached", name).isEqualTo(i);
            char[] padded = ("<<" + name + ">>").toCharArray();
            assertThat(index.get(padded, 2, name.length())).as("%s as characters", name).isEqualTo(i);
        }
    }

    @Test
    void findsTheFieldNamesOfTheCatalogAndNothingElse() {
        List<String> names = List.of("type", "time", "batch_id", "feature_service_id", "feature_service_name", "aws_region",
                "status", "latency_seconds", "workspace", "feature_view_name", "feature_view_id", "writes", "rows", "instance_id");
        NameIndex index = new NameIndex(names);
        assertFindsEvery(index, names);
        for (String other : List.of("", "typ", "types", "TYPE", "feature_service", "x".repeat(1000))) {
            assertThat(index.get(other)).as(other).isEqualTo(-1);
            assertThat(index.get(other.toCharArray(), 0, other.length())).as(other).isEqualTo(-1);
        }
    }

    /** Names with one String.hashCode can never get slots of their own: they are still found. */
    @Test
    void findsNamesThatShareTheirHash() {
        List<String> names = List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "type");
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        assertThat("AaAa".hashCode()).isEqualTo("BBBB".hashCode()).isEqualTo("AaBB".hashCode()).isEqualTo("BBAa".hashCode());
        NameIndex index = new NameIndex(names);
        assertFindsEvery(index, names);
        assertThat(index.get("AaAb")).isEqualTo(-1);
        assertThat(index.get("CC".toCharArray(), 0, 2)).isEqualTo(-1);
    }

    @Test
    void findsEveryNameOfALargeCatalogAndOfNone() {
        List<String> names = new ArrayList<>(IntStream.range(0, 2_000).mapToObj(i -> "field_" + i).toList());
        assertFindsEvery(new NameIndex(names), names);
        NameIndex empty = new NameIndex(List.of());
        assertThat(empty.get("type")).isEqualTo(-1);
        assertThat(empty.get("type".toCharArray(), 0, 4)).isEqualTo(-1);
    }

    @Test
    void refusesANameListedTwice() {
        assertThatThrownBy(() -> new NameIndex(List.of("type", "time", "type"))).isInstanceOf(IllegalArgumentException.class);
    }
}
