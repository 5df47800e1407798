package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.MetricSpec;
import java.util.List;

/**
 * {@code summary}: quantiles over the window from per-second sparse histograms (NaN when the window is
 * empty), and {@code _count}/{@code _sum} cumulative since the series appeared, as OpenMetrics
 * requires; they never go down while the series lives.
 */
final class SummaryAggregator extends MetricAggregator<SummaryAggregator.State> {

    static final class State extends SeriesState {
        final HistogramWindow window;
        long count;
        double sum;

        State(LabelValues key, int windowSeconds, double recordedPerUnit) {
            super(key);
            window = new HistogramWindow(windowSeconds, recordedPerUnit);
        }
    }

    private final double recordedPerUnit;

    SummaryAggregator(MetricSpec spec, EventSchema eventSchema, WindowSettings settings) {
        super(spec, eventSchema, settings);
        double fieldMax = inputSchema.fields().get(inputSchema.fieldIndex(spec.valueField())).max();
        this.recordedPerUnit = HistogramWindow.recordedPerUnitFor(fieldMax);
    }

    @Override
    State newState(LabelValues key) {
        return new State(key, settings.windowSeconds(), recordedPerUnit);
    }

    @Override
    void record(State state, long second, double value, Event input, long eventTimeMillis) {
        state.window.record(second, value);
        state.count++;
        state.sum += value;
    }

    @Override
    int prefetch(State state) {
        return state.window.prefetch();
    }

    @Override
    SeriesSample sample(State state, List<String> labelValues, long nowMillis) {
        double[] quantileValues = state.window.quantiles(Math.floorDiv(nowMillis, 1000));
        return new SummarySample(labelValues, quantileValues, state.count, state.sum);
    }

    @Override
    void merge(State state, State other) {
        state.window.mergeBuckets(other.window);
        state.count += other.count;
        state.sum += other.sum;
    }

    @Override
    void writeState(State state, StateWriter out, long baseSecond) {
        state.window.writeBuckets(out, baseSecond);
        out.writeVarLong(state.count);
        out.writeDouble(state.sum);
    }

    @Override
    void readState(State state, StateReader in, long baseSecond) throws CheckpointException {
        state.window.readBuckets(in, baseSecond);
        state.count = in.readVarLong();
        if (state.count < 0) {
            throw CheckpointException.corrupt(state.count + ": a summary count is >= 0");
        }
        state.sum = in.readNumber("a summary sum");
    }

    /** Histograms hold values in units of 1/recordedPerUnit: a checkpoint in other units must not be read as these. */
    @Override
    String stateDefinitionDetail() {
        return ";recorded_per_unit=" + recordedPerUnit;
    }
}
