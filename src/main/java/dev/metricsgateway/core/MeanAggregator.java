package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.MetricSpec;
import java.util.List;

/**
 * {@code mean}: Σ weight × value / Σ weight over the window, weight 1 per event unless the metric
 * names a weight field (an absent optional weight counts as 0). NaN when the weights sum to 0.
 */
final class MeanAggregator extends MetricAggregator<MeanAggregator.State> {

    private static final int UNWEIGHTED = -1;

    static final class State extends SeriesState {
        final MeanWindow means;

        State(LabelValues key, int windowSeconds) {
            super(key);
            means = new MeanWindow(windowSeconds);
        }
    }

    private final int weightSlot;

    MeanAggregator(MetricSpec spec, EventSchema eventSchema, WindowSettings settings) {
        super(spec, eventSchema, settings);
        this.weightSlot = spec.weightField() == null ? UNWEIGHTED : inputSchema.slot(spec.weightField());
    }

    @Override
    State newState(LabelValues key) {
        return new State(key, settings.windowSeconds());
    }

    @Override
    void record(State state, long second, double value, Event input, long eventTimeMillis) {
        double weight = weightSlot == UNWEIGHTED ? 1 : input.number(weightSlot);
        state.means.add(second, value, Double.isNaN(weight) ? 0 : weight);
    }

    @Override
    int prefetch(State state) {
        return state.means.prefetch();
    }

    @Override
    SeriesSample sample(State state, List<String> labelValues, long nowMillis) {
        return new GaugeSample(labelValues, state.means.mean(Math.floorDiv(nowMillis, 1000)));
    }

    @Override
    void merge(State state, State other) {
        state.means.mergeBuckets(other.means);
    }

    @Override
    void writeState(State state, StateWriter out, long baseSecond) {
        state.means.writeBuckets(out, baseSecond);
    }

    @Override
    void readState(State state, StateReader in, long baseSecond) throws CheckpointException {
        state.means.readBuckets(in, baseSecond);
    }
}
