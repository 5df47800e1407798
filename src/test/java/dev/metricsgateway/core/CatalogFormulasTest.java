package dev.metricsgateway.core;

import static dev.metricsgateway.core.TectonEvents.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.TectonEvents.FeatureView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every metric of the default catalog against hand-computed values (CONTRACT.md, "The default
 * catalog"). Events are dated inside the window and the snapshot is taken at {@link #NOW}.
 */
class CatalogFormulasTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final long SERIES_TTL_MILLIS = 600_000;
    private static final long INSTANCE_TTL_MILLIS = 60_000;

    private static final FeatureView CLICKS = new FeatureView("prod", "user_clicks", "fv-1");
    private static final FeatureView CLICKS_V2 = new FeatureView("prod", "user_clicks", "fv-2");
    private static final FeatureView TXNS = new FeatureView("staging", "txn_counts", "fv-3");

    private AggregationEngine engine;
    private TectonEvents events;

    private void start(int windowSeconds) {
        engine = new AggregationEngine(CatalogLoader.loadDefault(),
                new WindowSettings(windowSeconds, SERIES_TTL_MILLIS, INSTANCE_TTL_MILLIS));
        events = new TectonEvents(engine);
    }

    private SnapshotReader applyAndSnapshot(List<Event> batch) {
        ApplyResult result = engine.apply(batch, NOW);
        assertThat(result.late()).as("late events").isZero();
        return new SnapshotReader(engine.snapshot(NOW));
    }

    private static long secondsAgo(double seconds) {
        return NOW - Math.round(seconds * 1000);
    }

    @Test
    void theSnapshotHasOneFamilyPerCatalogMetricInNameOrder() {
        start(300);
        GatewaySnapshot snapshot = engine.snapshot(NOW);

        assertThat(snapshot.computedAtMillis()).isEqualTo(NOW);
        assertThat(snapshot.families()).extracting(family -> family.spec().name()).containsExactly(
                "feature_server_errors_rate",
                "feature_server_utilization",
                "feature_service_latency",
                "feature_service_requests_rate",
                "feature_service_requests_total_rate",
                "feature_service_total_latency",
                "spark_stream_average_processed_event_age",
                "spark_stream_input_rate",
                "spark_stream_max_processed_event_age",
                "spark_stream_online_store_write_rate",
                "spark_stream_processing_rate",
                "spark_stream_served_feature_age",
                "stream_ingestapi_offline_store_write_rate",
                "stream_ingestapi_online_store_write_rate",
                "stream_ingestapi_request_processing_error_rate",
                "stream_ingestapi_request_processing_latency",
                "stream_ingestapi_request_rate");
        assertThat(new SnapshotReader(snapshot).seriesCount()).isZero();
    }

    // feature_service_requests_total_rate and feature_service_requests_rate

    @ParameterizedTest(name = "W = {0} s")
    @CsvSource({"300, 0.1, 0.05", "60, 0.5, 0.25"})
    void requestsTotalRateIsTheRegionsRequestsInTheWindowDividedByW(int windowSeconds, double usRate, double euRate) {
        start(windowSeconds);
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(events.request(secondsAgo(i), "us-west-2", "fs-" + (i % 3), "service_" + (i % 3), 0.01, 200));
        }
        for (int i = 0; i < 15; i++) {
            batch.add(events.request(secondsAgo(i), "eu-west-1", "fs-0", "service_0", 0.01, 500));
        }

        SnapshotReader snapshot = applyAndSnapshot(batch);

        assertThat(snapshot.series("feature_service_requests_total_rate"))
                .containsExactly(List.of("eu-west-1"), List.of("us-west-2"));
        assertThat(snapshot.gauge("feature_service_requests_total_rate", "us-west-2")).isEqualTo(usRate);
        assertThat(snapshot.gauge("feature_service_requests_total_rate", "eu-west-1")).isEqualTo(euRate);
    }

    @ParameterizedTest(name = "W = {0} s")
    @CsvSource({"300, 0.2, 0.01", "60, 1.0, 0.05"})
    void requestsRateIsPerRegionAndFeatureService(int windowSeconds, double busyRate, double quietRate) {
        start(windowSeconds);
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            batch.add(events.request(secondsAgo(i % 50), "us-west-2", "fs-1", "fraud_detection", 0.01, 200));
        }
        for (int i = 0; i < 3; i++) {
            batch.add(events.request(secondsAgo(i), "us-west-2", "fs-2", "recommendations", 0.01, 200));
            batch.add(events.request(secondsAgo(i), "eu-west-1", "fs-2", "recommendations", 0.01, 200));
        }

        SnapshotReader snapshot = applyAndSnapshot(batch);

        assertThat(snapshot.series("feature_service_requests_rate")).containsExactly(
                List.of("eu-west-1", "fs-2", "recommendations"),
                List.of("us-west-2", "fs-1", "fraud_detection"),
                List.of("us-west-2", "fs-2", "recommendations"));
        assertThat(snapshot.gauge("feature_service_requests_rate", "us-west-2", "fs-1", "fraud_detection")).isEqualTo(busyRate);
        assertThat(snapshot.gauge("feature_service_requests_rate", "us-west-2", "fs-2", "recommendations")).isEqualTo(quietRate);
        assertThat(snapshot.gauge("feature_service_requests_rate", "eu-west-1", "fs-2", "recommendations")).isEqualTo(quietRate);
    }

    // feature_service_total_latency and feature_service_latency

    @Test
    void totalLatencySummaryHasNearestRankQuantilesAndExactCountAndSum() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.request(secondsAgo(3), "us-west-2", "fs-1", "a", 0.25, 200),
                events.request(secondsAgo(2), "us-west-2", "fs-2", "b", 0.5, 200),
                events.request(secondsAgo(1), "eu-west-1", "fs-1", "a", 0.75, 500),
                events.request(secondsAgo(0), "eu-west-1", "fs-3", "c", 1.0, 200)));

        assertThat(snapshot.series("feature_service_total_latency")).containsExactly(List.of());
        SummarySample summary = snapshot.summary("feature_service_total_latency");
        assertThat(summary.count()).isEqualTo(4);
        assertThat(summary.sum()).isEqualTo(2.5);
        // nearest rank of 4 values: q0.5 -> 2nd, q0.9 and above -> 4th
        assertQuantilesNear(summary, 0.5, 1.0, 1.0, 1.0, 1.0);
    }

    @Test
    void latencySummaryIsPerFeatureService() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.request(secondsAgo(3), "us-west-2", "fs-1", "fraud_detection", 0.125, 200),
                events.request(secondsAgo(2), "eu-west-1", "fs-1", "fraud_detection", 0.375, 200),
                events.request(secondsAgo(1), "us-west-2", "fs-2", "recommendations", 2.0, 200)));

        assertThat(snapshot.series("feature_service_latency")).containsExactly(
                List.of("fs-1", "fraud_detection"), List.of("fs-2", "recommendations"));
        SummarySample fraud = snapshot.summary("feature_service_latency", "fs-1", "fraud_detection");
        assertThat(fraud.count()).isEqualTo(2);
        assertThat(fraud.sum()).isEqualTo(0.5);
        assertQuantilesNear(fraud, 0.125, 0.375, 0.375, 0.375, 0.375);
        SummarySample recommendations = snapshot.summary("feature_service_latency", "fs-2", "recommendations");
        assertThat(recommendations.count()).isEqualTo(1);
        assertThat(recommendations.sum()).isEqualTo(2.0);
        assertQuantilesNear(recommendations, 2.0, 2.0, 2.0, 2.0, 2.0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"log-uniform", "uniform"})
    void latencyQuantilesAreWithinOnePercentOfTheExactNearestRankQuantiles(String distribution) {
        start(300);
        Random random = new Random(20_240_601L);
        DoubleSupplier latency = distribution.equals("uniform")
                ? () -> 0.001 + random.nextDouble() * (10 - 0.001)
                : () -> 0.001 * Math.pow(10_000, random.nextDouble());
        int n = 10_000;
        double[] latencies = new double[n];
        double expectedSum = 0;
        List<Event> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            latencies[i] = latency.getAsDouble();
            expectedSum += latencies[i];
            batch.add(events.request(secondsAgo(i % 300), "us-west-2", "fs-1", "fraud_detection", latencies[i], 200));
        }

        SnapshotReader snapshot = applyAndSnapshot(batch);

        double[] expected = nearestRankQuantiles(latencies);
        for (String metric : List.of("feature_service_total_latency", "feature_service_latency")) {
            SummarySample summary = metric.equals("feature_service_total_latency")
                    ? snapshot.summary(metric) : snapshot.summary(metric, "fs-1", "fraud_detection");
            assertThat(summary.count()).as(metric + "_count").isEqualTo(n);
            assertThat(summary.sum()).as(metric + "_sum").isCloseTo(expectedSum, within(expectedSum * 1e-12));
            for (int q = 0; q < Quantiles.count(); q++) {
                assertThat(summary.quantileValue(q)).as(metric + " quantile " + Quantiles.at(q))
                        .isCloseTo(expected[q], within(expected[q] * 0.01));
            }
        }
    }

    @Test
    void summaryCountAndSumAreCumulativeWhileQuantilesCoverOnlyTheWindow() {
        start(60);
        long earlier = NOW - 120_000;
        engine.apply(List.of(
                events.request(earlier, "us-west-2", "fs-1", "a", 8.0, 200),
                events.request(earlier, "us-west-2", "fs-1", "a", 8.0, 200)), earlier);

        SnapshotReader snapshot = applyAndSnapshot(List.of(events.request(NOW, "us-west-2", "fs-1", "a", 0.5, 200)));

        SummarySample total = snapshot.summary("feature_service_total_latency");
        assertThat(total.count()).isEqualTo(3);
        assertThat(total.sum()).isEqualTo(16.5);
        assertQuantilesNear(total, 0.5, 0.5, 0.5, 0.5, 0.5);
    }

    // feature_server_errors_rate

    @Test
    void errorsRateIsOneHundredTimesEachErrorStatusOverAllRequestsInTheWindow() {
        start(300);
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 28; i++) {
            batch.add(events.request(secondsAgo(i), i % 2 == 0 ? "us-west-2" : "eu-west-1", "fs-" + (i % 4), "s" + (i % 4), 0.01, 200));
        }
        for (int i = 0; i < 2; i++) {
            batch.add(events.request(secondsAgo(i), "us-west-2", "fs-1", "s1", 0.01, 302));
        }
        for (int i = 0; i < 6; i++) {
            batch.add(events.request(secondsAgo(i), i % 2 == 0 ? "us-west-2" : "eu-west-1", "fs-2", "s2", 0.01, 500));
        }
        for (int i = 0; i < 4; i++) {
            batch.add(events.request(secondsAgo(i), "us-west-2", "fs-3", "s3", 0.01, 404));
        }

        SnapshotReader snapshot = applyAndSnapshot(batch);

        assertThat(snapshot.series("feature_server_errors_rate")).containsExactly(List.of("404"), List.of("500"));
        assertThat(snapshot.gauge("feature_server_errors_rate", "500")).isEqualTo(15.0);
        assertThat(snapshot.gauge("feature_server_errors_rate", "404")).isEqualTo(10.0);
    }

    @Test
    void errorsRateCountsStatus400AndNothingBelowIt() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.request(NOW, "us-west-2", "fs-1", "a", 0.01, 399),
                events.request(NOW, "us-west-2", "fs-1", "a", 0.01, 400),
                events.request(NOW, "us-west-2", "fs-1", "a", 0.01, 599),
                events.request(NOW, "us-west-2", "fs-1", "a", 0.01, 100)));

        assertThat(snapshot.series("feature_server_errors_rate")).containsExactly(List.of("400"), List.of("599"));
        assertThat(snapshot.gauge("feature_server_errors_rate", "400")).isEqualTo(25.0);
        assertThat(snapshot.gauge("feature_server_errors_rate", "599")).isEqualTo(25.0);
    }

    @Test
    void errorsRateReadsZeroWhenTheWindowIsEmpty() {
        start(60);
        long earlier = NOW - 90_000;
        engine.apply(List.of(events.request(earlier, "us-west-2", "fs-1", "a", 0.01, 503)), earlier);

        SnapshotReader snapshot = new SnapshotReader(engine.snapshot(NOW));

        assertThat(snapshot.gauge("feature_server_errors_rate", "503")).isZero();
    }

    @Test
    void errorsRateCountsOnlyRequestsInTheWindowOnBothSidesOfTheRatio() {
        start(60);
        long earlier = NOW - 90_000;
        List<Event> old = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            old.add(events.request(earlier, "us-west-2", "fs-1", "a", 0.01, i < 5 ? 500 : 200));
        }
        engine.apply(old, earlier);

        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.request(NOW, "us-west-2", "fs-1", "a", 0.01, 500),
                events.request(NOW, "us-west-2", "fs-1", "a", 0.01, 200),
                events.request(NOW, "us-west-2", "fs-1", "a", 0.01, 200),
                events.request(NOW, "us-west-2", "fs-1", "a", 0.01, 200)));

        assertThat(snapshot.gauge("feature_server_errors_rate", "500")).isEqualTo(25.0);
    }

    // feature_server_utilization

    @Test
    void utilizationIsTheMaximumOverInstancesOfTheirLatestSample() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.utilization(secondsAgo(30), "us-west-2", "i-a", 80),
                events.utilization(secondsAgo(10), "us-west-2", "i-a", 20),
                events.utilization(secondsAgo(5), "us-west-2", "i-b", 55.5),
                events.utilization(secondsAgo(1), "eu-west-1", "i-c", 12.25)));

        assertThat(snapshot.series("feature_server_utilization")).containsExactly(List.of("eu-west-1"), List.of("us-west-2"));
        assertThat(snapshot.gauge("feature_server_utilization", "us-west-2")).isEqualTo(55.5);
        assertThat(snapshot.gauge("feature_server_utilization", "eu-west-1")).isEqualTo(12.25);
    }

    @Test
    void utilizationTakesTheLatestSampleByEventTimeNotByArrival() {
        start(300);
        engine.apply(List.of(events.utilization(secondsAgo(1), "us-west-2", "i-a", 30)), NOW);

        SnapshotReader snapshot = applyAndSnapshot(List.of(events.utilization(secondsAgo(20), "us-west-2", "i-a", 99)));

        assertThat(snapshot.gauge("feature_server_utilization", "us-west-2")).isEqualTo(30.0);
    }

    @Test
    void utilizationIgnoresInstancesWhoseLatestSampleIsAsOldAsTheInstanceTtl() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.utilization(NOW - INSTANCE_TTL_MILLIS, "us-west-2", "i-a", 90),
                events.utilization(NOW - INSTANCE_TTL_MILLIS + 1, "us-west-2", "i-b", 40)));

        assertThat(snapshot.gauge("feature_server_utilization", "us-west-2")).isEqualTo(40.0);
    }

    @Test
    void utilizationIsNaNWhenNoInstanceIsLive() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.utilization(secondsAgo(61), "us-west-2", "i-a", 90),
                events.utilization(secondsAgo(120), "us-west-2", "i-b", 40)));

        assertThat(snapshot.gauge("feature_server_utilization", "us-west-2")).isNaN();
    }

    // spark_stream_max_processed_event_age and spark_stream_average_processed_event_age

    @Test
    void maxProcessedEventAgeIsTheLargestTimeMinusMinEventTimeInSeconds() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.streamBatch(secondsAgo(10), CLICKS, 10, 10, 10, secondsAgo(10) - 42_500, secondsAgo(10) - 1_000),
                events.streamBatch(secondsAgo(5), CLICKS, 10, 10, 10, secondsAgo(5) - 12_000, secondsAgo(5) - 1_000),
                events.streamBatch(secondsAgo(5), CLICKS_V2, 10, 10, 10, secondsAgo(5) - 250, secondsAgo(5) - 100),
                events.streamBatch(secondsAgo(1), TXNS, 10, 10, 10, secondsAgo(1) - 3_000, secondsAgo(1) - 1_000)));

        assertThat(snapshot.series("spark_stream_max_processed_event_age"))
                .containsExactly(CLICKS.labels(), CLICKS_V2.labels(), TXNS.labels());
        assertThat(snapshot.gauge("spark_stream_max_processed_event_age", "prod", "user_clicks", "fv-1")).isEqualTo(42.5);
        assertThat(snapshot.gauge("spark_stream_max_processed_event_age", "prod", "user_clicks", "fv-2")).isEqualTo(0.25);
        assertThat(snapshot.gauge("spark_stream_max_processed_event_age", "staging", "txn_counts", "fv-3")).isEqualTo(3.0);
    }

    @Test
    void averageProcessedEventAgeIsWeightedByProcessedRows() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.streamBatch(secondsAgo(20), CLICKS, 500, 100, 0, secondsAgo(20) - 60_000, secondsAgo(20) - 10_000),
                events.streamBatch(secondsAgo(2), CLICKS, 500, 300, 0, secondsAgo(2) - 60_000, secondsAgo(2) - 30_000),
                events.streamBatch(secondsAgo(1), CLICKS, 500, 0, 0, secondsAgo(1) - 900_000, secondsAgo(1) - 900_000),
                events.streamBatch(secondsAgo(1), TXNS, 7, 7, 7, secondsAgo(1) - 2_000, secondsAgo(1) - 1_500)));

        // (100 × 10 s + 300 × 30 s + 0 × 900 s) / (100 + 300 + 0) = 25 s
        assertThat(snapshot.gauge("spark_stream_average_processed_event_age", "prod", "user_clicks", "fv-1")).isEqualTo(25.0);
        assertThat(snapshot.gauge("spark_stream_average_processed_event_age", "staging", "txn_counts", "fv-3")).isEqualTo(1.5);
    }

    // spark_stream_input_rate, spark_stream_processing_rate, spark_stream_online_store_write_rate

    @ParameterizedTest(name = "W = {0} s")
    @CsvSource({"300, 3.0, 1.5, 0.5", "60, 15.0, 7.5, 2.5"})
    void streamRowRatesAreTheRowsInTheWindowDividedByW(int windowSeconds, double inputRate, double processingRate, double onlineRate) {
        start(windowSeconds);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.streamBatch(secondsAgo(30), CLICKS, 600, 300, 100, secondsAgo(31), secondsAgo(30)),
                events.streamBatch(secondsAgo(1), CLICKS, 300, 150, 50, secondsAgo(2), secondsAgo(1)),
                events.streamBatch(secondsAgo(1), CLICKS_V2, 60, 60, 60, secondsAgo(2), secondsAgo(1))));

        String[] clicks = CLICKS.labels().toArray(String[]::new);
        assertThat(snapshot.gauge("spark_stream_input_rate", clicks)).isEqualTo(inputRate);
        assertThat(snapshot.gauge("spark_stream_processing_rate", clicks)).isEqualTo(processingRate);
        assertThat(snapshot.gauge("spark_stream_online_store_write_rate", clicks)).isEqualTo(onlineRate);
        String[] clicksV2 = CLICKS_V2.labels().toArray(String[]::new);
        double v2Rate = 60.0 / windowSeconds;
        assertThat(snapshot.gauge("spark_stream_input_rate", clicksV2)).isEqualTo(v2Rate);
        assertThat(snapshot.gauge("spark_stream_processing_rate", clicksV2)).isEqualTo(v2Rate);
        assertThat(snapshot.gauge("spark_stream_online_store_write_rate", clicksV2)).isEqualTo(v2Rate);
    }

    // spark_stream_served_feature_age

    @Test
    void servedFeatureAgeIsTheMeanOfTimeMinusFeatureTimeInSeconds() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.servedFeature(secondsAgo(30), CLICKS, secondsAgo(30) - 2_000),
                events.servedFeature(secondsAgo(10), CLICKS, secondsAgo(10) - 4_000),
                events.servedFeature(secondsAgo(0), CLICKS, secondsAgo(0) - 9_000),
                events.servedFeature(secondsAgo(0), TXNS, secondsAgo(0) - 500)));

        assertThat(snapshot.series("spark_stream_served_feature_age")).containsExactly(CLICKS.labels(), TXNS.labels());
        assertThat(snapshot.gauge("spark_stream_served_feature_age", "prod", "user_clicks", "fv-1")).isEqualTo(5.0);
        assertThat(snapshot.gauge("spark_stream_served_feature_age", "staging", "txn_counts", "fv-3")).isEqualTo(0.5);
    }

    // stream_ingestapi_request_rate, _processing_latency, _processing_error_rate

    @ParameterizedTest(name = "W = {0} s")
    @CsvSource({"300, 0.04, 0.01", "60, 0.2, 0.05"})
    void ingestRequestRateIsTheRegionsRequestsDividedByW(int windowSeconds, double usRate, double euRate) {
        start(windowSeconds);
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            batch.add(events.ingest(secondsAgo(i * 4), "us-west-2", 0.02, i % 3 == 0 ? 500 : 200));
        }
        for (int i = 0; i < 3; i++) {
            batch.add(events.ingest(secondsAgo(i), "eu-west-1", 0.02, 200));
        }

        SnapshotReader snapshot = applyAndSnapshot(batch);

        assertThat(snapshot.series("stream_ingestapi_request_rate")).containsExactly(List.of("eu-west-1"), List.of("us-west-2"));
        assertThat(snapshot.gauge("stream_ingestapi_request_rate", "us-west-2")).isEqualTo(usRate);
        assertThat(snapshot.gauge("stream_ingestapi_request_rate", "eu-west-1")).isEqualTo(euRate);
    }

    @Test
    void ingestProcessingLatencyIsASummaryPerRegion() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.ingest(secondsAgo(3), "us-west-2", 0.0625, 200),
                events.ingest(secondsAgo(2), "us-west-2", 0.25, 200),
                events.ingest(secondsAgo(1), "us-west-2", 0.125, 500),
                events.ingest(secondsAgo(1), "eu-west-1", 4.0, 200)));

        assertThat(snapshot.series("stream_ingestapi_request_processing_latency"))
                .containsExactly(List.of("eu-west-1"), List.of("us-west-2"));
        SummarySample us = snapshot.summary("stream_ingestapi_request_processing_latency", "us-west-2");
        assertThat(us.count()).isEqualTo(3);
        assertThat(us.sum()).isEqualTo(0.4375);
        assertQuantilesNear(us, 0.125, 0.25, 0.25, 0.25, 0.25);
        SummarySample eu = snapshot.summary("stream_ingestapi_request_processing_latency", "eu-west-1");
        assertThat(eu.count()).isEqualTo(1);
        assertThat(eu.sum()).isEqualTo(4.0);
        assertQuantilesNear(eu, 4.0, 4.0, 4.0, 4.0, 4.0);
    }

    @Test
    void ingestProcessingLatencyQuantilesAreWithinOnePercentOfTheExactNearestRankQuantiles() {
        start(300);
        Random random = new Random(7L);
        int n = 10_000;
        double[] latencies = new double[n];
        List<Event> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            latencies[i] = 0.001 * Math.pow(10_000, random.nextDouble());
            batch.add(events.ingest(secondsAgo(i % 300), "us-west-2", latencies[i], 200));
        }

        SummarySample summary = applyAndSnapshot(batch).summary("stream_ingestapi_request_processing_latency", "us-west-2");

        double[] expected = nearestRankQuantiles(latencies);
        assertThat(summary.count()).isEqualTo(n);
        for (int q = 0; q < Quantiles.count(); q++) {
            assertThat(summary.quantileValue(q)).as("quantile " + Quantiles.at(q)).isCloseTo(expected[q], within(expected[q] * 0.01));
        }
    }

    @ParameterizedTest(name = "W = {0} s")
    @CsvSource({"300, 0.01, 0.02, 0.01", "60, 0.05, 0.1, 0.05"})
    void ingestErrorRateIsRequestsPerStatusClassDividedByW(int windowSeconds, double us4xx, double us5xx, double eu5xx) {
        start(windowSeconds);
        List<Event> batch = new ArrayList<>();
        for (int status : new int[] {400, 404, 429}) {
            batch.add(events.ingest(secondsAgo(5), "us-west-2", 0.01, status));
        }
        for (int status : new int[] {500, 503, 503, 502, 599, 500}) {
            batch.add(events.ingest(secondsAgo(4), "us-west-2", 0.01, status));
        }
        for (int status : new int[] {500, 500, 504}) {
            batch.add(events.ingest(secondsAgo(3), "eu-west-1", 0.01, status));
        }
        for (int status : new int[] {200, 201, 302, 399, 100}) {
            batch.add(events.ingest(secondsAgo(2), "us-west-2", 0.01, status));
            batch.add(events.ingest(secondsAgo(2), "eu-west-1", 0.01, status));
        }

        SnapshotReader snapshot = applyAndSnapshot(batch);

        assertThat(snapshot.series("stream_ingestapi_request_processing_error_rate")).containsExactly(
                List.of("eu-west-1", "5xx"), List.of("us-west-2", "4xx"), List.of("us-west-2", "5xx"));
        assertThat(snapshot.gauge("stream_ingestapi_request_processing_error_rate", "us-west-2", "4xx")).isEqualTo(us4xx);
        assertThat(snapshot.gauge("stream_ingestapi_request_processing_error_rate", "us-west-2", "5xx")).isEqualTo(us5xx);
        assertThat(snapshot.gauge("stream_ingestapi_request_processing_error_rate", "eu-west-1", "5xx")).isEqualTo(eu5xx);
    }

    // stream_ingestapi_online_store_write_rate and stream_ingestapi_offline_store_write_rate

    @ParameterizedTest(name = "W = {0} s")
    @CsvSource({"300, 1.0, 0.2, 0.5, 0.0, 0.01, 0.03", "60, 5.0, 1.0, 2.5, 0.0, 0.05, 0.15"})
    void ingestStoreWriteRatesSumTheWritesPerFeatureViewDividedByW(int windowSeconds,
            double clicksOnline, double clicksOffline, double clicksV2Online, double clicksV2Offline,
            double txnsOnline, double txnsOffline) {
        start(windowSeconds);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.ingest(secondsAgo(9), "us-west-2", 0.01, 200, List.of(
                        write(CLICKS, 100, 40), write(CLICKS_V2, 150, 0))),
                events.ingest(secondsAgo(3), "eu-west-1", 0.01, 200, List.of(
                        write(CLICKS, 200, 20), write(TXNS, 3, 9))),
                events.ingest(secondsAgo(1), "us-west-2", 0.01, 200),
                events.ingest(secondsAgo(1), "us-west-2", 0.01, 200, List.of())));

        assertThat(snapshot.series("stream_ingestapi_online_store_write_rate"))
                .containsExactly(CLICKS.labels(), CLICKS_V2.labels(), TXNS.labels());
        assertThat(snapshot.series("stream_ingestapi_offline_store_write_rate"))
                .containsExactly(CLICKS.labels(), CLICKS_V2.labels(), TXNS.labels());
        assertThat(snapshot.gauge("stream_ingestapi_online_store_write_rate", "prod", "user_clicks", "fv-1")).isEqualTo(clicksOnline);
        assertThat(snapshot.gauge("stream_ingestapi_offline_store_write_rate", "prod", "user_clicks", "fv-1")).isEqualTo(clicksOffline);
        assertThat(snapshot.gauge("stream_ingestapi_online_store_write_rate", "prod", "user_clicks", "fv-2")).isEqualTo(clicksV2Online);
        assertThat(snapshot.gauge("stream_ingestapi_offline_store_write_rate", "prod", "user_clicks", "fv-2")).isEqualTo(clicksV2Offline);
        assertThat(snapshot.gauge("stream_ingestapi_online_store_write_rate", "staging", "txn_counts", "fv-3")).isEqualTo(txnsOnline);
        assertThat(snapshot.gauge("stream_ingestapi_offline_store_write_rate", "staging", "txn_counts", "fv-3")).isEqualTo(txnsOffline);
    }

    @Test
    void ingestRequestsWithWritesStillCountOnceForTheRequestRate() {
        start(300);
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                events.ingest(NOW, "us-west-2", 0.01, 200, List.of(write(CLICKS, 1, 1), write(TXNS, 1, 1), write(CLICKS_V2, 1, 1)))));

        assertThat(snapshot.gauge("stream_ingestapi_request_rate", "us-west-2")).isEqualTo(1.0 / 300);
        assertThat(snapshot.summary("stream_ingestapi_request_processing_latency", "us-west-2").count()).isEqualTo(1);
    }

    // helpers

    private static double[] nearestRankQuantiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] quantiles = new double[Quantiles.count()];
        for (int q = 0; q < quantiles.length; q++) {
            int rank = (int) Math.max(1, Math.ceil(Quantiles.at(q) * sorted.length - 1e-9));
            quantiles[q] = sorted[rank - 1];
        }
        return quantiles;
    }

    private static void assertQuantilesNear(SummarySample summary, double... expected) {
        assertThat(expected).hasSize(Quantiles.count());
        for (int q = 0; q < expected.length; q++) {
            assertThat(summary.quantileValue(q)).as("quantile " + Quantiles.at(q)).isCloseTo(expected[q], within(expected[q] * 0.01));
        }
    }
}
