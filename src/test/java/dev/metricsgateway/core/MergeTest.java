package dev.metricsgateway.core;

import static dev.metricsgateway.testing.SnapshotAssertions.assertSameSnapshots;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.testing.TestEvents;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Per-series state is mergeable: two engines fed disjoint parts of a stream, merged, serve what
 * one engine fed the whole stream serves (the oracle).
 */
class MergeTest {

    private static final long NOW = 1_700_000_000_000L;

    @Test
    void mergingPartialEnginesEqualsOneEngineFedEverything() {
        AggregationEngine whole = newEngine();
        AggregationEngine left = newEngine();
        AggregationEngine right = newEngine();
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            long time = NOW - random.nextInt(290_000);
            long eventSeed = random.nextLong();
            // Events belong to the schemas of the engine they go to, so each engine gets its own copy.
            AggregationEngine part = random.nextBoolean() ? left : right;
            whole.apply(List.of(TestEvents.random(whole.schemas(), new Random(eventSeed), time)), NOW);
            part.apply(List.of(TestEvents.random(part.schemas(), new Random(eventSeed), time)), NOW);
        }
        left.mergeFrom(right);
        assertSameSnapshots(left.snapshot(NOW), whole.snapshot(NOW));
    }

    @Test
    void mergingIntoAnEmptyEngineCopiesTheState() {
        AggregationEngine source = newEngine();
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            source.apply(List.of(TestEvents.random(source.schemas(), random, NOW - random.nextInt(100_000))), NOW);
        }
        AggregationEngine empty = newEngine();
        empty.mergeFrom(source);
        assertSameSnapshots(empty.snapshot(NOW), source.snapshot(NOW));
    }

    @Test
    void enginesWithDifferentWindowsDoNotMerge() {
        AggregationEngine fiveMinutes = newEngine();
        AggregationEngine oneMinute = new AggregationEngine(CatalogLoader.loadDefault(), new WindowSettings(60, 600_000, 60_000));
        assertThatThrownBy(() -> fiveMinutes.mergeFrom(oneMinute)).isInstanceOf(IllegalArgumentException.class);
    }

    private static AggregationEngine newEngine() {
        return new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
    }

}
