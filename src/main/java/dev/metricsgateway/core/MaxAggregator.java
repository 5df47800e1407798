package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.MetricSpec;
import java.util.List;

/** {@code max}: the largest value in the window; NaN when the window is empty. */
final class MaxAggregator extends MetricAggregator<MaxAggregator.State> {

    static final class State extends SeriesState {
        final MaxWindow maxima;

        State(LabelValues key, int windowSeconds) {
            super(key);
            maxima = new MaxWindow(windowSeconds);
        }
    }

    MaxAggregator(MetricSpec spec, EventSchema eventSchema, WindowSettings settings) {
        super(spec, eventSchema, settings);
    }

    @Override
    State newState(LabelValues key) {
        return new State(key, settings.windowSeconds());
    }

    @Override
    void record(State state, long second, double value, Event input, long eventTimeMillis) {
        state.maxima.add(second, value);
    }

    @Override
    int prefetch(State state) {
        return state.maxima.prefetch();
    }

    @Override
    SeriesSample sample(State state, List<String> labelValues, long nowMillis) {
        return new GaugeSample(labelValues, state.maxima.max(Math.floorDiv(nowMillis, 1000)));
    }

    @Override
    void merge(State state, State other) {
        state.maxima.mergeBuckets(other.maxima);
    }

    @Override
    void writeState(State state, StateWriter out, long baseSecond) {
        state.maxima.writeBuckets(out, baseSecond);
    }

    @Override
    void readState(State state, StateReader in, long baseSecond) throws CheckpointException {
        state.maxima.readBuckets(in, baseSecond);
    }
}
