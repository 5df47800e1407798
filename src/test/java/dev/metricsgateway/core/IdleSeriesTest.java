package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.testing.TestEvents;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hooks a cluster member's engine uses: with {@link AggregationEngine#keepIdleSeries} an
 * input does not restart a series idle past the TTL, and {@link AggregationEngine#evictIdleSince}
 * ends a series only when it is idle here and in the reference engine.
 */
class IdleSeriesTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long TTL_MILLIS = WindowSettings.DEFAULT_SERIES_TTL_MILLIS;
    private static final List<String> FS_1 = List.of("fs-1", "svc");

    @Test
    void anEngineThatKeepsIdleSeriesGoesOnCountingAfterTheTtl() {
        AggregationEngine keeping = newEngine();
        keeping.keepIdleSeries();
        AggregationEngine plain = newEngine();
        for (AggregationEngine engine : List.of(keeping, plain)) {
            request(engine, T0, 0.25);
            request(engine, T0 + 2 * TTL_MILLIS, 0.5);
        }

        assertThat(latency(keeping.snapshot(T0 + 2 * TTL_MILLIS)).count()).isEqualTo(2);
        assertThat(latency(keeping.snapshot(T0 + 2 * TTL_MILLIS)).sum()).isEqualTo(0.75);
        assertThat(latency(plain.snapshot(T0 + 2 * TTL_MILLIS)).count()).as("one gateway: a new series").isEqualTo(1);
    }

    @Test
    void aSeriesIsEvictedOnlyWhenIdleHereAndInTheReference() {
        AggregationEngine engine = newEngine();
        engine.keepIdleSeries();
        request(engine, T0, 0.25);
        AggregationEngine reference = newEngine();
        request(reference, T0 + 1_000, 0.5);

        assertThat(engine.evictIdleSince(T0, reference)).as("busy in the reference after the cutoff").isZero();
        assertThat(engine.evictIdleSince(T0 - 1, newEngine())).as("busy here after the cutoff").isZero();
        assertThat(engine.seriesCountByMetric()).containsEntry("feature_service_latency", 1);

        long evicted = engine.evictIdleSince(T0 + 1_000, reference);

        assertThat(evicted).isPositive();
        assertThat(engine.seriesCountByMetric().values()).allMatch(count -> count == 0);
        assertThat(reference.seriesCountByMetric()).as("the reference is only read").containsEntry("feature_service_latency", 1);
        request(engine, T0 + 2_000, 0.5);
        assertThat(latency(engine.snapshot(T0 + 2_000)).count()).as("an evicted series starts again").isEqualTo(1);
    }

    private static SummarySample latency(GatewaySnapshot snapshot) {
        return snapshot.families().stream().filter(family -> family.spec().name().equals("feature_service_latency"))
                .flatMap(family -> family.samples().stream())
                .filter(sample -> sample.labelValues().equals(FS_1))
                .map(SummarySample.class::cast)
                .findFirst().orElseThrow();
    }

    private static void request(AggregationEngine engine, long timeMillis, double latencySeconds) {
        engine.apply(List.of(TestEvents.event(engine.schemas(), "feature_request", timeMillis, Map.of("aws_region", "us-west-2",
                "feature_service_id", "fs-1", "feature_service_name", "svc", "latency_seconds", latencySeconds, "status", 200))),
                timeMillis);
    }

    private static AggregationEngine newEngine() {
        return new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
    }
}
