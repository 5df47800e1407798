package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.MetricSpec;
import java.util.List;

/**
 * {@code percent_of_events}: for each series of events matching {@code where}, 100 × its count in
 * the window / the count of all events of the type in the window. Reads 0 when the window holds
 * no event at all (an idle error rate is no error).
 *
 * <p>The denominator is one window for the whole metric, guarded by its own monitor; it is taken
 * after (never while holding) a series monitor on the record path, and inside one on the sample
 * path, so the two never wait on each other in opposite orders.
 */
final class PercentOfEventsAggregator extends MetricAggregator<PercentOfEventsAggregator.State> {

    static final class State extends SeriesState {
        final SumWindow matching;

        State(LabelValues key, int windowSeconds) {
            super(key);
            matching = new SumWindow(windowSeconds);
        }
    }

    private final SumWindow allEvents;

    PercentOfEventsAggregator(MetricSpec spec, EventSchema eventSchema, WindowSettings settings) {
        super(spec, eventSchema, settings);
        this.allEvents = new SumWindow(settings.windowSeconds());
    }

    @Override
    void beforeFilter(long second, int inputs) {
        synchronized (allEvents) {
            allEvents.add(second, inputs);
        }
    }

    @Override
    State newState(LabelValues key) {
        return new State(key, settings.windowSeconds());
    }

    @Override
    void record(State state, long second, double value, Event input, long eventTimeMillis) {
        state.matching.add(second, 1);
    }

    @Override
    int prefetch(State state) {
        return state.matching.prefetch();
    }

    @Override
    SeriesSample sample(State state, List<String> labelValues, long nowMillis) {
        long nowSecond = Math.floorDiv(nowMillis, 1000);
        double total;
        synchronized (allEvents) {
            total = allEvents.sum(nowSecond);
        }
        double matching = state.matching.sum(nowSecond);
        return new GaugeSample(labelValues, total == 0 ? 0 : 100 * matching / total);
    }

    @Override
    void merge(State state, State other) {
        state.matching.mergeBuckets(other.matching);
    }

    @Override
    void mergeShared(MetricAggregator<?> other) {
        SumWindow theirs = ((PercentOfEventsAggregator) other).allEvents;
        synchronized (allEvents) {
            synchronized (theirs) {
                allEvents.mergeBuckets(theirs);
            }
        }
    }

    @Override
    void writeState(State state, StateWriter out, long baseSecond) {
        state.matching.writeBuckets(out, baseSecond);
    }

    @Override
    void readState(State state, StateReader in, long baseSecond) throws CheckpointException {
        state.matching.readBuckets(in, baseSecond);
    }

    /**
     * The denominator, copied after every series (the codec writes shared state last): an event
     * takes this monitor before its series' monitor, so every event a copied series counts is in
     * the copied denominator, and a restored ratio never exceeds 100.
     */
    @Override
    void writeShared(StateWriter out, long baseSecond) {
        synchronized (allEvents) {
            allEvents.writeBuckets(out, baseSecond);
        }
    }

    @Override
    void readShared(StateReader in, long baseSecond) throws CheckpointException {
        allEvents.readBuckets(in, baseSecond);
    }
}
