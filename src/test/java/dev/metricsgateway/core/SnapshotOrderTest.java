package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import dev.metricsgateway.testing.TestEvents;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A snapshot lists series sorted by label values in label-name order, also when it reuses the
 * previous snapshot's order: series appear between known ones, expire, come back, and snapshots
 * follow each other with and without changes.
 */
class SnapshotOrderTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long TTL_MILLIS = WindowSettings.DEFAULT_SERIES_TTL_MILLIS;
    private static final String CATALOG = """
            event_types:
              hit: {fields: {zone: {type: label}, app: {type: label}, value: {type: number, min: 0}}}
            metrics:
              hits: {type: gauge, stage: GA, help: h, event_type: hit, labels: [zone, app], aggregation: rate, field: value}
            """;
    /** Few, prefix-sharing values, so that series share their first sorted label and sort by the second. */
    private static final String[] VALUES = {"", "a", "ab", "b", "a b", "é", "z", "B"};
    /** Oracle: label values in sorted label-name order (app, zone), as the exposition lists them. */
    private static final Comparator<List<String>> EXPOSITION_ORDER = Comparator.<List<String>, String>comparing(labels -> labels.get(1))
            .thenComparing(labels -> labels.get(0));

    @Test
    void everySnapshotIsSortedWhileSeriesComeAndGo() {
        AggregationEngine engine = new AggregationEngine(
                CatalogLoader.load(List.of(new CatalogSource("order.yaml", CATALOG))), WindowSettings.defaults());
        SplittableRandom random = new SplittableRandom(11);
        Map<List<String>, Long> lastEvent = new HashMap<>();
        long now = T0;
        for (int round = 0; round < 60; round++) {
            now += TTL_MILLIS / 5;
            int events = random.nextInt(0, 12);
            for (int i = 0; i < events; i++) {
                List<String> labels = List.of(VALUES[random.nextInt(VALUES.length)], VALUES[random.nextInt(VALUES.length)]);
                engine.apply(List.of(TestEvents.event(engine.schemas(), "hit", now,
                        Map.of("zone", labels.get(0), "app", labels.get(1), "value", 1.0))), now);
                lastEvent.put(labels, now);
            }
            long at = now;
            List<List<String>> expected = new ArrayList<>(lastEvent.entrySet().stream()
                    .filter(entry -> at - entry.getValue() < TTL_MILLIS).map(Map.Entry::getKey).toList());
            expected.sort(EXPOSITION_ORDER);

            for (int repeat = 0; repeat < 1 + round % 2; repeat++) {
                assertThat(new SnapshotReader(engine.snapshot(now)).series("hits")).as("round %d", round).isEqualTo(expected);
            }
        }
    }

    @Test
    void concurrentSnapshotsEachListEverySeriesInOrder() throws InterruptedException {
        AggregationEngine engine = new AggregationEngine(
                CatalogLoader.load(List.of(new CatalogSource("order.yaml", CATALOG))), WindowSettings.defaults());
        List<List<String>> expected = new ArrayList<>();
        for (String zone : VALUES) {
            for (String app : VALUES) {
                engine.apply(List.of(TestEvents.event(engine.schemas(), "hit", T0, Map.of("zone", zone, "app", app, "value", 1.0))), T0);
                expected.add(List.of(zone, app));
            }
        }
        expected.sort(EXPOSITION_ORDER);
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < 300; i++) {
                        assertThat(new SnapshotReader(engine.snapshot(T0)).series("hits")).isEqualTo(expected);
                    }
                } catch (Throwable failure) {
                    failures.add(failure);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }
}
