package dev.metricsgateway.core;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;

/**
 * Windowed distribution: one HdrHistogram per second, created on the first value of that second
 * and reset when the slot is reused. {@link PackedHistogram} stores only non-empty buckets, so a
 * second with a handful of latencies costs a few hundred bytes rather than the tens of KB of a
 * full-range histogram.
 *
 * <p>Values are recorded as integers in units of 1/{@link #RECORDED_PER_UNIT} (nanoseconds for
 * values in seconds); with {@link #SIGNIFICANT_DIGITS} = 2 HdrHistogram keeps each value within 1/128 of
 * its true size, inside the contract's 1 % quantile error. Not thread-safe: HdrHistogram does not
 * support concurrent recording, and the owning series state guards this window.
 */
final class HistogramWindow extends SecondBuckets {

    static final int SIGNIFICANT_DIGITS = 2;
    /** Values are stored as integer multiples of 1/RECORDED_PER_UNIT of their unit: nanoseconds for seconds. */
    static final double RECORDED_PER_UNIT = 1e9;
    /** Larger values are clamped: far beyond any latency, and safely inside HdrHistogram's range. */
    static final long MAX_RECORDED = Long.MAX_VALUE / 4;

    private final PackedHistogram[] histograms;
    private final double recordedPerUnit;

    HistogramWindow(int windowSeconds) {
        this(windowSeconds, RECORDED_PER_UNIT);
    }

    HistogramWindow(int windowSeconds, double recordedPerUnit) {
        super(windowSeconds);
        this.histograms = new PackedHistogram[windowSeconds];
        this.recordedPerUnit = recordedPerUnit;
    }

    /**
     * The recording scale for a field whose values are at most {@code fieldMax}: nanoseconds of a
     * second (1e9) unless the declared max would not fit, then the largest power of ten that fits.
     * Values of an unbounded field above MAX_RECORDED / 1e9 (about 2.3e9) are clamped.
     */
    static double recordedPerUnitFor(double fieldMax) {
        double scale = RECORDED_PER_UNIT;
        while (Double.isFinite(fieldMax) && fieldMax * scale > MAX_RECORDED) {
            scale /= 10;
        }
        return scale;
    }

    void record(long second, double value) {
        int slot = slotForWrite(second);
        if (slot >= 0) {
            histogramAt(slot).recordValue(toRecorded(value));
        }
    }

    /** Adds the histograms of the window ending at {@code nowSecond} into {@code target}. */
    void addWindowTo(Histogram target, long nowSecond) {
        for (int slot = 0; slot < histograms.length; slot++) {
            if (histograms[slot] != null && isLive(slot, nowSecond)) {
                target.add(histograms[slot]);
            }
        }
    }

    long toRecorded(double value) {
        double scaled = Math.rint(value * recordedPerUnit);
        return scaled >= MAX_RECORDED ? MAX_RECORDED : Math.max(0, (long) scaled);
    }

    double fromRecorded(long recorded) {
        // Division, not multiplication by 1e-9: it gives the shortest decimal for a whole number of nanoseconds.
        return recorded / recordedPerUnit;
    }

    /** A scratch histogram that can hold the merge of any of these windows. */
    static Histogram newMergeTarget() {
        return new Histogram(SIGNIFICANT_DIGITS);
    }

    private PackedHistogram histogramAt(int slot) {
        PackedHistogram histogram = histograms[slot];
        if (histogram == null) {
            histogram = new PackedHistogram(SIGNIFICANT_DIGITS);
            histograms[slot] = histogram;
        }
        return histogram;
    }

    @Override
    void clearSlot(int slot) {
        if (histograms[slot] != null) {
            histograms[slot].reset();
        }
    }

    @Override
    void mergeSlot(int slot, SecondBuckets other, int otherSlot) {
        AbstractHistogram source = ((HistogramWindow) other).histograms[otherSlot];
        if (source != null) {
            histogramAt(slot).add(source);
        }
    }

    @Override
    void writeSlot(StateWriter out, int slot) {
        out.writeHistogram(histograms[slot]);
    }

    @Override
    void readSlot(StateReader in, int slot) throws CheckpointException {
        histograms[slot] = in.readHistogram();
    }
}
