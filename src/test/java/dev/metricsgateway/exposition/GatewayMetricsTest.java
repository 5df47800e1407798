package dev.metricsgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.exposition.GatewayMetrics.BatchRejection;
import dev.metricsgateway.testing.ExternalTool;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own metrics: the counters add up, and the written text is valid text 0.0.4 and
 * OpenMetrics with the expected samples.
 */
class GatewayMetricsTest {

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final ExpositionWriter writer = new ExpositionWriter(true);

    private String text(Map<String, Integer> seriesByMetric) {
        return new String(writer.write(metrics.snapshot(seriesByMetric), ExpositionFormat.PROMETHEUS_TEXT), StandardCharsets.UTF_8);
    }

    private String text() {
        return text(Map.of());
    }

    @Test
    void freshMetricsReadZeroForEveryCounter() {
        assertThat(text()).contains(
                "metrics_gateway_events_accepted_total 0.0\n",
                "metrics_gateway_events_late_total 0.0\n",
                "metrics_gateway_events_rejected_total{reason=\"future\"} 0.0\n",
                "metrics_gateway_events_rejected_total{reason=\"invalid\"} 0.0\n",
                "metrics_gateway_batches_rejected_total{reason=\"invalid\"} 0.0\n",
                "metrics_gateway_batches_rejected_total{reason=\"overloaded\"} 0.0\n",
                "metrics_gateway_batches_rejected_total{reason=\"too_large\"} 0.0\n",
                "metrics_gateway_batches_rejected_total{reason=\"unsupported_media_type\"} 0.0\n",
                "metrics_gateway_scrape_duration_seconds_count 0\n",
                "metrics_gateway_scrape_duration_seconds_sum 0.0\n");
    }

    @Test
    void acceptedAndLateEventsAddUpOverBatches() {
        metrics.batchAccepted(5, 1);
        metrics.batchAccepted(3, 0);
        metrics.batchAccepted(2, 2);

        assertThat(text()).contains("metrics_gateway_events_accepted_total 10.0\n", "metrics_gateway_events_late_total 3.0\n");
    }

    @Test
    void rejectedBatchesAreCountedByReason() {
        metrics.batchRejected(BatchRejection.INVALID);
        metrics.batchRejected(BatchRejection.INVALID);
        metrics.batchRejected(BatchRejection.TOO_LARGE);
        metrics.batchRejected(BatchRejection.UNSUPPORTED_MEDIA_TYPE);
        metrics.batchRejected(BatchRejection.OVERLOADED);
        metrics.batchRejected(BatchRejection.OVERLOADED);
        metrics.batchRejected(BatchRejection.OVERLOADED);

        assertThat(text()).contains(
                "metrics_gateway_batches_rejected_total{reason=\"invalid\"} 2.0\n",
                "metrics_gateway_batches_rejected_total{reason=\"overloaded\"} 3.0\n",
                "metrics_gateway_batches_rejected_total{reason=\"too_large\"} 1.0\n",
                "metrics_gateway_batches_rejected_total{reason=\"unsupported_media_type\"} 1.0\n");
    }

    @Test
    void rejectedEventsSplitIntoFutureDatedAndOtherwiseInvalid() {
        metrics.eventsRejected(5, 2); // 5 invalid events, 2 of them dated too far ahead
        metrics.eventsRejected(1, 0);
        metrics.eventsRejected(4, 4);

        assertThat(text()).contains(
                "metrics_gateway_events_rejected_total{reason=\"future\"} 6.0\n",
                "metrics_gateway_events_rejected_total{reason=\"invalid\"} 4.0\n");
    }

    @Test
    void servedScrapesAddToTheDurationSummarysCountAndSum() {
        metrics.scrapeServed(0.25);
        metrics.scrapeServed(0.5);
        metrics.scrapeServed(0.125);

        assertThat(text()).contains(
                "metrics_gateway_scrape_duration_seconds_count 3\n",
                "metrics_gateway_scrape_duration_seconds_sum 0.875\n");
    }

    @Test
    void liveSeriesAreAGaugePerCatalogMetric() {
        Map<String, Integer> series = new LinkedHashMap<>();
        series.put("feature_service_requests_rate", 3);
        series.put("feature_server_utilization", 0);

        assertThat(text(series)).contains(
                "# TYPE metrics_gateway_series gauge\n",
                "metrics_gateway_series{metric=\"feature_server_utilization\"} 0.0\n",
                "metrics_gateway_series{metric=\"feature_service_requests_rate\"} 3.0\n");
    }

