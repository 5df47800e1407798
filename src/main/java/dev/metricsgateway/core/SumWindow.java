package dev.metricsgateway.core;

/**
 * Windowed sum of values (a count when every value is 1). Not thread-safe; see {@link SecondBuckets}.
 */
final class SumWindow extends SecondBuckets {

    private final double[] sums;

    SumWindow(int windowSeconds) {
        super(windowSeconds);
        this.sums = new double[windowSeconds];
    }

    void add(long second, double value) {
        int slot = slotForWrite(second);
        if (slot >= 0) {
            sums[slot] += value;
        }
    }

    /** Σ of the values in the window ending at {@code nowSecond}. */
    double sum(long nowSecond) {
        double total = 0;
        for (int slot = 0; slot < sums.length; slot++) {
            if (isLive(slot, nowSecond)) {
                total += sums[slot];
            }
        }
        return total;
    }

    @Override
    void clearSlot(int slot) {
        sums[slot] = 0;
    }

    @Override
    void mergeSlot(int slot, SecondBuckets other, int otherSlot) {
        sums[slot] += ((SumWindow) other).sums[otherSlot];
    }

    @Override
    void writeSlot(StateWriter out, int slot) {
        out.writeDouble(sums[slot]);
    }

    @Override
    void readSlot(StateReader in, int slot) throws CheckpointException {
        sums[slot] = in.readNumber("a windowed sum");
    }
}
