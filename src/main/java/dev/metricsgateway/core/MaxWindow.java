package dev.metricsgateway.core;

import java.util.Arrays;

/** Windowed maximum. Not thread-safe; see {@link SecondBuckets}. */
final class MaxWindow extends SecondBuckets {

    private final double[] maxima;

    MaxWindow(int windowSeconds) {
        super(windowSeconds);
        this.maxima = new double[windowSeconds];
        Arrays.fill(maxima, Double.NEGATIVE_INFINITY);
    }

    void add(long second, double value) {
        int slot = slotForWrite(second);
        if (slot >= 0) {
            maxima[slot] = Math.max(maxima[slot], value);
        }
    }

    /** The maximum in the window ending at {@code nowSecond}, NaN when it holds no value. */
    double max(long nowSecond) {
        double max = Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (int slot = 0; slot < maxima.length; slot++) {
            if (isLive(slot, nowSecond)) {
                max = Math.max(max, maxima[slot]);
                any = true;
            }
        }
        return any ? max : Double.NaN;
    }

    @Override
    void clearSlot(int slot) {
        maxima[slot] = Double.NEGATIVE_INFINITY;
    }

    @Override
    void mergeSlot(int slot, SecondBuckets other, int otherSlot) {
        maxima[slot] = Math.max(maxima[slot], ((MaxWindow) other).maxima[otherSlot]);
    }

    @Override
    void writeSlot(StateWriter out, int slot) {
        out.writeDouble(maxima[slot]);
    }

    @Override
    void readSlot(StateReader in, int slot) throws CheckpointException {
        maxima[slot] = in.readNumber("a windowed maximum");
    }
}
