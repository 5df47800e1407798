package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.testing.TestEvents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A metric records a batch in runs of {@link InputRun#CAPACITY} inputs whose series are all
 * looked up before any is recorded. What that must not change: inputs of a series the run
 * creates, inputs of a series that expires inside the run, inputs spread over several runs, and
 * the order of inputs (the latest sample of an instance wins).
 */
class InputRunTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int W = WindowSettings.defaults().windowSeconds();
    private static final int INPUTS = 3 * InputRun.CAPACITY + 5;

    @Test
    void everyInputOfANewSeriesCountsInARunThatCreatesIt() {
        AggregationEngine engine = newEngine();
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            batch.add(request(engine, "fs-" + (i % 3), T0));
        }

        engine.apply(batch, T0);

        for (int fs = 0; fs < 3; fs++) {
            long expected = (INPUTS - fs + 2) / 3;
            assertThat(requestRate(engine.snapshot(T0), "fs-" + fs)).as("fs-%d", fs).isEqualTo((double) expected / W);
        }
    }

    @Test
    void aSeriesThatExpiresInsideARunRestartsOnceAndKeepsEveryLaterInput() {
        AggregationEngine engine = newEngine();
        engine.apply(List.of(request(engine, "fs-0", T0)), T0);
        long later = T0 + WindowSettings.DEFAULT_SERIES_TTL_MILLIS;
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            batch.add(request(engine, "fs-0", later));
        }

        engine.apply(batch, later);

        // the run looked the expired state up for every input; the first input evicted it, the others must find the new one
        assertThat(requestRate(engine.snapshot(later), "fs-0")).isEqualTo((double) INPUTS / W);
    }

    @Test
    void theLatestSampleOfAnInstanceWinsAcrossRuns() {
        AggregationEngine engine = newEngine();
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) {
            batch.add(TestEvents.event(engine.schemas(), "server_utilization", T0, Map.of("aws_region", "us-west-2",
                    "instance", "i-" + (i % 2), "utilization_percent", i == INPUTS - 2 ? 10.0 : 90.0 - i)));
        }

        engine.apply(batch, T0);

        // i-0 and i-1 end on 90 - (INPUTS - 1) and 10: the maximum over instances is the larger of those, not an earlier 90
        double expected = Math.max(90.0 - (INPUTS - 1), 10.0);
        assertThat(gauge(engine.snapshot(T0), "feature_server_utilization", List.of("us-west-2"))).isEqualTo(expected);
    }

    @Test
    void aBatchThatFailsInsideARunLeavesNothingOfItForTheNextBatch() {
        AggregationEngine engine = newEngine();
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < InputRun.CAPACITY - 1; i++) {
            batch.add(request(engine, "fs-0", T0));
        }
        Map<String, Object> broken = new HashMap<>(Map.of("aws_region", "us-west-2", "feature_service_id", "fs-0",
                "latency_seconds", 0.01, "status", 200));
        broken.put("feature_service_name", null); // no decoder lets this through: it fails the run while it fills
        batch.add(TestEvents.event(engine.schemas(), "feature_request", T0, broken));

        assertThatThrownBy(() -> engine.apply(batch, T0)).isInstanceOf(NullPointerException.class);
        engine.apply(List.of(request(engine, "fs-1", T0)), T0);

        assertThat(samples(engine.snapshot(T0), "feature_service_requests_rate"))
                .as("only the next batch's series: the failed run's inputs were dropped, not recorded with it")
                .containsExactly(new GaugeSample(List.of("us-west-2", "fs-1", "svc"), 1.0 / W));
    }

    private static Event request(AggregationEngine engine, String featureService, long timeMillis) {
        return TestEvents.event(engine.schemas(), "feature_request", timeMillis, Map.of("aws_region", "us-west-2",
                "feature_service_id", featureService, "feature_service_name", "svc", "latency_seconds", 0.01, "status", 200));
    }

    private static double requestRate(GatewaySnapshot snapshot, String featureService) {
        return gauge(snapshot, "feature_service_requests_rate", List.of("us-west-2", featureService, "svc"));
    }

    private static List<SeriesSample> samples(GatewaySnapshot snapshot, String metric) {
        return snapshot.families().stream().filter(family -> family.spec().name().equals(metric))
                .flatMap(family -> family.samples().stream()).toList();
    }

    private static double gauge(GatewaySnapshot snapshot, String metric, List<String> labelValues) {
        return samples(snapshot, metric).stream()
                .filter(sample -> sample.labelValues().equals(labelValues))
                .map(GaugeSample.class::cast)
                .findFirst().orElseThrow().value();
    }

    private static AggregationEngine newEngine() {
        return new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
    }
}
