package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.LabelSpec;
import dev.metricsgateway.catalog.MetricSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The live state of one catalog metric: its series by label values, and how an event updates a
 * series and a series becomes a sample. Subclasses supply the per-series state and arithmetic.
 *
 * <p><b>Threading.</b> Any thread may record and snapshot at once. Series live in a
 * {@link SeriesTable} (lock-free lookups); each series state is guarded by its own monitor, held only for the
 * few arithmetic operations of one record or one sample. Eviction marks a state under its monitor
 * before removing it, and a writer that finds its state evicted looks the series up again, so no
 * event lands in a removed series. A checkpoint copies each series under its monitor, like a
 * snapshot (see {@link CheckpointCodec}).
 */
abstract class MetricAggregator<S extends SeriesState> {

    final MetricSpec spec;
    final WindowSettings settings;
    /** This metric's index among the engine's metrics (name order), set once by the engine. */
    int position;
    /** The schema of the metric's inputs: the event type's, or its {@code for_each} array items'. */
    final EventSchema inputSchema;
    private final int forEachSlot;
    private final LabelSource[] labels;
    private final int whereSlot;
    private final ValueSource value;
    /** Each series' state under itself as the key (see {@link SeriesState}); looked up by any key of its values. */
    private final SeriesTable<S> series = new SeriesTable<>();
    /**
     * An earlier metric whose series are keyed by the same label values of the same inputs (see
     * {@link #sameKeysAs}), or null: a new series takes the packed values of that metric's same
     * series when it has one. The five stream_batch gauges then hold one array of label values
     * per feature view rather than five, and recording an event reads one array where it missed
     * the cache five times at a million series.
     */
    private MetricAggregator<?> keySource;
    /**
     * When set (a cluster member's engine), an input never restarts a series idle past its TTL:
     * the series may be busy on other members, so only {@link #evictIdle} ends it.
     */
    volatile boolean keepIdleSeries;
    /**
     * Snapshot order: label values compared label by label, labels taken in the order of their
     * names, which is the order the exposition formats list series in (client_java sorts label
     * names, then series by their values), so the writer streams samples as they come.
     */
    private final Comparator<SeriesSample> byLabels;
    /**
     * The series of the last snapshot in its sample order (see {@link #snapshot}). Concurrent
     * snapshots may overwrite each other's order and ranks: a rank is only trusted when this
     * array holds its state there, so the worst case is sorting a series again.
     */
    private volatile SeriesState[] lastOrder = new SeriesState[0];

    MetricAggregator(MetricSpec spec, EventSchema eventSchema, WindowSettings settings) {
        this.spec = spec;
        this.settings = settings;
        this.forEachSlot = spec.forEach() == null ? -1 : eventSchema.slot(spec.forEach());
        this.inputSchema = forEachSlot < 0 ? eventSchema : eventSchema.itemSchema(forEachSlot);
        this.labels = spec.labels().stream().map(label -> new LabelSource(label, inputSchema)).toArray(LabelSource[]::new);
        this.whereSlot = spec.where() == null ? -1 : inputSchema.slot(spec.where().field());
        this.value = ValueSource.of(spec, inputSchema);
        int[] byName = java.util.stream.IntStream.range(0, labels.length).boxed()
                .sorted(Comparator.comparing(i -> spec.labels().get(i).name()))
                .mapToInt(Integer::intValue).toArray();
        this.byLabels = (a, b) -> {
            List<String> left = a.labelValues();
            List<String> right = b.labelValues();
            for (int position : byName) {
                int order = left.get(position).compareTo(right.get(position));
                if (order != 0) {
                    return order;
                }
            }
            return 0;
        };
    }

