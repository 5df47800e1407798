package dev.metricsgateway.core;

import static dev.metricsgateway.core.CheckpointEngines.NOW;
import static dev.metricsgateway.core.CheckpointEngines.checkpoint;
import static dev.metricsgateway.core.CheckpointEngines.describe;
import static dev.metricsgateway.core.CheckpointEngines.engine;
import static dev.metricsgateway.core.CheckpointEngines.feed;
import static dev.metricsgateway.core.CheckpointEngines.restore;
import static dev.metricsgateway.core.CheckpointEngines.seriesCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.metricsgateway.catalog.Aggregation;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint brings an engine back as it was: the same snapshot at the same instant, the same
 * behaviour as time goes on, and only what still counts at restore time. What cannot be restored
 * is refused whole, with the reason, and leaves the engine empty.
 */
class EngineCheckpointTest {

    @Test
    void aRestoredEngineServesTheSameSnapshotAsTheOriginalAtTheSameInstant() throws Exception {
        AggregationEngine original = engine();
        feed(original, new Random(42), 5_000, NOW);

        AggregationEngine restored = engine();
        CheckpointRestore report = restore(restored, checkpoint(original, NOW), NOW);

        GatewaySnapshot expected = original.snapshot(NOW);
        assertThat(describe(restored.snapshot(NOW))).isEqualTo(describe(expected));
        assertThat(seriesCount(expected)).as("every aggregation of the catalog has series").isGreaterThan(50);
        expected.families().forEach(family -> assertThat(family.samples()).as(family.spec().name()).isNotEmpty());
        assertThat(report.seriesRestored()).isEqualTo(seriesCount(expected));
        assertThat(report.seriesExpired()).isZero();
        assertThat(report.checkpointMillis()).isEqualTo(NOW);
        assertThat(report.restoredMetrics()).hasSize(expected.families().size());
        assertThat(report.changedMetrics()).isEmpty();
        assertThat(report.removedMetrics()).isEmpty();
        assertThat(report.newMetrics()).isEmpty();
    }

    @Test
    void aRestoredEngineSlidesAndExpiresExactlyLikeTheOriginal() throws Exception {
        AggregationEngine original = engine();
        feed(original, new Random(1), 3_000, NOW);
        AggregationEngine restored = engine();
        restore(restored, checkpoint(original, NOW), NOW);

        // Steps that cross second boundaries, the instance TTL (60 s), the window (300 s) and the
        // series TTL (600 s); both engines get the same new events at each step.
        long now = NOW;
        Random traffic = new Random(2);
        for (long stepMillis : new long[] {1, 999, 1_000, 30_000, 59_000, 120_000, 150_000, 299_000, 300_000, 601_000}) {
            now += stepMillis;
            long seed = traffic.nextLong();
            feed(original, new Random(seed), 40, now);
            feed(restored, new Random(seed), 40, now);
            assertThat(describe(restored.snapshot(now))).as("at NOW + %d ms", now - NOW).isEqualTo(describe(original.snapshot(now)));
        }
    }

    @Test
    void aCheckpointTakenLaterThanTheEventsRestoresTheSameWindows() throws Exception {
        AggregationEngine original = engine();
        feed(original, new Random(3), 2_000, NOW);
        long later = NOW + 200_000;

        AggregationEngine restored = engine();
        restore(restored, checkpoint(original, later), later);

        assertThat(describe(restored.snapshot(later))).isEqualTo(describe(original.snapshot(later)));
    }

