package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SeriesTableTest {

    private static LabelValues key(int i) {
        return new LabelValues(new String[] {"fs-" + i, "us-west-" + (i % 3)});
    }

    /** Puts the keys 0 .. count-1 into {@code table}; returns them in that order. */
    private static List<LabelValues> putKeys(SeriesTable<LabelValues> table, int count) {
        List<LabelValues> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            LabelValues key = key(i);
            table.putIfAbsent(key);
            keys.add(key);
        }
        return keys;
    }

    private static LabelProbe probe(LabelValues key) {
        LabelProbe probe = new LabelProbe(key.size());
        probe.clear();
        for (String value : key.values()) {
            probe.add(value);
        }
        probe.filled();
        return probe;
    }

    @Test
    void findsByProbeAndByKeyAndKeepsTheFirstStateOfAKey() {
        SeriesTable<LabelValues> table = new SeriesTable<>();
        LabelValues first = key(1);
        LabelValues sameValues = new LabelValues(first);

        assertThat(table.putIfAbsent(first)).isNull();
        assertThat(table.putIfAbsent(sameValues)).isSameAs(first);

        assertThat(table.get(probe(key(1)))).isSameAs(first);
        assertThat(table.get(key(1))).isSameAs(first);
        assertThat(table.get(probe(key(2)))).isNull();
        assertThat(table.get(key(2))).isNull();
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void removesTheStateItselfNotAnotherStateOfItsKey() {
        SeriesTable<LabelValues> table = new SeriesTable<>();
        LabelValues held = key(7);
        table.putIfAbsent(held);

        assertThat(table.remove(new LabelValues(held))).isFalse();
        assertThat(table.get(key(7))).isSameAs(held);

        assertThat(table.remove(held)).isTrue();
        assertThat(table.get(key(7))).isNull();
        assertThat(table.remove(held)).isFalse();
        assertThat(table.size()).isZero();

        LabelValues newer = new LabelValues(held);
        assertThat(table.putIfAbsent(newer)).isNull();
        assertThat(table.get(probe(key(7)))).isSameAs(newer);
    }

    /** Random inserts and removals against a HashMap: through rebuilds, markers and their reuse. */
    @Test
    void agreesWithAMapThroughGrowthChurnAndRebuilds() {
        SeriesTable<LabelValues> table = new SeriesTable<>();
        Map<LabelValues, LabelValues> model = new HashMap<>();
        Random random = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            // the key space grows, then stays, so both growth and churn at a steady size happen
            LabelValues key = key(random.nextInt(Math.min(5_000, 10 + step / 10)));
            if (random.nextInt(3) == 0) {
                LabelValues held = model.remove(key);
                assertThat(table.remove(held == null ? key : held)).isEqualTo(held != null);
            } else {
                LabelValues state = new LabelValues(key);
                LabelValues before = table.putIfAbsent(state);
                assertThat(before).isSameAs(model.get(key));
                model.putIfAbsent(key, state);
            }
            if (step % 10_000 == 0) {
                assertSameContents(table, model);
            }
        }
        assertSameContents(table, model);
    }

    private static void assertSameContents(SeriesTable<LabelValues> table, Map<LabelValues, LabelValues> model) {
        assertThat(table.size()).isEqualTo(model.size());
        List<LabelValues> iterated = new ArrayList<>();
        table.forEach(iterated::add);
        assertThat(iterated).containsExactlyInAnyOrderElementsOf(model.values());
        for (int i = 0; i < 5_000; i++) {
            LabelValues key = key(i);
            assertThat(table.get(probe(key))).as("probe %s", key).isSameAs(model.get(key));
            assertThat(table.get(key)).as("key %s", key).isSameAs(model.get(key));
        }
    }

    /**
     * Lock-free lookups while another thread inserts (forcing rebuilds) and removes: a state put
     * before the lookups started and never removed is always found, whatever the writer does.
     */
    @Test
    void lookupsAlwaysFindAStateThatStaysWhileOthersComeAndGo() throws Exception {
        SeriesTable<LabelValues> table = new SeriesTable<>();
        List<LabelValues> stayers = putKeys(table, 64);
        List<LabelProbe> probes = stayers.stream().map(SeriesTableTest::probe).toList();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            long rounds = 0;
            while (!done.get() || rounds < 1_000) {
                for (int i = 0; i < probes.size(); i++) {
                    if (table.get(probes.get(i)) != stayers.get(i)) {
                        failure.compareAndSet(null, "lost " + stayers.get(i) + " in round " + rounds);
                    }
                }
                rounds++;
            }
        });
        reader.start();
        for (int round = 0; round < 20; round++) {
            List<LabelValues> comers = new ArrayList<>();
            for (int i = 1_000; i < 21_000; i++) {
                LabelValues state = key(i);
                table.putIfAbsent(state);
                comers.add(state);
            }
            for (LabelValues state : comers) {
                table.remove(state);
            }
        }
        done.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(table.size()).isEqualTo(stayers.size());
    }

    @Test
    void looksUpARunOfProbesAsOneLookupEach() {
        SeriesTable<LabelValues> table = new SeriesTable<>();
        List<LabelValues> held = putKeys(table, 3_000);
        for (int i = 0; i < 3_000; i += 3) {
            table.remove(held.get(i)); // markers on the probing paths of the keys after them
        }
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            int count = 1 + random.nextInt(InputRun.CAPACITY);
            LabelProbe[] probes = new LabelProbe[count];
            for (int i = 0; i < count; i++) {
                probes[i] = probe(key(random.nextInt(4_000))); // some never held
            }
            Object[] found = new Object[count];
            table.getAll(probes, count, found);
            for (int i = 0; i < count; i++) {
                assertThat(found[i]).isSameAs(table.get(probes[i]));
            }
        }
    }
}
