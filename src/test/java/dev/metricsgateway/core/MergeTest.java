package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.testing.TestEvents;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Per-series state is mergeable: two engines fed disjoint parts of a stream, merged, serve what
 * one engine fed the whole stream serves (the oracle).
 */
class MergeTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final String[] REGIONS = {"us-west-2", "eu-west-1"};

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
            whole.apply(List.of(randomEvent(whole, new Random(eventSeed), time)), NOW);
            part.apply(List.of(randomEvent(part, new Random(eventSeed), time)), NOW);
        }
        left.mergeFrom(right);
        assertSameSnapshots(left.snapshot(NOW), whole.snapshot(NOW));
    }

    @Test
    void mergingIntoAnEmptyEngineCopiesTheState() {
        AggregationEngine source = newEngine();
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            source.apply(List.of(randomEvent(source, random, NOW - random.nextInt(100_000))), NOW);
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

    private static Event randomEvent(AggregationEngine engine, Random random, long time) {
        String region = REGIONS[random.nextInt(REGIONS.length)];
        return switch (random.nextInt(5)) {
            case 0 -> TestEvents.event(engine.schemas(), "feature_request", time, Map.of("aws_region", region,
                    "feature_service_id", "fs-" + random.nextInt(3), "feature_service_name", "svc",
                    "latency_seconds", random.nextInt(1_000_000) / 1e6, "status", random.nextBoolean() ? 200 : 500 + random.nextInt(4)));
            case 1 -> TestEvents.event(engine.schemas(), "server_utilization", time, Map.of("aws_region", region,
                    "instance", "i-" + random.nextInt(4), "utilization_percent", random.nextInt(100)));
            case 2 -> TestEvents.event(engine.schemas(), "stream_batch", time, Map.of("workspace", "prod",
                    "feature_view_name", "fv", "feature_view_id", "fv-" + random.nextInt(2), "input_rows", random.nextInt(100),
                    "processed_rows", random.nextInt(100), "online_store_rows", random.nextInt(100),
                    "min_event_time", time - random.nextInt(60_000), "avg_event_time", time - random.nextInt(30_000)));
            case 3 -> TestEvents.event(engine.schemas(), "served_feature", time, Map.of("workspace", "prod",
                    "feature_view_name", "fv", "feature_view_id", "fv-" + random.nextInt(2), "feature_time", time - random.nextInt(20_000)));
            default -> TestEvents.event(engine.schemas(), "ingest_request", time, Map.of("aws_region", region,
                    "latency_seconds", random.nextInt(1_000_000) / 1e6, "status", 200 + 100 * random.nextInt(4),
                    "writes", List.of(Map.of("workspace", "prod", "feature_view_name", "fv", "feature_view_id", "fv-1",
                            "online_rows", random.nextInt(50), "offline_rows", random.nextInt(50)))));
        };
    }

    /** Counts and quantiles exactly; sums of doubles up to rounding (addition order differs). */
    private static void assertSameSnapshots(GatewaySnapshot actual, GatewaySnapshot expected) {
        assertThat(actual.families()).hasSameSizeAs(expected.families());
        for (int f = 0; f < expected.families().size(); f++) {
            List<SeriesSample> want = expected.families().get(f).samples();
            List<SeriesSample> got = actual.families().get(f).samples();
            String metric = expected.families().get(f).spec().name();
            assertThat(got).as(metric).hasSameSizeAs(want);
            for (int s = 0; s < want.size(); s++) {
                assertThat(got.get(s).labelValues()).as(metric).isEqualTo(want.get(s).labelValues());
                if (want.get(s) instanceof GaugeSample gauge) {
                    assertThat(((GaugeSample) got.get(s)).value()).as(metric).isCloseTo(gauge.value(), org.assertj.core.data.Percentage.withPercentage(1e-9));
                } else {
                    SummarySample summary = (SummarySample) want.get(s);
                    SummarySample merged = (SummarySample) got.get(s);
                    assertThat(merged.count()).as(metric).isEqualTo(summary.count());
                    assertThat(merged.sum()).as(metric).isCloseTo(summary.sum(), org.assertj.core.data.Percentage.withPercentage(1e-9));
                    assertThat(merged.quantileValues()).as(metric).containsExactly(summary.quantileValues());
                }
            }
        }
    }
}
