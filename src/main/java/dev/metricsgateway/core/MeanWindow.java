package dev.metricsgateway.core;


/**
 * Windowed weighted mean: Σ weight × value / Σ weight, two {@link PackedColumn}s over the ring of
 * {@link SecondRing}. Not thread-safe; see {@link SecondRing}.
 */
final class MeanWindow extends SecondRing {

    private PackedColumn weightedSums;
    private PackedColumn weights;

    MeanWindow(int windowSeconds) {
        super(windowSeconds);
    }

    void add(long second, double value, double weight) {
        addProducts(second, weight * value, weight);
    }

    private void addProducts(long second, double weightedSum, double weight) {
        int slot = slotForWrite(second);
        if (slot >= 0) {
            weightedSums.add(slot, weightedSum);
            weights.add(slot, weight);
        }
    }

    /** The weighted mean over the window ending at {@code nowSecond}; NaN when the weights sum to 0. */
    double mean(long nowSecond) {
        if (isEmpty()) {
            return Double.NaN;
        }
        long from = Math.max(oldest(), nowSecond - window() + 1);
        long to = Math.min(newest(), nowSecond);
        if (from > to) {
            return Double.NaN;
        }
        int start = position(from);
        int count = (int) (to - from + 1);
        double weight = weights.sum(start, count);
        return weight == 0 ? Double.NaN : weightedSums.sum(start, count) / weight;
    }

    @Override
    void allocate(int capacity) {
        weightedSums = weightedSums == null ? new PackedColumn(capacity) : weightedSums.emptyCopy(capacity);
        weights = weights == null ? new PackedColumn(capacity) : weights.emptyCopy(capacity);
    }

    @Override
    void relayout(int oldCapacity, int newCapacity, long from, long to) {
        weightedSums = WindowColumns.relayout(weightedSums, oldCapacity, newCapacity, from, to);
        weights = WindowColumns.relayout(weights, oldCapacity, newCapacity, from, to);
    }

    @Override
    void clearSlot(int position) {
        weightedSums.clear(position);
        weights.clear(position);
    }

    private boolean holds(int position) {
        return weightedSums.get(position) != 0 || weights.get(position) != 0;
    }

    /** Adds every second of {@code other} into this window, as if its events had been added here. */
    void mergeBuckets(MeanWindow other) {
        WindowColumns.requireSameWindow(this, other);
        for (long second = other.isEmpty() ? 0 : other.oldest(); !other.isEmpty() && second <= other.newest(); second++) {
            int position = other.position(second);
            if (other.holds(position)) {
                addProducts(second, other.weightedSums.get(position), other.weights.get(position));
            }
        }
    }

    /** Checkpoint format version 1, unchanged: a count, then per second its difference to {@code baseSecond}, Σ weight × value and Σ weight. */
    void writeBuckets(StateWriter out, long baseSecond) {
        int buckets = 0;
        for (long second = isEmpty() ? 0 : oldest(); !isEmpty() && second <= newest(); second++) {
            if (holds(position(second))) {
                buckets++;
            }
        }
        out.writeVarLong(buckets);
        for (long second = isEmpty() ? 0 : oldest(); !isEmpty() && second <= newest(); second++) {
            int position = position(second);
            if (holds(position)) {
                out.writeSignedVarLong(second - baseSecond);
                out.writeDouble(weightedSums.get(position));
                out.writeDouble(weights.get(position));
            }
        }
    }

    /** Reads what {@link #writeBuckets} (or the ring of earlier versions, in any order) wrote into this empty window. */
    void readBuckets(StateReader in, long baseSecond) throws CheckpointException {
        readBuckets(in, baseSecond, window(), second -> {
            double weightedSum = in.readNumber("a windowed weighted sum");
            addProducts(second, weightedSum, in.readNumber("a windowed weight"));
        });
    }
}