    @Test
    void seriesIdlePastTheirTtlWhileTheGatewayWasDownAreNotRestored() throws Exception {
        AggregationEngine original = engine();
        TectonEvents events = new TectonEvents(original);
        original.apply(List.of(events.request(NOW - 100_000, "us-west-2", "fs-old", "old", 0.1, 200)), NOW);
        original.apply(List.of(events.request(NOW, "us-west-2", "fs-new", "new", 0.2, 200)), NOW);
        byte[] checkpoint = checkpoint(original, NOW);

        // The old series' last event is 600 s (the TTL) old at restore time; the new one's 500 s.
        long restart = NOW + 500_000;
        AggregationEngine restored = engine();
        CheckpointRestore report = restore(restored, checkpoint, restart);

        SnapshotReader snapshot = new SnapshotReader(restored.snapshot(restart));
        assertThat(snapshot.has("feature_service_latency", "fs-new", "new")).isTrue();
        assertThat(snapshot.has("feature_service_latency", "fs-old", "old")).isFalse();
        assertThat(snapshot.summary("feature_service_latency", "fs-new", "new").count()).isEqualTo(1);
        assertThat(snapshot.summary("feature_service_total_latency").count()).as("its last event is the new one").isEqualTo(2);
        assertThat(report.seriesExpired()).as("fs-old in feature_service_requests_rate and feature_service_latency").isEqualTo(2);
        assertThat(describe(restored.snapshot(restart))).isEqualTo(describe(original.snapshot(restart)));
    }

