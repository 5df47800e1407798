package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Metrics keyed by the same label values of the same event type hold one array of packed values
 * per series between them (see {@code MetricAggregator.keySource}); metrics keyed otherwise, and
 * series the first metric no longer has, keep their own, and values never mix.
 */
class SharedKeysTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int W = WindowSettings.defaults().windowSeconds();
    private static final TectonEvents.FeatureView VIEW = new TectonEvents.FeatureView("prod", "fraud_features", "fv-1");

    @Test
    void theStreamBatchGaugesOfAViewShareOneArrayOfLabelValues() {
        AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        TectonEvents events = new TectonEvents(engine);
        engine.apply(List.of(events.streamBatch(T0, VIEW, 10, 9, 8, T0 - 5_000, T0 - 2_000)), T0);

        List<SeriesState> streamStates = statesOf(engine, "stream_batch");
        assertThat(streamStates).hasSize(5);
        for (SeriesState state : streamStates) {
            assertThat(state.sharesValuesWith(streamStates.get(0))).as(state.toString()).isTrue();
            assertThat(state.asList()).containsExactly("prod", "fraud_features", "fv-1");
        }
        engine.apply(List.of(events.request(T0, "us-west-2", "fs-1", "svc", 0.01, 200)), T0);
        SeriesState request = statesOf(engine, "feature_request").get(0);
        assertThat(request.sharesValuesWith(streamStates.get(0))).isFalse();
    }

    @Test
    void aSeriesCreatedAfterTheFirstMetricsSeriesExpiredStillCountsOnlyItsOwnInputs() {
        AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        TectonEvents events = new TectonEvents(engine);
        engine.apply(List.of(events.streamBatch(T0, VIEW, 10, 9, 8, T0 - 5_000, T0 - 2_000)), T0);
        long later = T0 + WindowSettings.DEFAULT_SERIES_TTL_MILLIS;
        engine.snapshot(later); // every series expires

        engine.apply(List.of(events.streamBatch(later, VIEW, 30, 20, 10, later - 1_000, later - 500)), later);

        GatewaySnapshot snapshot = engine.snapshot(later);
        for (MetricFamilySnapshot family : snapshot.families()) {
            if (family.spec().eventType().equals("stream_batch") && family.spec().name().endsWith("_rate")) {
                assertThat(family.samples()).as(family.spec().name()).hasSize(1);
            }
        }
        List<SeriesState> streamStates = statesOf(engine, "stream_batch");
        assertThat(streamStates).hasSize(5).allSatisfy(state -> assertThat(state.sharesValuesWith(streamStates.get(0))).isTrue());
        assertThat(rate(snapshot, "input_rows")).isEqualTo(30.0 / W);
    }

    private static double rate(GatewaySnapshot snapshot, String field) {
        return snapshot.families().stream()
                .filter(family -> family.spec().eventType().equals("stream_batch") && field.equals(family.spec().valueField()))
                .map(family -> ((GaugeSample) family.samples().get(0)).value())
                .findFirst().orElseThrow();
    }

    private static List<SeriesState> statesOf(AggregationEngine engine, String eventType) {
        List<SeriesState> states = new ArrayList<>();
        for (MetricAggregator<?> aggregator : engine.aggregators()) {
            if (aggregator.spec.eventType().equals(eventType)) {
                aggregator.states().forEach(states::add);
            }
        }
        return states;
    }
}