    @Test
    void theGatewaysOwnMetricsCarryNoTimestampAndNoCreatedLine() {
        metrics.batchAccepted(1, 0);
        metrics.scrapeServed(0.1);

        String text = text(Map.of("feature_service_requests_rate", 1));
        String openMetrics = new String(writer.write(metrics.snapshot(Map.of("feature_service_requests_rate", 1)),
                ExpositionFormat.OPENMETRICS_TEXT), StandardCharsets.UTF_8);

        for (String written : List.of(text, openMetrics)) {
            assertThat(written.lines().filter(line -> !line.startsWith("#")))
                    .isNotEmpty()
                    // series and value, no third token (label values here hold no space)
                    .allSatisfy(line -> assertThat(line.split("\\} | ")).as(line).hasSize(2));
            assertThat(written).doesNotContain("_created");
        }
        assertThat(openMetrics).endsWith("\n# EOF\n").contains("metrics_gateway_events_accepted_total 1.0\n");
    }

    @Test
    void checkpointsAreCountedAndTheLastOneWrittenIsDescribed() {
        assertThat(text()).contains(
                "metrics_gateway_checkpoints_written_total 0.0\n",
                "metrics_gateway_checkpoints_failed_total 0.0\n",
                "metrics_gateway_checkpoint_last_success_timestamp_seconds 0.0\n");

        metrics.checkpointWritten(0.25, 4096, 1_700_000_000_000L);
        metrics.checkpointFailed();
        metrics.checkpointWritten(0.5, 8192, 1_700_000_010_500L);

        assertThat(text()).contains(
                "metrics_gateway_checkpoints_written_total 2.0\n",
                "metrics_gateway_checkpoints_failed_total 1.0\n",
                "metrics_gateway_checkpoint_duration_seconds 0.5\n",
                "metrics_gateway_checkpoint_size_bytes 8192.0\n",
                "metrics_gateway_checkpoint_last_success_timestamp_seconds 1.7000000105E9\n");
    }

    @Test
    void theTextOutputPassesPromtool() throws Exception {
        ExternalTool.requirePromtool();
        metrics.batchAccepted(7, 1);
        metrics.batchRejected(BatchRejection.TOO_LARGE);
        metrics.eventsRejected(3, 1);
        metrics.scrapeServed(0.01);
        metrics.checkpointWritten(0.125, 1024, 1_700_000_000_000L);
        metrics.checkpointFailed();

        byte[] body = writer.write(metrics.snapshot(Map.of("feature_service_requests_rate", 2, "spark_stream_input_rate", 0)),
                ExpositionFormat.PROMETHEUS_TEXT);
        ExternalTool.Result result = ExternalTool.run(List.of("/usr/bin/promtool", "check", "metrics"), body);

        assertThat(result.exitCode()).as("promtool: %s%s\n---\n%s", result.stdout(), result.stderr(),
                new String(body, StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void theTextOutputIsWellFormedText004() {
        metrics.batchAccepted(7, 1);

        String text = text(Map.of("feature_service_requests_rate", 2));

        assertThat(text).endsWith("\n").doesNotContain("\n\n").doesNotContain("# EOF").doesNotContain("# UNIT");
        List<String> types = text.lines().filter(line -> line.startsWith("# TYPE ")).toList();
        assertThat(types).containsExactly(
                "# TYPE metrics_gateway_batches_rejected_total counter",
                "# TYPE metrics_gateway_batches_replayed_total counter",
                "# TYPE metrics_gateway_checkpoint_duration_seconds gauge",
                "# TYPE metrics_gateway_checkpoint_last_success_timestamp_seconds gauge",
                "# TYPE metrics_gateway_checkpoint_size_bytes gauge",
                "# TYPE metrics_gateway_checkpoints_failed_total counter",
                "# TYPE metrics_gateway_checkpoints_written_total counter",
                "# TYPE metrics_gateway_cluster_partial_scrapes_total counter",
                "# TYPE metrics_gateway_cluster_states_absorbed_total counter",
                "# TYPE metrics_gateway_events_accepted_total counter",
                "# TYPE metrics_gateway_events_late_total counter",
                "# TYPE metrics_gateway_events_rejected_total counter",
                "# TYPE metrics_gateway_scrape_duration_seconds summary",
                "# TYPE metrics_gateway_series gauge");
    }
}