    @Test
    void cumulativeCountsAndSumsContinueFromTheRestoredValues() throws Exception {
        AggregationEngine original = engine();
        TectonEvents before = new TectonEvents(original);
        original.apply(List.of(before.request(NOW, "us-west-2", "fs-1", "svc", 0.5, 200),
                before.request(NOW, "us-west-2", "fs-1", "svc", 0.25, 200)), NOW);
        AggregationEngine restored = engine();
        restore(restored, checkpoint(original, NOW), NOW);

        long later = NOW + 400_000; // past the window: the quantiles are empty, the totals are not
        restored.apply(List.of(new TectonEvents(restored).request(later, "us-west-2", "fs-1", "svc", 1.0, 200)), later);

        SummarySample summary = new SnapshotReader(restored.snapshot(later)).summary("feature_service_latency", "fs-1", "svc");
        assertThat(summary.count()).isEqualTo(3);
        assertThat(summary.sum()).isEqualTo(1.75);
        assertThat(summary.quantileValue(0)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void aRestoredSecondTakesNewValuesFarBeyondTheRangeItHeld() throws Exception {
        AggregationEngine original = engine();
        original.apply(List.of(new TectonEvents(original).request(NOW, "us-west-2", "fs-1", "svc", 0.001, 200)), NOW);
        AggregationEngine restored = engine();
        restore(restored, checkpoint(original, NOW), NOW);

        // Same second as the restored bucket: recorded into the histogram the checkpoint held.
        restored.apply(List.of(new TectonEvents(restored).request(NOW, "us-west-2", "fs-1", "svc", 5_000, 200)), NOW);

        SummarySample summary = new SnapshotReader(restored.snapshot(NOW)).summary("feature_service_latency", "fs-1", "svc");
        assertThat(summary.count()).isEqualTo(2);
        assertThat(summary.quantileValue(Quantiles.count() - 1)).isCloseTo(5_000, org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void aCheckpointOfAnotherWindowLengthIsRefusedAsIncompatibleAndRestoresNothing() {
        AggregationEngine fiveMinutes = engine();
        feed(fiveMinutes, new Random(4), 200, NOW);
        AggregationEngine oneMinute = engine(CatalogLoader.loadDefault(), new WindowSettings(60, 600_000, 60_000));

        CheckpointException refused = catchThrowableOfType(CheckpointException.class,
                () -> restore(oneMinute, checkpoint(fiveMinutes, NOW), NOW));

        assertThat(refused.reason()).isEqualTo(CheckpointException.Reason.INCOMPATIBLE);
        assertThat(refused).hasMessageContaining("window_seconds 300").hasMessageContaining("60");
        assertThat(seriesCount(oneMinute.snapshot(NOW))).isZero();
    }

    @Test
    void otherSeriesAndInstanceTtlsDoNotMatterToACheckpoint() throws Exception {
        AggregationEngine original = engine();
        feed(original, new Random(5), 500, NOW);
        AggregationEngine longerTtls = engine(CatalogLoader.loadDefault(), new WindowSettings(300, 900_000, 120_000));

        CheckpointRestore report = restore(longerTtls, checkpoint(original, NOW), NOW);

        assertThat(report.restoredMetrics()).hasSize(original.snapshot(NOW).families().size());
        assertThat(seriesCount(longerTtls.snapshot(NOW))).isEqualTo(seriesCount(original.snapshot(NOW)));
    }

    @Test
    void aCheckpointOfAnotherFormatVersionIsRefusedAsIncompatible() {
        AggregationEngine original = engine();
        feed(original, new Random(6), 100, NOW);
        byte[] checkpoint = checkpoint(original, NOW);
        ByteBuffer.wrap(checkpoint).putInt(8, CheckpointCodec.VERSION + 1);
        fixChecksum(checkpoint);
        AggregationEngine restored = engine();

        CheckpointException refused = catchThrowableOfType(CheckpointException.class, () -> restore(restored, checkpoint, NOW));

        assertThat(refused.reason()).isEqualTo(CheckpointException.Reason.INCOMPATIBLE);
        assertThat(refused).hasMessageContaining("format version " + (CheckpointCodec.VERSION + 1));
        assertThat(seriesCount(restored.snapshot(NOW))).isZero();
    }

    @Test
    void metricsDefinedDifferentlyStartEmptyWhileEveryOtherMetricIsRestored() throws Exception {
        AggregationEngine original = engine();
        feed(original, new Random(7), 1_000, NOW);
        // The user catalog relabels one metric, changes only the HELP of another, and adds a third.
        String userCatalog = """
                metrics:
                  feature_service_latency:
                    type: summary
                    stage: GA
                    help: Latency per feature service id only.
                    event_type: feature_request
                    labels: [feature_service_id]
                    aggregation: summary
                    field: latency_seconds
                  feature_service_requests_total_rate:
                    type: gauge
                    stage: GA
                    help: Reworded help, same numbers.
                    event_type: feature_request
                    labels: [aws_region]
                    aggregation: rate
                  feature_service_max_latency:
                    type: gauge
                    stage: Preview
                    help: Largest latency.
                    event_type: feature_request
                    labels: [aws_region]
                    aggregation: max
                    field: latency_seconds
                """;
        AggregationEngine changed = engine(CatalogLoader.load(List.of(CatalogLoader.defaultSource(),
                new CatalogSource("user.yaml", userCatalog))), WindowSettings.defaults());

        CheckpointRestore report = restore(changed, checkpoint(original, NOW), NOW);

        assertThat(report.changedMetrics()).containsExactly("feature_service_latency");
        assertThat(report.newMetrics()).containsExactly("feature_service_max_latency");
        assertThat(report.removedMetrics()).isEmpty();
        assertThat(report.restoredMetrics()).contains("feature_service_requests_total_rate").doesNotContain("feature_service_latency");
        SnapshotReader before = new SnapshotReader(original.snapshot(NOW));
        SnapshotReader after = new SnapshotReader(changed.snapshot(NOW));
        assertThat(after.series("feature_service_latency")).isEmpty();
        assertThat(after.series("feature_service_max_latency")).isEmpty();
        assertThat(after.series("feature_service_requests_total_rate")).isEqualTo(before.series("feature_service_requests_total_rate"));
        assertThat(after.gauge("feature_service_requests_total_rate", "us-west-2"))
                .isEqualTo(before.gauge("feature_service_requests_total_rate", "us-west-2"));
        assertThat(after.series("feature_server_utilization")).isEqualTo(before.series("feature_server_utilization"));
    }

    @Test
    void metricsNoLongerInTheCatalogAreReportedAndDropped() throws Exception {
        AggregationEngine bigger = engine(CatalogLoader.load(List.of(CatalogLoader.defaultSource(), new CatalogSource("user.yaml", """
                metrics:
                  feature_service_max_latency:
                    type: gauge
                    stage: Preview
                    help: Largest latency.
                    event_type: feature_request
                    labels: [aws_region]
                    aggregation: max
                    field: latency_seconds
                """))), WindowSettings.defaults());
        feed(bigger, new Random(8), 300, NOW);
        AggregationEngine restored = engine();

        CheckpointRestore report = restore(restored, checkpoint(bigger, NOW), NOW);

        assertThat(report.removedMetrics()).containsExactly("feature_service_max_latency");
        assertThat(report.seriesRestored()).isEqualTo(seriesCount(restored.snapshot(NOW)));
    }

    @Test
    void anEmptyEngineRoundTripsToAnEmptyEngine() throws Exception {
        AggregationEngine restored = engine();

        CheckpointRestore report = restore(restored, checkpoint(engine(), NOW), NOW);

        assertThat(report.seriesRestored()).isZero();
        assertThat(seriesCount(restored.snapshot(NOW))).isZero();
    }

    @Test
    void truncatedEmptyAndOverlongCheckpointsAreCorrupt() {
        AggregationEngine original = engine();
        feed(original, new Random(9), 200, NOW);
        byte[] checkpoint = checkpoint(original, NOW);
        byte[] longer = Arrays.copyOf(checkpoint, checkpoint.length + 1);

        for (byte[] damaged : List.of(new byte[0], Arrays.copyOf(checkpoint, 7), Arrays.copyOf(checkpoint, checkpoint.length / 2),
                Arrays.copyOf(checkpoint, checkpoint.length - 1), longer, "not a checkpoint at all".getBytes())) {
            AggregationEngine restored = engine();
            CheckpointException refused = catchThrowableOfType(CheckpointException.class, () -> restore(restored, damaged, NOW));
            assertThat(refused).as("%d bytes", damaged.length).isNotNull();
            assertThat(refused.reason()).isEqualTo(CheckpointException.Reason.CORRUPT);
            assertThat(seriesCount(restored.snapshot(NOW))).isZero();
        }
    }

    @Test
    void aCheckpointWrittenDuringIngestHoldsAtLeastEveryTotalServedBeforeItBegan() throws Exception {
        AggregationEngine engine = engine();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Random random = new Random(100 + t);
            Thread writer = new Thread(() -> {
                for (int batch = 0; batch < 100; batch++) {
                    feed(engine, random, 10, NOW);
                    Thread.yield();
                }
            });
            writer.start();
            writers.add(writer);
        }
        int rounds = 0;
        while (rounds < 3 || writers.stream().anyMatch(Thread::isAlive)) {
            GatewaySnapshot served = engine.snapshot(NOW);
            AggregationEngine restored = engine();
            restore(restored, checkpoint(engine, NOW), NOW);
            SnapshotReader after = new SnapshotReader(restored.snapshot(NOW));
            for (MetricFamilySnapshot family : served.families()) {
                for (SeriesSample sample : family.samples()) {
                    String metric = family.spec().name();
                    String[] labels = sample.labelValues().toArray(String[]::new);
                    assertThat(after.has(metric, labels)).as("%s%s", metric, sample.labelValues()).isTrue();
                    if (sample instanceof SummarySample before) {
                        SummarySample restoredSample = after.summary(metric, labels);
                        assertThat(restoredSample.count()).as(metric).isGreaterThanOrEqualTo(before.count());
                        assertThat(restoredSample.sum()).as(metric).isGreaterThanOrEqualTo(before.sum());
                    } else if (family.spec().aggregation() == Aggregation.PERCENT_OF_EVENTS) {
                        assertThat(after.gauge(metric, labels)).as(metric).isBetween(0.0, 100.0);
                    }
                }
            }
            rounds++;
        }
        for (Thread writer : writers) {
            writer.join();
        }
    }

    /** Recomputes the trailing CRC-32 after a deliberate change, so the change itself is what is tested. */
    static void fixChecksum(byte[] checkpoint) {
        CRC32 crc = new CRC32();
        crc.update(checkpoint, 0, checkpoint.length - 4);
        ByteBuffer.wrap(checkpoint).putInt(checkpoint.length - 4, (int) crc.getValue());
    }
}
