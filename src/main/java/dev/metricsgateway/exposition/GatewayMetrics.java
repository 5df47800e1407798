package dev.metricsgateway.exposition;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's own metrics (served on {@code /metrics}): what it accepted, what it rejected and
 * why, late events, live series per metric, scrape durations, checkpoints. Counters are
 * {@link LongAdder}s, so every event-loop thread counts without contention; the last checkpoint's
 * figures are one immutable record behind a volatile field, so they are read as a consistent
 * set; thread-safe.
 */
public final class GatewayMetrics {

    /** Why a whole request was refused. */
    public enum BatchRejection {
        INVALID("invalid"), TOO_LARGE("too_large"), UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"), OVERLOADED("overloaded"), CARDINALITY("cardinality");

        private final String label;

        BatchRejection(String label) {
            this.label = label;
        }
    }

    private final LongAdder eventsAccepted = new LongAdder();
    private final LongAdder eventsLate = new LongAdder();
    private final LongAdder eventsInvalid = new LongAdder();
    private final LongAdder eventsFuture = new LongAdder();
    private final LongAdder[] batchesRejected = new LongAdder[BatchRejection.values().length];
    private final LongAdder batchesReplayed = new LongAdder();
    private final LongAdder scrapes = new LongAdder();
    private final DoubleAdder scrapeSeconds = new DoubleAdder();
    private final LongAdder checkpointsWritten = new LongAdder();
    private final LongAdder checkpointsFailed = new LongAdder();
    private final LongAdder clusterPartialScrapes = new LongAdder();
    private final LongAdder clusterStatesAbsorbed = new LongAdder();
    private volatile LastCheckpoint lastCheckpoint = new LastCheckpoint(0, 0, 0);

    /** The figures of the last checkpoint written; all 0 before the first. */
    private record LastCheckpoint(double durationSeconds, long bytes, double timestampSeconds) {
    }

    public GatewayMetrics() {
        for (int i = 0; i < batchesRejected.length; i++) {
            batchesRejected[i] = new LongAdder();
        }
    }

    /** A batch was applied: {@code accepted} valid events, of which {@code late} were too old to count. */
    public void batchAccepted(int accepted, int late) {
        eventsAccepted.add(accepted);
        eventsLate.add(late);
    }

    /** A batch was refused as a whole. */
    public void batchRejected(BatchRejection reason) {
        batchesRejected[reason.ordinal()].increment();
    }

    /** Events found invalid in a rejected batch; {@code futureDated} of them were dated too far ahead. */
    public void eventsRejected(int invalid, int futureDated) {
        eventsInvalid.add(invalid - futureDated);
        eventsFuture.add(futureDated);
    }

    /** A batch retried under an Idempotency-Key it was already applied with: acknowledged, not applied. */
    public void batchReplayed() {
        batchesReplayed.increment();
    }

    public void scrapeServed(double seconds) {
        scrapes.increment();
        scrapeSeconds.add(seconds);
    }

    /**
     * A checkpoint of the aggregation state was written.
     *
     * @param durationSeconds how long copying and writing took
     * @param bytes           the size of the checkpoint file
     * @param takenAtMillis   when it was taken (epoch milliseconds)
     */
    public void checkpointWritten(double durationSeconds, long bytes, long takenAtMillis) {
        lastCheckpoint = new LastCheckpoint(durationSeconds, bytes, takenAtMillis / 1000.0);
        checkpointsWritten.increment();
    }

    /** A checkpoint could not be written; the previous one stays on disk. */
    public void checkpointFailed() {
        checkpointsFailed.increment();
    }

    /** Cluster mode: a scrape served without the current state of at least one live member. */
    public void clusterPartialScrape() {
        clusterPartialScrapes.increment();
    }

    /** Cluster mode: this member absorbed the state of a departed member. */
    public void clusterStateAbsorbed() {
        clusterStatesAbsorbed.increment();
    }

    /** All of the above, plus {@code seriesByMetric}, as client_java snapshots. */
    public MetricSnapshots snapshot(Map<String, Integer> seriesByMetric) {
        List<io.prometheus.metrics.model.snapshots.MetricSnapshot> families = new ArrayList<>();
        families.add(counter("metrics_gateway_events_accepted", "Valid events acknowledged with 202, including late ones.",
                Labels.EMPTY, eventsAccepted.sum()));
        families.add(counter("metrics_gateway_events_late", "Accepted events older than the sliding window: they count in no windowed value.",
                Labels.EMPTY, eventsLate.sum()));
        families.add(CounterSnapshot.builder()
                .name("metrics_gateway_events_rejected")
                .help("Invalid events in rejected batches, by reason (future: dated beyond the allowed clock skew).")
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", "future")).value(eventsFuture.sum()).build())
                .dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("reason", "invalid")).value(eventsInvalid.sum()).build())
                .build());
        CounterSnapshot.Builder batches = CounterSnapshot.builder()
                .name("metrics_gateway_batches_rejected")
                .help("Ingest requests refused as a whole, by reason.");
        for (BatchRejection reason : BatchRejection.values()) {
            batches.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(Labels.of("reason", reason.label)).value(batchesRejected[reason.ordinal()].sum()).build());
        }
        families.add(batches.build());
        families.add(counter("metrics_gateway_batches_replayed", "Batches retried with an Idempotency-Key already applied: acknowledged again, not counted twice.",
                Labels.EMPTY, batchesReplayed.sum()));
        GaugeSnapshot.Builder series = GaugeSnapshot.builder()
                .name("metrics_gateway_series")
                .help("Live series per catalog metric.");
        seriesByMetric.forEach((metric, count) -> series.dataPoint(GaugeDataPointSnapshot.builder()
                .labels(Labels.of("metric", metric)).value(count).build()));
        families.add(series.build());
        families.add(SummarySnapshot.builder()
                .name("metrics_gateway_scrape_duration_seconds")
                .help("Time to compute and render a scrape of the catalog metrics.")
                .dataPoint(SummaryDataPointSnapshot.builder().count(scrapes.sum()).sum(scrapeSeconds.sum()).build())
                .build());
        LastCheckpoint last = lastCheckpoint;
        families.add(counter("metrics_gateway_checkpoints_written", "Checkpoints of the aggregation state written to the data dir.",
                Labels.EMPTY, checkpointsWritten.sum()));
        families.add(counter("metrics_gateway_checkpoints_failed", "Checkpoints of the aggregation state that could not be written (the previous one stays).",
                Labels.EMPTY, checkpointsFailed.sum()));
        families.add(gauge("metrics_gateway_checkpoint_duration_seconds", "Time the last checkpoint written took to copy the state and write it, fsyncs included.",
                last.durationSeconds()));
        families.add(gauge("metrics_gateway_checkpoint_size_bytes", "Size of the last checkpoint written.", last.bytes()));
        families.add(gauge("metrics_gateway_checkpoint_last_success_timestamp_seconds", "When the last checkpoint written was taken (Unix time); 0 before the first.",
                last.timestampSeconds()));
        families.add(counter("metrics_gateway_cluster_partial_scrapes", "Cluster mode: scrapes served with the last published state of a member that did not answer in time.",
                Labels.EMPTY, clusterPartialScrapes.sum()));
        families.add(counter("metrics_gateway_cluster_states_absorbed", "Cluster mode: states of departed members this member took over.",
                Labels.EMPTY, clusterStatesAbsorbed.sum()));
        return new MetricSnapshots(families);
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
                .build();
    }

    private static CounterSnapshot counter(String name, String help, Labels labels, double value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build())
                .build();
    }
}
