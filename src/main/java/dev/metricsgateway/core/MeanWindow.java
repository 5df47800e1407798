package dev.metricsgateway.core;

/** Windowed weighted mean: Σ weight × value / Σ weight. Not thread-safe; see {@link SecondBuckets}. */
final class MeanWindow extends SecondBuckets {

    private final double[] weightedSums;
    private final double[] weights;

    MeanWindow(int windowSeconds) {
        super(windowSeconds);
        this.weightedSums = new double[windowSeconds];
        this.weights = new double[windowSeconds];
    }

    void add(long second, double value, double weight) {
        int slot = slotForWrite(second);
        if (slot >= 0) {
            weightedSums[slot] += weight * value;
            weights[slot] += weight;
        }
    }

    /** The weighted mean over the window ending at {@code nowSecond}; NaN when the weights sum to 0. */
    double mean(long nowSecond) {
        double weightedSum = 0;
        double weight = 0;
        for (int slot = 0; slot < weights.length; slot++) {
            if (isLive(slot, nowSecond)) {
                weightedSum += weightedSums[slot];
                weight += weights[slot];
            }
        }
        return weight == 0 ? Double.NaN : weightedSum / weight;
    }

    @Override
    void clearSlot(int slot) {
        weightedSums[slot] = 0;
        weights[slot] = 0;
    }

    @Override
    void mergeSlot(int slot, SecondBuckets other, int otherSlot) {
        MeanWindow that = (MeanWindow) other;
        weightedSums[slot] += that.weightedSums[otherSlot];
        weights[slot] += that.weights[otherSlot];
    }

    @Override
    void writeSlot(StateWriter out, int slot) {
        out.writeDouble(weightedSums[slot]);
        out.writeDouble(weights[slot]);
    }

    @Override
    void readSlot(StateReader in, int slot) throws CheckpointException {
        weightedSums[slot] = in.readNumber("a windowed weighted sum");
        weights[slot] = in.readNumber("a windowed weight");
    }
}
