package dev.metricsgateway.core;


/**
 * Windowed sum of values (a count when every value is 1): one {@link PackedColumn} over the ring
 * of {@link SecondRing}, so a second of whole numbers costs one to four bytes. Not thread-safe;
 * see {@link SecondRing}.
 */
final class SumWindow extends SecondRing {

    /** A {@link PackedColumn}: the array itself. */
    private Object sums;

    SumWindow(int windowSeconds) {
        super(windowSeconds);
    }

    void add(long second, double value) {
        int slot = slotForWrite(second);
        if (slot >= 0) {
            Object column = PackedColumn.add(sums, slot, value);
            if (column != sums) {
                // Only when it widened: a reference store on every add runs G1's write barrier,
                // which cost more than the column object this field replaced (A/B, 7-13 %).
                sums = column;
            }
        }
    }

    /** Reads what {@link #add} writes, for a prefetch (see {@code MetricAggregator.prefetch}); the value means nothing. */
    int prefetch() {
        return PackedColumn.prefetch(sums);
    }

    /** Σ of the values in the window ending at {@code nowSecond}, in the order of their seconds. */
    double sum(long nowSecond) {
        if (isEmpty()) {
            return 0;
        }
        long from = Math.max(oldest(), nowSecond - window() + 1);
        long to = Math.min(newest(), nowSecond);
        return from > to ? 0 : PackedColumn.sum(sums, position(from), (int) (to - from + 1));
    }

    @Override
    void allocate(int capacity) {
        sums = sums == null ? PackedColumn.create(capacity) : PackedColumn.emptyCopy(sums, capacity);
    }

    @Override
    void relayout(int oldCapacity, int newCapacity, long from, long to) {
        sums = WindowColumns.relayout(sums, oldCapacity, newCapacity, from, to);
    }

    @Override
    void clearSlot(int position) {
        PackedColumn.clear(sums, position);
    }

    /** Adds every second of {@code other} into this window, as if its events had been added here. */
    void mergeBuckets(SumWindow other) {
        WindowColumns.requireSameWindow(this, other);
        for (long second = other.isEmpty() ? 0 : other.oldest(); !other.isEmpty() && second <= other.newest(); second++) {
            double value = PackedColumn.get(other.sums, other.position(second));
            if (value != 0) {
                add(second, value);
            }
        }
    }

    /**
     * Checkpoint format version 1, unchanged: a count, then every second holding a value as a
     * difference to {@code baseSecond} and its sum.
     */
    void writeBuckets(StateWriter out, long baseSecond) {
        int buckets = 0;
        for (long second = isEmpty() ? 0 : oldest(); !isEmpty() && second <= newest(); second++) {
            if (PackedColumn.get(sums, position(second)) != 0) {
                buckets++;
            }
        }
        out.writeVarLong(buckets);
        for (long second = isEmpty() ? 0 : oldest(); !isEmpty() && second <= newest(); second++) {
            double value = PackedColumn.get(sums, position(second));
            if (value != 0) {
                out.writeSignedVarLong(second - baseSecond);
                out.writeDouble(value);
            }
        }
    }

    /** Reads what {@link #writeBuckets} (or the ring of earlier versions, in any order) wrote into this empty window. */
    void readBuckets(StateReader in, long baseSecond) throws CheckpointException {
        readBuckets(in, baseSecond, window(), second -> add(second, in.readNumber("a windowed sum")));
    }
}
