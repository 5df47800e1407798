package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import dev.metricsgateway.testing.TestEvents;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Aggregations that a user catalog may combine differently from the default catalog ("the catalog
 * is data, not code"): plain-field max and mean, a bounded {@code where}, and summaries of values
 * far from the seconds range of latencies.
 */
class UserCatalogAggregationTest {

    private static final long NOW = 1_700_000_000_000L;

    private static final String CATALOG = """
            event_types:
              upload:
                fields:
                  bucket: {type: label}
                  size_bytes: {type: number, min: 0, max: 1e12}
                  duration_seconds: {type: number, min: 0}
                  status: {type: integer, min: 100, max: 599}
            metrics:
              upload_size:
                type: summary
                stage: Preview
                help: Upload sizes in bytes.
                event_type: upload
                labels: [bucket]
                aggregation: summary
                field: size_bytes
              upload_duration:
                type: summary
                stage: Preview
                help: Upload durations in seconds.
                event_type: upload
                labels: [bucket]
                aggregation: summary
                field: duration_seconds
              upload_max_size:
                type: gauge
                stage: Preview
                help: Largest upload in bytes.
                event_type: upload
                labels: [bucket]
                aggregation: max
                field: size_bytes
              upload_mean_duration:
                type: gauge
                stage: Preview
                help: Mean upload duration in seconds.
                event_type: upload
                labels: [bucket]
                aggregation: mean
                field: duration_seconds
              upload_server_errors:
                type: gauge
                stage: Preview
                help: Percent of uploads answered with a 5xx status.
                event_type: upload
                labels: [{name: code, from: status, format: status_class}]
                where: {field: status, min: 500, max: 599}
                aggregation: percent_of_events
            """;

    private final AggregationEngine engine = new AggregationEngine(
            CatalogLoader.load(List.of(CatalogLoader.defaultSource(), new CatalogSource("uploads.yaml", CATALOG))),
            WindowSettings.defaults());

    private Event upload(String bucket, double sizeBytes, double durationSeconds, int status) {
        return TestEvents.event(engine.schemas(), "upload", NOW, Map.of(
                "bucket", bucket, "size_bytes", sizeBytes, "duration_seconds", durationSeconds, "status", status));
    }

    private SnapshotReader applyAndSnapshot(List<Event> batch) {
        engine.apply(batch, NOW);
        return new SnapshotReader(engine.snapshot(NOW));
    }

    @Test
    void maxOfAPlainFieldIsTheLargestValueInTheWindow() {
        SnapshotReader snapshot = applyAndSnapshot(List.of(upload("a", 10, 1, 200), upload("a", 30, 1, 200), upload("b", 5, 1, 200)));

        assertThat(snapshot.gauge("upload_max_size", "a")).isEqualTo(30.0);
        assertThat(snapshot.gauge("upload_max_size", "b")).isEqualTo(5.0);
    }

    @Test
    void meanWithoutAWeightIsThePlainAverage() {
        SnapshotReader snapshot = applyAndSnapshot(List.of(upload("a", 1, 1, 200), upload("a", 1, 2, 200), upload("a", 1, 6, 200)));

        assertThat(snapshot.gauge("upload_mean_duration", "a")).isEqualTo(3.0);
    }

    @Test
    void percentOfEventsHonoursBothBoundsOfWhere() {
        SnapshotReader snapshot = applyAndSnapshot(List.of(
                upload("a", 1, 1, 200), upload("a", 1, 1, 404), upload("a", 1, 1, 500), upload("b", 1, 1, 503)));

        assertThat(snapshot.series("upload_server_errors")).containsExactly(List.of("5xx"));
        assertThat(snapshot.gauge("upload_server_errors", "5xx")).isEqualTo(50.0);
    }

    @Test
    void summaryQuantilesOfMicrosecondValuesAreWithinOnePercent() {
        SnapshotReader snapshot = applyAndSnapshot(List.of(upload("a", 1, 0.000_002, 200), upload("a", 1, 0.000_150, 200)));

        SummarySample summary = snapshot.summary("upload_duration", "a");
        assertThat(summary.quantileValue(0)).isCloseTo(0.000_002, within(0.000_002 * 0.01));
        assertThat(summary.quantileValue(4)).isCloseTo(0.000_150, within(0.000_150 * 0.01));
    }

    @Test
    void summaryQuantilesOfValuesUpToTheFieldsDeclaredMaxAreWithinOnePercent() {
        // 10 and 40 GB uploads: the field declares max 1e12, the catalog loads, so quantiles must hold.
        SnapshotReader snapshot = applyAndSnapshot(List.of(upload("a", 1e10, 1, 200), upload("a", 4e10, 1, 200)));

        SummarySample summary = snapshot.summary("upload_size", "a");
        assertThat(summary.sum()).isEqualTo(5e10);
        assertThat(summary.quantileValue(0)).isCloseTo(1e10, within(1e10 * 0.01));
        assertThat(summary.quantileValue(4)).isCloseTo(4e10, within(4e10 * 0.01));
    }
}
