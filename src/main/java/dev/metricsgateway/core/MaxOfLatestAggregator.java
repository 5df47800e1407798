package dev.metricsgateway.core;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.MetricSpec;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code max_of_latest}: each instance (the {@code per} label) keeps its latest sample by event
 * time; the series reads the maximum over instances whose latest sample is younger than the
 * instance TTL, NaN when none is. Not windowed: utilization is a level, not a flow.
 */
final class MaxOfLatestAggregator extends MetricAggregator<MaxOfLatestAggregator.State> {

    /** An instance's latest sample. */
    private record InstanceSample(long timeMillis, double value) {
    }

    static final class State extends SeriesState {
        final Map<String, InstanceSample> latestByInstance = new HashMap<>();

        State(LabelValues key) {
            super(key);
        }
    }

    private final int instanceSlot;

    MaxOfLatestAggregator(MetricSpec spec, EventSchema eventSchema, WindowSettings settings) {
        super(spec, eventSchema, settings);
        this.instanceSlot = inputSchema.slot(spec.perField());
    }

    @Override
    State newState(LabelValues key) {
        return new State(key);
    }

    @Override
    void record(State state, long second, double value, Event input, long eventTimeMillis) {
        state.latestByInstance.merge(input.label(instanceSlot), new InstanceSample(eventTimeMillis, value), MaxOfLatestAggregator::later);
    }

    @Override
    int prefetch(State state) {
        return state.latestByInstance.size(); // the map's fields; its table is a miss record takes
    }

    /** The later of two samples; ties go to the later arrival (a process that reports twice in one millisecond meant the second). */
    private static InstanceSample later(InstanceSample held, InstanceSample offered) {
        return offered.timeMillis() >= held.timeMillis() ? offered : held;
    }

    @Override
    SeriesSample sample(State state, List<String> labelValues, long nowMillis) {
        double max = Double.NaN;
        Iterator<InstanceSample> samples = state.latestByInstance.values().iterator();
        while (samples.hasNext()) {
            InstanceSample sample = samples.next();
            if (nowMillis - sample.timeMillis() >= settings.instanceTtlMillis()) {
                samples.remove(); // a dead instance never comes back into the maximum
            } else if (Double.isNaN(max) || sample.value() > max) {
                max = sample.value();
            }
        }
        return new GaugeSample(labelValues, max);
    }

    @Override
    void merge(State state, State other) {
        other.latestByInstance.forEach((instance, sample) -> state.latestByInstance.merge(instance, sample, MaxOfLatestAggregator::later));
    }

    @Override
    void writeState(State state, StateWriter out, long baseSecond) {
        out.writeVarLong(state.latestByInstance.size());
        for (Map.Entry<String, InstanceSample> entry : state.latestByInstance.entrySet()) {
            out.writeString(entry.getKey());
            out.writeLong(entry.getValue().timeMillis());
            out.writeDouble(entry.getValue().value());
        }
    }

    @Override
    void readState(State state, StateReader in, long baseSecond) throws CheckpointException {
        int instances = in.readCount(Integer.MAX_VALUE, "instances");
        for (int i = 0; i < instances; i++) {
            String instance = in.readLabel();
            InstanceSample sample = new InstanceSample(in.readTimeMillis("instance sample time"), in.readNumber("instance sample"));
            if (state.latestByInstance.put(instance, sample) != null) {
                throw CheckpointException.corrupt("instance " + instance + " appears twice in one series");
            }
        }
    }
}
