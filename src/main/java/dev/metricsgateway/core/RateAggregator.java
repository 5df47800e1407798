package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.MetricSpec;
import java.util.List;

/** {@code rate}: Σ value (or the number of events) in the window / W. An idle series reads 0. */
final class RateAggregator extends MetricAggregator<RateAggregator.State> {

    static final class State extends SeriesState {
        final SumWindow sums;

        State(LabelValues key, int windowSeconds) {
            super(key);
            sums = new SumWindow(windowSeconds);
        }
    }

    RateAggregator(MetricSpec spec, EventSchema eventSchema, WindowSettings settings) {
        super(spec, eventSchema, settings);
    }

    @Override
    State newState(LabelValues key) {
        return new State(key, settings.windowSeconds());
    }

    @Override
    void record(State state, long second, double value, Event input, long eventTimeMillis) {
        state.sums.add(second, value);
    }

    @Override
    int prefetch(State state) {
        return state.sums.prefetch();
    }

    @Override
    SeriesSample sample(State state, List<String> labelValues, long nowMillis) {
        return new GaugeSample(labelValues, state.sums.sum(Math.floorDiv(nowMillis, 1000)) / settings.windowSeconds());
    }

    @Override
    void merge(State state, State other) {
        state.sums.mergeBuckets(other.sums);
    }

    @Override
    void writeState(State state, StateWriter out, long baseSecond) {
        state.sums.writeBuckets(out, baseSecond);
    }

    @Override
    void readState(State state, StateReader in, long baseSecond) throws CheckpointException {
        state.sums.readBuckets(in, baseSecond);
    }
}