    /**
     * Whether this metric's series are keyed exactly as {@code other}'s: the same inputs (event
     * type and {@code for_each}) give the same label values in the same order. Label names may differ.
     */
    final boolean sameKeysAs(MetricAggregator<?> other) {
        if (other.inputSchema != inputSchema || other.forEachSlot != forEachSlot || other.labels.length != labels.length) {
            return false;
        }
        for (int i = 0; i < labels.length; i++) {
            if (!labels[i].sameValuesAs(other.labels[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Set once by the engine, before any series exists: see {@link #keySource}. Only an
     * optimisation: a key found in any table holds the very values looked up, so a source keyed
     * otherwise would share nothing, not mix series.
     */
    final void shareKeysWith(MetricAggregator<?> source) {
        keySource = source;
    }

    /** A fresh state for the new series of {@code key}: its packed values the key source's, when it has the series. */
    private S newSharedState(LabelValues key) {
        LabelValues shared = keySource == null ? null : keySource.series.get(key);
        return newState(shared == null ? key : shared);
    }

    /** A fresh state for the new series of {@code key}. */
    abstract S newState(LabelValues key);

    /**
     * Adds one input to {@code state}, under its monitor.
     *
     * @param second          the epoch second of the bucket the input belongs to
     * @param value           the input's value (see {@link ValueSource}), never NaN
     * @param input           the event (or array element) itself, for extra fields
     * @param eventTimeMillis the event's own time
     */
    abstract void record(S state, long second, double value, Event input, long eventTimeMillis);

    /**
     * Reads, without the monitor, the memory that {@link #record} into {@code state} is about to
     * write (its window's arrays), so that the cache misses of a run's inputs are taken together
     * rather than one record after the other (see {@link #recordRun}). A racing writer may replace
     * what is read: the reads are only a hint. Returns a value derived from the reads, which
     * means nothing and is only kept so that the compiler keeps the reads.
     */
    abstract int prefetch(S state);

    /** The sample of {@code state} at {@code nowMillis}, under its monitor. */
    abstract SeriesSample sample(S state, List<String> labelValues, long nowMillis);

    /**
     * Adds everything {@code other} recorded into {@code state}, so that {@code state} becomes the
     * state of the union of both series' inputs. Called under both monitors.
     */
    abstract void merge(S state, S other);

    /** Writes {@code state} (its windows and totals, not its label values or last event time), under its monitor. */
    abstract void writeState(S state, StateWriter out, long baseSecond);

    /** Reads what {@link #writeState} wrote into a fresh {@code state}. */
    abstract void readState(S state, StateReader in, long baseSecond) throws CheckpointException;

    /** Writes state kept for the whole metric rather than per series (none by default). */
    void writeShared(StateWriter out, long baseSecond) {
    }

    /** Reads what {@link #writeShared} wrote, into this fresh aggregator. */
    void readShared(StateReader in, long baseSecond) throws CheckpointException {
    }

    /** What the state of this metric depends on besides its catalog definition (none by default). */
    String stateDefinitionDetail() {
        return "";
    }

    /**
     * Called for the inputs of the metric's event type before {@code where} filters them:
     * {@code inputs} of them in {@code second}. Runs of inputs in one second come in one call.
     */
    void beforeFilter(long second, int inputs) {
    }

    /**
     * Records every input of {@code events} (all of this metric's event type, arrived at
     * {@code nowMillis}), in order.
     *
     * <p>The engine goes through a batch metric by metric rather than event by event: one
     * metric's hot series then stay in the cache for the whole run, and two threads applying
     * batches at once meet on a shared series (the one series of an unlabelled metric takes
     * every event of its type) for the length of a run instead of on every event, which had
     * the cache line of that series travel between the cores for each event.
     */
    final void recordAll(List<Event> events, long nowMillis, InputRun run) {
        run.prepare(labels.length);
        long unfilteredSecond = Long.MIN_VALUE;
        int unfiltered = 0;
        for (int e = 0; e < events.size(); e++) {
            Event event = events.get(e);
            long placedMillis = Math.min(event.timeMillis(), nowMillis);
            long second = Math.floorDiv(placedMillis, 1000);
            if (second != unfilteredSecond) {
                if (unfiltered > 0) {
                    beforeFilter(unfilteredSecond, unfiltered);
                }
                unfilteredSecond = second;
                unfiltered = 0;
            }
            if (forEachSlot < 0) {
                unfiltered++;
                addInput(run, event, event.timeMillis(), nowMillis);
            } else {
                Event[] items = event.items(forEachSlot);
                unfiltered += items.length;
                for (Event item : items) {
                    addInput(run, item, event.timeMillis(), nowMillis);
                }
            }
        }
        if (unfiltered > 0) {
            beforeFilter(unfilteredSecond, unfiltered);
        }
        recordRun(run, nowMillis);
    }

    /** Adds a counted input to {@code run}, recording the run first when it is full. */
    private void addInput(InputRun run, Event input, long eventTimeMillis, long nowMillis) {
        double inputValue = countedValue(input, eventTimeMillis);
        if (Double.isNaN(inputValue)) {
            return;
        }
        if (run.isFull()) {
            recordRun(run, nowMillis);
        }
        fill(run.add(input, eventTimeMillis, inputValue), input);
    }

    /**
     * Records the inputs of {@code run} in order, and empties it. Their series are looked up
     * first, all of them, and their windows read, and only then recorded: the lookups of a run are
     * independent of one another, so the processor overlaps their cache misses (table slot,
     * series, its key bytes, its window's arrays, of series the cache does not hold), where
     * looking up and recording one input after the other waited for each input's misses in turn
     * (the monitor's atomic instruction also lets no later load start before it). At 1M live
     * series every one of those is a miss.
     */
    @SuppressWarnings("unchecked")
    private void recordRun(InputRun run, long nowMillis) {
        int count = run.count();
        Object[] found = run.states();
        LabelProbe[] probes = run.probes();
        int prefetched = series.getAll(probes, count, found);
        for (int i = 0; i < count; i++) {
            if (found[i] != null) {
                prefetched += prefetch((S) found[i]);
            }
        }
        run.keepPrefetched(prefetched);
        for (int i = 0; i < count; i++) {
            long eventTimeMillis = run.eventTimeMillis(i);
            long placedMillis = Math.min(eventTimeMillis, nowMillis);
            recordInput(run.input(i), eventTimeMillis, placedMillis, nowMillis, Math.floorDiv(placedMillis, 1000), run.value(i),
                    probes[i], (S) found[i]);
        }
        run.clear();
    }

    /** Records one input into its series, {@code state} if that is still live, else the series' new state. */
    private void recordInput(Event input, long eventTimeMillis, long placedMillis, long nowMillis, long second,
            double inputValue, LabelProbe probe, S found) {
        S state = found;
        while (true) {
            if (state == null) {
                state = series.get(probe);
                if (state == null) {
                    state = insert(probe.freeze());
                }
            }
            synchronized (state) {
                if (!state.evicted && !keepIdleSeries && state.lastEventMillis != Long.MIN_VALUE
                        && nowMillis - state.lastEventMillis >= settings.seriesTtlMillis()) {
                    // Expired while nobody took a snapshot: the series disappeared, so this input starts a new one.
                    state.evicted = true;
                    remove(state);
                }
                if (!state.evicted) {
                    record(state, second, inputValue, input, eventTimeMillis);
                    state.lastEventMillis = Math.max(state.lastEventMillis, placedMillis);
                    return;
                }
            }
            state = null;
        }
    }

    /** The input's value if the metric counts it (it passes {@code where} and has a value), else NaN. */
    private double countedValue(Event input, long eventTimeMillis) {
        if (whereSlot >= 0 && !spec.where().accepts(input.number(whereSlot))) {
            return Double.NaN;
        }
        return value.valueOf(input, eventTimeMillis);
    }

    /** An upper bound of the series {@code event} can create: one per input. */
    final int inputsOf(Event event) {
        return forEachSlot < 0 ? 1 : event.items(forEachSlot).length;
    }

    /** Adds to {@code newKeys} the series {@code event} would create that do not exist yet. */
    final void collectNewSeries(Event event, Set<LabelValues> newKeys) {
        if (forEachSlot < 0) {
            collectNewSeries(event, event.timeMillis(), newKeys);
            return;
        }
        for (Event item : event.items(forEachSlot)) {
            collectNewSeries(item, event.timeMillis(), newKeys);
        }
    }

    private void collectNewSeries(Event input, long eventTimeMillis, Set<LabelValues> newKeys) {
        if (!Double.isNaN(countedValue(input, eventTimeMillis))) {
            LabelProbe probe = new LabelProbe(labels.length);
            fill(probe, input);
            if (series.get(probe) == null) {
                newKeys.add(probe.freeze());
            }
        }
    }

    /** The series of {@code key}: a new one unless another thread just made it. A state is its own key. */
    private S insert(LabelValues key) {
        S fresh = newSharedState(key);
        S made = series.putIfAbsent(fresh);
        return made == null ? fresh : made;
    }

    /** Removes {@code state} if the table still holds this very state, not a newer one of the same series. */
    private void remove(S state) {
        series.remove(state);
    }

    /** Fills {@code probe} with the label values of {@code input}. */
    private void fill(LabelProbe probe, Event input) {
        probe.clear();
        for (LabelSource label : labels) {
            probe.add(label.valueOf(input));
        }
        probe.filled();
    }

    /**
     * Every live series at {@code nowMillis}, sorted by label values (see {@link #byLabels}); evicts series past their TTL.
     *
     * <p>A series seen by the last snapshot takes its place from there ({@link SeriesState#snapshotRank}),
     * so only series new since are sorted and then inserted: sorting all of them on every scrape
     * took 60 % of a scrape of 1M series (JFR), while the set of series rarely changes between scrapes.
     */
    final MetricFamilySnapshot snapshot(long nowMillis) {
        SeriesState[] previous = lastOrder;
        SeriesSample[] known = new SeriesSample[previous.length];
        List<Placed> fresh = new ArrayList<>();
        for (S state : series) {
            SeriesSample sample = null;
            synchronized (state) {
                if (state.lastEventMillis == Long.MIN_VALUE) {
                    // Created, but its writer has not taken the monitor yet: nothing to serve (as a
                    // checkpoint leaves it out), and not idle either (the subtraction below would overflow).
                } else if (nowMillis - state.lastEventMillis >= settings.seriesTtlMillis()) {
                    state.evicted = true;
                    remove(state);
                } else {
                    sample = sample(state, state.asList(), nowMillis);
                }
            }
            if (sample != null) {
                int rank = state.snapshotRank;
                if (rank >= 0 && rank < previous.length && previous[rank] == state) {
                    known[rank] = sample;
                } else {
                    fresh.add(new Placed(state, sample));
                }
            }
        }
        return new MetricFamilySnapshot(spec, inOrder(previous, known, fresh), true);
    }

    /** A series the last snapshot did not have. */
    private record Placed(SeriesState state, SeriesSample sample) {
    }

    /**
     * The samples of {@code known} (indexed by the rank of {@code previous}, null where a series
     * went) and of {@code fresh} in {@link #byLabels} order; remembers that order for the next snapshot.
     */
    private List<SeriesSample> inOrder(SeriesState[] previous, SeriesSample[] known, List<Placed> fresh) {
        fresh.sort((a, b) -> byLabels.compare(a.sample(), b.sample()));
        // compacted in place; previous is shared with concurrent snapshots, so its states are copied
        SeriesState[] knownStates = new SeriesState[known.length];
        int knownCount = 0;
        for (int i = 0; i < known.length; i++) {
            if (known[i] != null) {
                known[knownCount] = known[i];
                knownStates[knownCount] = previous[i];
                knownCount++;
            }
        }
        List<SeriesSample> samples = new ArrayList<>(knownCount + fresh.size());
        SeriesState[] order = new SeriesState[knownCount + fresh.size()];
        int from = 0;
        for (Placed placed : fresh) {
            // the known samples before this fresh one: a binary search over the rest of them
            int low = from;
            int high = knownCount;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (byLabels.compare(known[middle], placed.sample()) < 0) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            for (; from < low; from++) {
                append(samples, order, known[from], knownStates[from]);
            }
            append(samples, order, placed.sample(), placed.state());
        }
        for (; from < knownCount; from++) {
            append(samples, order, known[from], knownStates[from]);
        }
        lastOrder = order;
        return samples;
    }

    private static void append(List<SeriesSample> samples, SeriesState[] order, SeriesSample sample, SeriesState state) {
        state.snapshotRank = samples.size();
        order[samples.size()] = state;
        samples.add(sample);
    }

    /**
     * Evicts every series whose last event, here and in {@code reference}'s same series (if it
     * has one), is at or before {@code cutoffMillis}.
     *
     * @param reference an aggregator of the same metric nobody writes to meanwhile
     * @return the number of series evicted
     */
    @SuppressWarnings("unchecked")
    final int evictIdle(long cutoffMillis, MetricAggregator<?> reference) {
        if (reference.getClass() != getClass() || !reference.spec.equals(spec)) {
            throw new IllegalArgumentException(reference.spec.name() + ": can only compare the same metric");
        }
        int evicted = 0;
        for (S state : series) {
            S known = ((MetricAggregator<S>) reference).series.get(state);
            long knownLastMillis = Long.MIN_VALUE;
            if (known != null) {
                synchronized (known) {
                    knownLastMillis = known.lastEventMillis;
                }
            }
            synchronized (state) {
                if (!state.evicted && Math.max(state.lastEventMillis, knownLastMillis) <= cutoffMillis) {
                    state.evicted = true;
                    remove(state);
                    evicted++;
                }
            }
        }
        return evicted;
    }

    /**
     * Merges every series of {@code other} (an aggregator of the same metric and window, e.g. a
     * partial state from another node) into this one. {@code other} must not be written to while
     * it is merged; this aggregator may be.
     */
    @SuppressWarnings("unchecked")
    final void mergeFrom(MetricAggregator<?> other) {
        if (other.getClass() != getClass() || !other.spec.equals(spec) || !other.settings.equals(settings)) {
            throw new IllegalArgumentException(other.spec.name() + ": can only merge the same metric with the same window");
        }
        mergeShared(other);
        for (Object theirs : other.series) {
            mergeSeries((S) theirs);
        }
    }

    /**
     * Takes over every series of {@code staging}, a restored checkpoint nobody else holds: a
     * series this aggregator does not have is adopted as it is, without a copy (at start-up,
     * every series); one it has is merged as in {@link #mergeFrom}. {@code staging} must not be
     * used afterwards.
     */
    @SuppressWarnings("unchecked")
    final void adoptFrom(MetricAggregator<?> staging) {
        if (staging.getClass() != getClass() || !staging.spec.equals(spec) || !staging.settings.equals(settings)) {
            throw new IllegalArgumentException(staging.spec.name() + ": can only adopt the same metric with the same window");
        }
        mergeShared(staging);
        for (Object adopted : staging.series) {
            S theirs = (S) adopted;
            if (series.putIfAbsent(theirs) != null) {
                mergeSeries(theirs);
            }
        }
    }

    private void mergeSeries(S theirs) {
        while (true) {
            S ours = series.get(theirs);
            if (ours == null) {
                ours = insert(theirs);
            }
            synchronized (ours) {
                if (ours.evicted) {
                    continue;
                }
                synchronized (theirs) {
                    merge(ours, theirs);
                    ours.lastEventMillis = Math.max(ours.lastEventMillis, theirs.lastEventMillis);
                }
                return;
            }
        }
    }

    /** Merges state kept for the whole metric rather than per series (none by default). */
    void mergeShared(MetricAggregator<?> other) {
    }

    /** The live series' states (weakly consistent, see {@link SeriesTable}). */
    final Iterable<S> states() {
        return series;
    }

    final int seriesCount() {
        return series.size();
    }

    /**
     * Everything a series' state means, as text: a checkpoint's state is restored only into a
     * metric whose definition reads the same. HELP and release stage are left out (they change
     * no value); labels, event type, filter, value source and recording scale are in.
     */
    final String stateDefinition() {
        StringBuilder text = new StringBuilder()
                .append("aggregation=").append(spec.aggregation().wireName())
                .append(";type=").append(spec.type())
                .append(";event_type=").append(spec.eventType())
                .append(";for_each=").append(spec.forEach())
                .append(";labels=");
        for (LabelSpec label : spec.labels()) {
            text.append(label.name()).append("<-").append(label.fromField()).append(':').append(label.format()).append(',');
        }
        text.append(";where=");
        if (spec.where() != null) {
            text.append(spec.where().field()).append('[').append(spec.where().min()).append(',').append(spec.where().max()).append(']');
        }
        return text.append(";value=").append(spec.valueField())
                .append(";age_of=").append(spec.ageOfField())
                .append(";weight=").append(spec.weightField())
                .append(";per=").append(spec.perField())
                .append(stateDefinitionDetail())
                .toString();
    }

    /**
     * Writes one frame per series, each copied under the series' monitor into {@code record} and
     * written to {@code out} after the monitor is released.
     *
     * @return the number of series written
     */
    final long writeSeries(CheckpointCodec.FrameOutput out, StateWriter record, long baseSecond) throws IOException {
        long written = 0;
        for (S state : series) {
            record.reset();
            synchronized (state) {
                // Evicted: no longer served. Never recorded: its writer has not taken the monitor yet.
                if (state.evicted || state.lastEventMillis == Long.MIN_VALUE) {
                    continue;
                }
                state.writeTo(record);
                record.writeLong(state.lastEventMillis);
                writeState(state, record, baseSecond);
            }
            out.frame(CheckpointCodec.MORE, record);
            written++;
        }
        return written;
    }

    /**
     * Decodes one series frame into this aggregator, a staging copy nobody else uses.
     *
     * @return false when the series was idle past the series TTL at {@code nowMillis}: it is left
     *         out, as a snapshot at {@code nowMillis} would have evicted it
     */
    final boolean readSeries(byte[] frame, long baseSecond, long nowMillis) throws CheckpointException {
        StateReader in = new StateReader(frame);
        LabelValues key = LabelValues.read(in, labels.length);
        long lastEventMillis = in.readTimeMillis("last event time");
        S state = newSharedState(key);
        readState(state, in, baseSecond);
        in.expectEnd();
        if (series.get(key) != null) {
            throw CheckpointException.corrupt(spec.name() + key + ": two records of one series");
        }
        if (nowMillis - lastEventMillis >= settings.seriesTtlMillis()) {
            return false;
        }
        state.lastEventMillis = lastEventMillis;
        series.putIfAbsent(state);
        return true;
    }
}
