package dev.metricsgateway.core;

import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.MetricSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The catalog compiled into per-event-type plans, and the state of every metric: batches of
 * validated events go in, {@link GatewaySnapshot}s come out.
 *
 * <p><b>Time.</b> The engine never reads a clock: {@link #apply} and {@link #snapshot} take
 * {@code nowMillis}. An event at or before the window's start ({@code floor(time/1 s) <=
 * floor(now/1 s) - W}) is <em>late</em>: no windowed value can include it, so it is dropped and
 * counted in the {@link ApplyResult}. An event dated after {@code now} (within the clock skew the
 * decoder allows) is placed in the current second, while ages still use its own time.
 *
 * <p><b>Threading.</b> Safe for concurrent {@code apply} and {@code snapshot} from any number of
 * threads: the plans are immutable after construction, and each {@link MetricAggregator} guards
 * its series (see there). A snapshot is not atomic across series: an event applied during a
 * snapshot may show in some metrics of it and not others.
 *
 * <p><b>Checkpoints.</b> {@link #writeCheckpoint} streams the state of every series (windows with
 * their epoch seconds, histograms, cumulative counts and sums, per-instance samples) in the format
 * of {@link CheckpointCodec}; {@link #restoreCheckpoint} brings it back, all or nothing. Like a
 * snapshot, a checkpoint copies each series under its monitor and is not atomic across series:
 * an event applied while it is written may be in it for some metrics and not others. What it does
 * guarantee: every series is copied after the checkpoint began, and counts only grow, so every
 * cumulative {@code _count}/{@code _sum} served before the checkpoint began is at most what the
 * checkpoint holds for that series (unless the series expired in between, and is not in it).
 */
public final class AggregationEngine {

    private final Catalog catalog;
    private final WindowSettings settings;
    private final Map<String, EventSchema> schemasByType;
    private final Map<EventSchema, List<MetricAggregator<?>>> plansBySchema = new IdentityHashMap<>();
    private final List<MetricAggregator<?>> aggregators = new ArrayList<>();
    private final SeriesAdmission admission;

    /** An engine without practical cardinality limits. */
    public AggregationEngine(Catalog catalog, WindowSettings settings) {
        this(catalog, settings, SeriesLimits.unlimited());
    }

    public AggregationEngine(Catalog catalog, WindowSettings settings, SeriesLimits limits) {
        this.catalog = catalog;
        this.settings = settings;
        Map<String, EventSchema> schemas = new LinkedHashMap<>();
        catalog.eventTypes().values().forEach(type -> schemas.put(type.name(), EventSchema.compile(type)));
        this.schemasByType = Collections.unmodifiableMap(schemas);
        schemas.values().forEach(schema -> plansBySchema.put(schema, new ArrayList<>()));
        for (MetricSpec metric : catalog.metrics().values()) {
            EventSchema schema = schemas.get(metric.eventType());
            MetricAggregator<?> aggregator = create(metric, schema);
            aggregators.add(aggregator);
            plansBySchema.get(schema).add(aggregator);
        }
        aggregators.sort((a, b) -> a.spec.name().compareTo(b.spec.name()));
        for (int i = 0; i < aggregators.size(); i++) {
            aggregators.get(i).position = i;
        }
        // Metrics keyed alike share their series' packed label values (see MetricAggregator.keySource):
        // each takes them from the first such metric of its plan, which records a batch before it.
        for (List<MetricAggregator<?>> plan : plansBySchema.values()) {
            for (int i = 0; i < plan.size(); i++) {
                for (int j = 0; j < i; j++) {
                    if (plan.get(i).sameKeysAs(plan.get(j))) {
                        plan.get(i).shareKeysWith(plan.get(j));
                        break;
                    }
                }
            }
        }
        this.admission = new SeriesAdmission(limits, aggregators);
    }

    private MetricAggregator<?> create(MetricSpec metric, EventSchema schema) {
        return switch (metric.aggregation()) {
            case RATE -> new RateAggregator(metric, schema, settings);
            case PERCENT_OF_EVENTS -> new PercentOfEventsAggregator(metric, schema, settings);
            case MAX -> new MaxAggregator(metric, schema, settings);
            case MEAN -> new MeanAggregator(metric, schema, settings);
            case MAX_OF_LATEST -> new MaxOfLatestAggregator(metric, schema, settings);
            case SUMMARY -> new SummaryAggregator(metric, schema, settings);
        };
    }

    /** The compiled event schemas by type name; the decoder must build events with these instances. */
    public Map<String, EventSchema> schemas() {
        return schemasByType;
    }

    public WindowSettings settings() {
        return settings;
    }

    /**
     * Aggregates a batch of validated events that arrived at {@code nowMillis}, or none of it when
     * it would create a series beyond the {@link SeriesLimits} (the result then says why).
     */
    public ApplyResult apply(List<Event> events, long nowMillis) {
        long oldestLiveSecond = Math.floorDiv(nowMillis, 1000) - settings.windowSeconds() + 1;
        List<Event> live = new ArrayList<>(events.size());
        int[] batchIndex = new int[events.size()];
        // Each event's plan, looked up once (an IdentityHashMap lookup per event and pass showed in profiles).
        List<List<MetricAggregator<?>>> livePlans = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            List<MetricAggregator<?>> plan = plansBySchema.get(event.schema());
            if (plan == null) {
                throw new IllegalArgumentException(event.schema() + ": not a schema of this engine");
            }
            if (Math.floorDiv(event.timeMillis(), 1000) >= oldestLiveSecond) {
                batchIndex[live.size()] = i;
                live.add(event);
                livePlans.add(plan);
            }
        }
        Admission admitted = admission.admit(live, batchIndex, livePlans);
        if (admitted instanceof CardinalityRejection rejection) {
            return ApplyResult.refused(rejection);
        }
        try {
            // Metric by metric, each over the events of its type (see MetricAggregator.recordAll);
            // one run of inputs serves them all (a run per metric and batch was 90 B per event).
            InputRun run = new InputRun();
            for (EventsOfPlan group : groupByPlan(live, livePlans)) {
                for (MetricAggregator<?> aggregator : group.plan()) {
                    aggregator.recordAll(group.events(), nowMillis, run);
                }
            }
        } finally {
            ((SeriesAdmission.Ticket) admitted).release();
        }
        return new ApplyResult(live.size(), events.size() - live.size());
    }

    /** The events of a batch that feed one plan (one event type), in batch order. */
    private record EventsOfPlan(List<MetricAggregator<?>> plan, List<Event> events) {
    }

    private static List<EventsOfPlan> groupByPlan(List<Event> events, List<List<MetricAggregator<?>>> plans) {
        List<EventsOfPlan> groups = new ArrayList<>();
        EventsOfPlan last = null;
        for (int e = 0; e < events.size(); e++) {
            List<MetricAggregator<?>> plan = plans.get(e);
            if (last == null || last.plan() != plan) {
                last = null;
                for (EventsOfPlan group : groups) { // a handful of event types: a scan beats a map
                    if (group.plan() == plan) {
                        last = group;
                        break;
                    }
                }
                if (last == null) {
                    last = new EventsOfPlan(plan, new ArrayList<>());
                    groups.add(last);
                }
            }
            last.events().add(events.get(e));
        }
        return groups;
    }

    /** Every metric at {@code nowMillis}, in name order; series past their TTL are evicted on the way. */
    public GatewaySnapshot snapshot(long nowMillis) {
        return snapshot(nowMillis, Runnable::run);
    }

    /**
     * As {@link #snapshot(long)}, each metric snapshotted by {@code executor} (the calling thread
     * waits): a scrape of many series on several cores. The largest metrics start first, so that
     * a small one, not a large one, is the last to finish.
     */
    public GatewaySnapshot snapshot(long nowMillis, Executor executor) {
        List<CompletableFuture<MetricFamilySnapshot>> families = new ArrayList<>(Collections.nCopies(aggregators.size(), null));
        List<MetricAggregator<?>> largestFirst = new ArrayList<>(aggregators);
        largestFirst.sort(Comparator.comparingInt((MetricAggregator<?> aggregator) -> aggregator.seriesCount()).reversed());
        for (MetricAggregator<?> aggregator : largestFirst) {
            families.set(aggregator.position, CompletableFuture.supplyAsync(() -> aggregator.snapshot(nowMillis), executor));
        }
        return new GatewaySnapshot(nowMillis, families.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Makes this engine keep every series until {@link #evictIdleSince} ends it: an input no
     * longer restarts a series idle past the series TTL. For a cluster member, whose copy of a
     * series may be idle while the series is busy on other members: restarting the copy would
     * take its cumulative {@code _count}/{@code _sum} out of the merged series. Snapshots of this
     * engine still evict as always (a cluster member's engine is not snapshotted).
     */
    public void keepIdleSeries() {
        aggregators.forEach(aggregator -> aggregator.keepIdleSeries = true);
    }

    /**
     * Evicts every series whose last event, in this engine and in {@code reference}'s same series
     * (if any), is at or before {@code cutoffMillis}. A cluster member passes the other members'
     * merged states as {@code reference}: its copy of a series goes only when the series has
     * been idle everywhere.
     *
     * @param reference an engine of the same catalog and window nobody writes to meanwhile
     * @return the number of series evicted
     */
    public long evictIdleSince(long cutoffMillis, AggregationEngine reference) {
        if (reference.aggregators.size() != aggregators.size()) {
            throw new IllegalArgumentException("cannot compare engines built from different catalogs");
        }
        long evicted = 0;
        for (int i = 0; i < aggregators.size(); i++) {
            evicted += aggregators.get(i).evictIdle(cutoffMillis, reference.aggregators.get(i));
        }
        return evicted;
    }

    /**
     * Merges the state of {@code other} (same catalog, same window settings) into this engine, so
     * that this engine then holds the state of the union of both engines' events: counts and sums
     * add, histograms merge, maxima take the max, per-instance gauges keep each instance's latest
     * sample. {@code other} must not be written to while it is merged.
     */
    public void mergeFrom(AggregationEngine other) {
        if (other.aggregators.size() != aggregators.size()) {
            throw new IllegalArgumentException("cannot merge engines built from different catalogs");
        }
        for (int i = 0; i < aggregators.size(); i++) {
            aggregators.get(i).mergeFrom(other.aggregators.get(i));
        }
    }

    /**
     * Writes a checkpoint of every series to {@code out} (see {@link CheckpointCodec} for the
     * format), copying each series under its monitor while ingest and scrapes go on. Series idle
     * past their TTL are written too: whether they still count is decided at restore time.
     *
     * @param nowMillis the time the checkpoint is taken at, stored in it
     * @return the number of series written
     * @throws IOException when {@code out} fails; what was written is then not a checkpoint
     */
    public long writeCheckpoint(OutputStream out, long nowMillis) throws IOException {
        return writeCheckpoint(out, nowMillis, Map.of());
    }

    /**
     * {@link #writeCheckpoint(OutputStream, long)} with {@code attachments}: named state of other
     * parts of the gateway, stored in the same file and returned by {@link #restoreCheckpoint} in
     * {@link CheckpointRestore#attachments()}.
     */
    public long writeCheckpoint(OutputStream out, long nowMillis, Map<String, byte[]> attachments) throws IOException {
        return CheckpointCodec.write(aggregators, settings, out, nowMillis, attachments).series();
    }

    /**
     * Restores a checkpoint written by {@link #writeCheckpoint} into this engine, meant to be fresh
     * (on a non-empty engine the state merges as in {@link #mergeFrom}). All or nothing: the whole
     * stream is decoded into a staging engine and checked first, so on an exception this engine is
     * unchanged; then the staging engine's series are adopted as they are, not copied.
     *
     * <p>What is restored: each metric whose name and {@link MetricAggregator#stateDefinition
     * definition} are unchanged, every series of it not idle past the series TTL at {@code
     * nowMillis} (a series that expired while the gateway was down disappears, as it would have
     * had the gateway run on). Metrics defined differently now, or new, start empty; metrics no
     * longer in the catalog are dropped. The result lists each kind. Cardinality limits are not
     * applied: restored series are series the gateway held before.
     *
     * @param nowMillis the current time: TTLs are evaluated at it, never at the checkpoint's time
     * @throws CheckpointException {@link CheckpointException.Reason#CORRUPT} when the bytes are
     *         damaged (checksum, truncation, impossible values), {@link
     *         CheckpointException.Reason#INCOMPATIBLE} for another format version or window length;
     *         no other exception is thrown for any content of {@code in}
     * @throws IOException when reading {@code in} fails
     */
    public CheckpointRestore restoreCheckpoint(InputStream in, long nowMillis) throws CheckpointException, IOException {
        AggregationEngine staging = new AggregationEngine(catalog, settings, SeriesLimits.unlimited());
        CheckpointRestore restored = CheckpointCodec.read(staging, in, nowMillis);
        for (int i = 0; i < aggregators.size(); i++) {
            aggregators.get(i).adoptFrom(staging.aggregators.get(i));
        }
        return restored;
    }

    /** Every metric's aggregator, in name order. */
    List<MetricAggregator<?>> aggregators() {
        return Collections.unmodifiableList(aggregators);
    }

    /** Live series per metric name, for the gateway's own metrics. */
    public Map<String, Integer> seriesCountByMetric() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        aggregators.forEach(aggregator -> counts.put(aggregator.spec.name(), aggregator.seriesCount()));
        return counts;
    }
}
