package dev.metricsgateway.core;

import java.util.Arrays;

/**
 * A run of up to {@link #CAPACITY} inputs of one metric waiting to be recorded, each with its
 * label values packed in a probe of its own, so that the run's series can all be looked up
 * before any is recorded (see {@code MetricAggregator.recordRun}). One run serves a batch's
 * metrics one after another; confined to the thread applying the batch.
 */
final class InputRun {

    /** Enough lookups to keep the processor's misses overlapping; small enough to stay in L1. */
    static final int CAPACITY = 16;

    private final Event[] inputs = new Event[CAPACITY];
    private final long[] eventTimesMillis = new long[CAPACITY];
    private final double[] values = new double[CAPACITY];
    private final LabelProbe[] probes = new LabelProbe[CAPACITY];
    /** By input: its series state once looked up (and, during a lookup, whatever the table held). */
    private final Object[] states = new Object[CAPACITY];
    private int count;
    /** What the prefetching reads of lookups returned: kept so that the compiler keeps the reads. */
    private int prefetched;

    InputRun() {
        for (int i = 0; i < CAPACITY; i++) {
            probes[i] = new LabelProbe(0);
        }
    }

    /** Readies this empty run for the inputs of a metric with {@code labels} labels. */
    void prepare(int labels) {
        for (LabelProbe probe : probes) {
            probe.labels(labels);
        }
    }

    boolean isFull() {
        return count == CAPACITY;
    }

    int count() {
        return count;
    }

    /** Appends an input; returns its probe, for the caller to fill with the input's label values. */
    LabelProbe add(Event input, long eventTimeMillis, double value) {
        inputs[count] = input;
        eventTimesMillis[count] = eventTimeMillis;
        values[count] = value;
        return probes[count++];
    }

    Event input(int i) {
        return inputs[i];
    }

    long eventTimeMillis(int i) {
        return eventTimesMillis[i];
    }

    double value(int i) {
        return values[i];
    }

    LabelProbe[] probes() {
        return probes;
    }

    /** Where the run's series are looked up into, by input. */
    Object[] states() {
        return states;
    }

    /** Keeps a value derived from prefetching reads (see {@code MetricAggregator.recordRun}). */
    void keepPrefetched(int value) {
        prefetched += value;
    }

    /** Empties the run, dropping its references to inputs and series. */
    void clear() {
        Arrays.fill(inputs, 0, count, null);
        Arrays.fill(states, 0, count, null);
        count = 0;
    }
}
