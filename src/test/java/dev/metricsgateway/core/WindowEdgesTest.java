package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.TectonEvents.FeatureView;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sliding window's edges, the series TTL and the instance TTL (CONTRACT.md: "In the window"
 * means events whose time lies in (now − W, now], edges quantized to 1 s). Time only moves through
 * the {@code nowMillis} arguments.
 */
class WindowEdgesTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final long NOW_SECOND = NOW / 1000;
    private static final int W = 300;
    private static final long SERIES_TTL_MILLIS = 600_000;
    private static final long INSTANCE_TTL_MILLIS = 60_000;
    private static final String RATE = "feature_service_requests_total_rate";
    private static final String LATENCY = "feature_service_total_latency";
    private static final FeatureView CLICKS = new FeatureView("prod", "user_clicks", "fv-1");

    private AggregationEngine engine = engine(W);
    private TectonEvents events = new TectonEvents(engine);

    private static AggregationEngine engine(int windowSeconds) {
        return new AggregationEngine(CatalogLoader.loadDefault(),
                new WindowSettings(windowSeconds, SERIES_TTL_MILLIS, INSTANCE_TTL_MILLIS));
    }

    private Event request(long timeMillis) {
        return events.request(timeMillis, "us-west-2", "fs-1", "fraud_detection", 0.5, 200);
    }

    private SnapshotReader snapshotAt(long nowMillis) {
        return new SnapshotReader(engine.snapshot(nowMillis));
    }

    @ParameterizedTest(name = "W = {0} s")
    @ValueSource(ints = {300, 60, 1})
    void anEventInTheOldestSecondOfTheWindowCounts(int windowSeconds) {
        engine = engine(windowSeconds);
        events = new TectonEvents(engine);

        ApplyResult result = engine.apply(List.of(request((NOW_SECOND - windowSeconds + 1) * 1000)), NOW);

        assertThat(result).isEqualTo(new ApplyResult(1, 0));
        assertThat(snapshotAt(NOW).gauge(RATE, "us-west-2")).isEqualTo(1.0 / windowSeconds);
    }

    @ParameterizedTest(name = "W = {0} s")
    @ValueSource(ints = {300, 60, 1})
    void anEventOneSecondOlderIsLateAndAppliedToNothing(int windowSeconds) {
        engine = engine(windowSeconds);
        events = new TectonEvents(engine);

        ApplyResult result = engine.apply(List.of(request((NOW_SECOND - windowSeconds) * 1000 + 999)), NOW);

        assertThat(result).isEqualTo(new ApplyResult(0, 1));
        assertThat(snapshotAt(NOW).seriesCount()).isZero();
    }

    @Test
    void aLateEventOfEveryTypeIsAppliedToNothing() {
        long late = NOW - W * 1000L;
        ApplyResult result = engine.apply(List.of(
                request(late),
                events.utilization(late, "us-west-2", "i-a", 50),
                events.streamBatch(late, CLICKS, 1, 1, 1, late - 1000, late - 1000),
                events.servedFeature(late, CLICKS, late - 1000),
                events.ingest(late, "us-west-2", 0.1, 500, List.of(TectonEvents.write(CLICKS, 1, 1)))), NOW);

        assertThat(result).isEqualTo(new ApplyResult(0, 5));
        assertThat(snapshotAt(NOW).seriesCount()).isZero();
    }

    @Test
    void anEventAtExactlyNowCounts() {
        ApplyResult result = engine.apply(List.of(request(NOW)), NOW);

        assertThat(result).isEqualTo(new ApplyResult(1, 0));
        assertThat(snapshotAt(NOW).gauge(RATE, "us-west-2")).isEqualTo(1.0 / W);
    }

    @Test
    void aLateEventDoesNotPreventTheRestOfItsBatch() {
        ApplyResult result = engine.apply(List.of(request(NOW - 1000), request(NOW - 301_000), request(NOW)), NOW);

        assertThat(result).isEqualTo(new ApplyResult(2, 1));
        SnapshotReader snapshot = snapshotAt(NOW);
        assertThat(snapshot.gauge(RATE, "us-west-2")).isEqualTo(2.0 / W);
        assertThat(snapshot.summary(LATENCY).count()).isEqualTo(2);
    }

    @Test
    void advancingTimeMovesEventsOutOfTheWindow() {
        engine.apply(List.of(request(NOW - 100_000), request(NOW - 100_000), request(NOW)), NOW);

        assertThat(snapshotAt(NOW).gauge(RATE, "us-west-2")).isEqualTo(3.0 / W);
        assertThat(snapshotAt(NOW + 199_999).gauge(RATE, "us-west-2")).isEqualTo(3.0 / W);
        assertThat(snapshotAt(NOW + 200_000).gauge(RATE, "us-west-2")).isEqualTo(1.0 / W);
        assertThat(snapshotAt(NOW + 299_999).gauge(RATE, "us-west-2")).isEqualTo(1.0 / W);
        assertThat(snapshotAt(NOW + 300_000).gauge(RATE, "us-west-2")).isZero();
    }

    @Test
    void eventsAreWindowedByTheirOwnTimeNotByArrival() {
        engine.apply(List.of(request(NOW - 250_000)), NOW);

        assertThat(snapshotAt(NOW + 49_999).gauge(RATE, "us-west-2")).isEqualTo(1.0 / W);
        assertThat(snapshotAt(NOW + 50_000).gauge(RATE, "us-west-2")).isZero();
    }

    @Test
    void idleRateReadsZeroUntilTheSeriesTtl() {
        engine.apply(List.of(request(NOW)), NOW);

        for (long idleMillis : new long[] {W * 1000L, 400_000, SERIES_TTL_MILLIS - 1}) {
            SnapshotReader snapshot = snapshotAt(NOW + idleMillis);
            assertThat(snapshot.series(RATE)).as("after %d ms", idleMillis).containsExactly(List.of("us-west-2"));
            assertThat(snapshot.gauge(RATE, "us-west-2")).as("after %d ms", idleMillis).isZero();
        }
    }

    @Test
    void idleGaugesOtherThanRatesStayUntilTheSeriesTtl() {
        engine.apply(List.of(
                events.streamBatch(NOW, CLICKS, 10, 10, 10, NOW - 5000, NOW - 2000),
                events.servedFeature(NOW, CLICKS, NOW - 1000),
                events.utilization(NOW, "us-west-2", "i-a", 42),
                events.request(NOW, "us-west-2", "fs-1", "fraud_detection", 0.1, 500)), NOW);

        SnapshotReader snapshot = snapshotAt(NOW + SERIES_TTL_MILLIS - 1);

        assertThat(snapshot.gauge("spark_stream_input_rate", CLICKS.labels().toArray(String[]::new))).isZero();
        assertThat(snapshot.has("spark_stream_max_processed_event_age", CLICKS.labels().toArray(String[]::new))).isTrue();
        assertThat(snapshot.has("spark_stream_average_processed_event_age", CLICKS.labels().toArray(String[]::new))).isTrue();
        assertThat(snapshot.has("spark_stream_served_feature_age", CLICKS.labels().toArray(String[]::new))).isTrue();
        assertThat(snapshot.has("feature_server_utilization", "us-west-2")).isTrue();
        assertThat(snapshot.gauge("feature_server_errors_rate", "500")).isZero();
    }

    @Test
    void seriesDisappearAtTheSeriesTtlMeasuredFromTheirLastEvent() {
        engine.apply(List.of(request(NOW)), NOW);
        engine.apply(List.of(request(NOW + 100_000)), NOW + 100_000);
        long lastEvent = NOW + 100_000;

        assertThat(snapshotAt(lastEvent + SERIES_TTL_MILLIS - 1).has(RATE, "us-west-2")).isTrue();
        SnapshotReader afterTtl = snapshotAt(lastEvent + SERIES_TTL_MILLIS);
        assertThat(afterTtl.has(RATE, "us-west-2")).isFalse();
        assertThat(afterTtl.seriesCount()).isZero();
    }

    @Test
    void everySeriesOfEveryMetricDisappearsAtTheSeriesTtl() {
        engine.apply(List.of(
                request(NOW),
                events.request(NOW, "us-west-2", "fs-1", "fraud_detection", 0.1, 500),
                events.utilization(NOW, "us-west-2", "i-a", 42),
                events.streamBatch(NOW, CLICKS, 10, 10, 10, NOW - 5000, NOW - 2000),
                events.servedFeature(NOW, CLICKS, NOW - 1000),
                events.ingest(NOW, "us-west-2", 0.1, 500, List.of(TectonEvents.write(CLICKS, 1, 1)))), NOW);
        assertThat(snapshotAt(NOW).series("feature_server_utilization")).hasSize(1);

        assertThat(snapshotAt(NOW + SERIES_TTL_MILLIS).seriesCount()).isZero();
        assertThat(engine.seriesCountByMetric().values()).allMatch(count -> count == 0);
    }

    @Test
    void aSeriesWithOneRecentEventOutlivesItsSiblingsThatWentQuiet() {
        engine.apply(List.of(events.request(NOW, "eu-west-1", "fs-1", "fraud_detection", 0.1, 200)), NOW);
        engine.apply(List.of(request(NOW + 300_000)), NOW + 300_000);

        SnapshotReader snapshot = snapshotAt(NOW + SERIES_TTL_MILLIS);

        assertThat(snapshot.series(RATE)).containsExactly(List.of("us-west-2"));
    }

    @Test
    void summaryQuantilesBecomeNaNWhenTheWindowEmptiesWhileCountAndSumStay() {
        engine.apply(List.of(request(NOW), request(NOW)), NOW);

        SummarySample summary = snapshotAt(NOW + W * 1000L).summary(LATENCY);

        assertThat(Arrays.stream(summary.quantileValues()).boxed()).allMatch(value -> value.isNaN());
        assertThat(summary.count()).isEqualTo(2);
        assertThat(summary.sum()).isEqualTo(1.0);
    }

    @Test
    void anEvictedSummarySeriesStartsAfreshWhenItReappears() {
        engine.apply(List.of(request(NOW), request(NOW)), NOW);
        assertThat(snapshotAt(NOW + SERIES_TTL_MILLIS).has(LATENCY)).isFalse();

        long later = NOW + SERIES_TTL_MILLIS + 1000;
        engine.apply(List.of(request(later)), later);

        SummarySample summary = snapshotAt(later).summary(LATENCY);
        assertThat(summary.count()).isEqualTo(1);
        assertThat(summary.sum()).isEqualTo(0.5);
    }

    @Test
    void aSeriesIdleForTheTtlStartsAfreshEvenWhenNoSnapshotWasTakenMeanwhile() {
        engine.apply(List.of(request(NOW), request(NOW)), NOW);

        long later = NOW + SERIES_TTL_MILLIS + 1000;
        engine.apply(List.of(request(later)), later);

        // The output is a function of time: at NOW + TTL the series had disappeared whether or
        // not anyone scraped then, so the series seen at `later` appeared anew.
        SummarySample summary = snapshotAt(later).summary(LATENCY);
        assertThat(summary.count()).isEqualTo(1);
        assertThat(summary.sum()).isEqualTo(0.5);
    }

    @Test
    void aStaleInstanceDropsOutOfTheUtilizationMaximum() {
        engine.apply(List.of(events.utilization(NOW, "us-west-2", "i-a", 90)), NOW);
        engine.apply(List.of(events.utilization(NOW + 30_000, "us-west-2", "i-b", 30)), NOW + 30_000);

        assertThat(snapshotAt(NOW + INSTANCE_TTL_MILLIS - 1).gauge("feature_server_utilization", "us-west-2")).isEqualTo(90.0);
        assertThat(snapshotAt(NOW + INSTANCE_TTL_MILLIS).gauge("feature_server_utilization", "us-west-2")).isEqualTo(30.0);
        assertThat(snapshotAt(NOW + 30_000 + INSTANCE_TTL_MILLIS).gauge("feature_server_utilization", "us-west-2")).isNaN();
    }

    @Test
    void aStaleInstanceComesBackWithItsNextSample() {
        engine.apply(List.of(events.utilization(NOW, "us-west-2", "i-a", 90)), NOW);
        assertThat(snapshotAt(NOW + INSTANCE_TTL_MILLIS).gauge("feature_server_utilization", "us-west-2")).isNaN();

        long later = NOW + 2 * INSTANCE_TTL_MILLIS;
        engine.apply(List.of(events.utilization(later, "us-west-2", "i-a", 15)), later);

        assertThat(snapshotAt(later).gauge("feature_server_utilization", "us-west-2")).isEqualTo(15.0);
    }

    @Test
    void aFutureDatedEventIsPlacedInTheCurrentSecond() {
        ApplyResult result = engine.apply(List.of(request(NOW + 5_000)), NOW);

        assertThat(result).isEqualTo(new ApplyResult(1, 0));
        assertThat(snapshotAt(NOW).gauge(RATE, "us-west-2")).isEqualTo(1.0 / W);
        assertThat(snapshotAt(NOW + W * 1000L - 1).gauge(RATE, "us-west-2")).isEqualTo(1.0 / W);
        assertThat(snapshotAt(NOW + W * 1000L).gauge(RATE, "us-west-2")).isZero();
    }

    @Test
    void aFutureDatedEventKeepsItsOwnTimeForAges() {
        engine.apply(List.of(
                events.servedFeature(NOW + 2_000, CLICKS, NOW - 1_000),
                events.streamBatch(NOW + 2_000, CLICKS, 1, 1, 1, NOW - 4_000, NOW - 1_000)), NOW);

        SnapshotReader snapshot = snapshotAt(NOW);
        String[] clicks = CLICKS.labels().toArray(String[]::new);

        assertThat(snapshot.gauge("spark_stream_served_feature_age", clicks)).isEqualTo(3.0);
        assertThat(snapshot.gauge("spark_stream_max_processed_event_age", clicks)).isEqualTo(6.0);
        assertThat(snapshot.gauge("spark_stream_average_processed_event_age", clicks)).isEqualTo(3.0);
    }

    @Test
    void ageGaugesBecomeNaNWhenTheWindowEmpties() {
        engine.apply(List.of(
                events.servedFeature(NOW, CLICKS, NOW - 1_000),
                events.streamBatch(NOW, CLICKS, 1, 1, 1, NOW - 4_000, NOW - 1_000)), NOW);

        SnapshotReader snapshot = snapshotAt(NOW + W * 1000L);
        String[] clicks = CLICKS.labels().toArray(String[]::new);

        assertThat(snapshot.gauge("spark_stream_served_feature_age", clicks)).isNaN();
        assertThat(snapshot.gauge("spark_stream_max_processed_event_age", clicks)).isNaN();
        assertThat(snapshot.gauge("spark_stream_average_processed_event_age", clicks)).isNaN();
    }

    @Test
    void maxProcessedEventAgeForgetsAMaximumThatLeftTheWindow() {
        String[] clicks = CLICKS.labels().toArray(String[]::new);
        engine.apply(List.of(events.streamBatch(NOW, CLICKS, 1, 1, 1, NOW - 90_000, NOW - 1_000)), NOW);
        long later = NOW + 200_000;
        engine.apply(List.of(events.streamBatch(later, CLICKS, 1, 1, 1, later - 7_000, later - 1_000)), later);

        assertThat(snapshotAt(later).gauge("spark_stream_max_processed_event_age", clicks)).isEqualTo(90.0);
        assertThat(snapshotAt(NOW + W * 1000L).gauge("spark_stream_max_processed_event_age", clicks)).isEqualTo(7.0);
    }

    @Test
    void aSnapshotIsTheSameWhereverInItsSecondItIsTaken() {
        engine.apply(List.of(request(NOW - 299_000)), NOW);

        assertThat(snapshotAt(NOW).gauge(RATE, "us-west-2")).isEqualTo(1.0 / W);
        assertThat(snapshotAt(NOW + 999).gauge(RATE, "us-west-2")).isEqualTo(1.0 / W);
        assertThat(snapshotAt(NOW + 1000).gauge(RATE, "us-west-2")).isZero();
    }
}
