package dev.metricsgateway.core;


/**
 * Windowed weighted mean: Σ weight × value / Σ weight over the seconds of {@link SecondRing}.
 * While every input is a whole number of thousandths with a whole weight (the ages in seconds of
 * millisecond timestamps, weighted by row counts, as the catalog's means are), the seconds are
 * {@link ExactMeanSeconds}: exact, delta-of-delta encoded, about a byte a second for a steady
 * series. The first input that is not exact in that form moves the window to two
 * {@link PackedColumn}s of doubles for good (windows longer than {@link ExactMeanSeconds#MAX_WINDOW}
 * start there). Not thread-safe; see {@link SecondRing}.
 */
final class MeanWindow extends SecondRing {

    /** Exact seconds; null once the window holds doubles. */
    private ExactMeanSeconds exact;
    /** {@link PackedColumn}s (the arrays themselves); null while the seconds are exact. */
    private Object weightedSums;
    private Object weights;

    /** Reads what {@link #add} writes, for a prefetch (see {@code MetricAggregator.prefetch}); the value means nothing. */
    int prefetch() {
        ExactMeanSeconds seconds = exact; // read once: a writer may move to doubles meanwhile
        return seconds != null ? seconds.prefetch() : PackedColumn.prefetch(weightedSums) + PackedColumn.prefetch(weights);
    }

    MeanWindow(int windowSeconds) {
        super(windowSeconds);
        if (windowSeconds <= ExactMeanSeconds.MAX_WINDOW) {
            exact = new ExactMeanSeconds();
        } else {
            weightedSums = PackedColumn.create(1);
            weights = PackedColumn.create(1);
        }
    }

    void add(long second, double value, double weight) {
        if (exact != null) {
            long thousandths = ExactMeanSeconds.thousandths(value);
            long wholeWeight = ExactMeanSeconds.whole(weight);
            long units = thousandths == Long.MIN_VALUE || wholeWeight == Long.MIN_VALUE ? Long.MIN_VALUE : exact.units(thousandths);
            if (units != Long.MIN_VALUE) {
                long product = ExactMeanSeconds.product(wholeWeight, units);
                if (product != Long.MIN_VALUE && addExact(second, product, wholeWeight)) {
                    return;
                }
            }
            toDoubles();
        }
        addProducts(second, weight * value, weight);
    }

    /** Adds exact sums to {@code second}; false when they do not fit (nothing changed, the caller moves to doubles). */
    private boolean addExact(long second, long units, long weight) {
        if (slotForWrite(second) < 0) {
            return true;
        }
        if (second == newest()) {
            exact.extend(oldest(), second); // the usual write: no need to drop what left the span yet
        } else {
            exact.cover(oldest(), newest());
        }
        return exact.add(second, units, weight);
    }

    private void addProducts(long second, double weightedSum, double weight) {
        if (exact != null) {
            long thousandths = ExactMeanSeconds.thousandths(weightedSum);
            long wholeWeight = ExactMeanSeconds.whole(weight);
            long units = thousandths == Long.MIN_VALUE || wholeWeight == Long.MIN_VALUE ? Long.MIN_VALUE : exact.units(thousandths);
            if (units != Long.MIN_VALUE && addExact(second, units, wholeWeight)) {
                return;
            }
            toDoubles();
        }
        int slot = slotForWrite(second);
        if (slot >= 0) {
            // reference stores only when a column widened (G1's write barrier, see SumWindow.add)
            Object sums = PackedColumn.add(weightedSums, slot, weightedSum);
            if (sums != weightedSums) {
                weightedSums = sums;
            }
            Object weightColumn = PackedColumn.add(weights, slot, weight);
            if (weightColumn != weights) {
                weights = weightColumn;
            }
        }
    }

    /** Moves the exact seconds into double columns, for good. */
    private void toDoubles() {
        ExactMeanSeconds seconds = exact;
        exact = null;
        weightedSums = PackedColumn.create(Math.max(1, capacity()));
        weights = PackedColumn.create(Math.max(1, capacity()));
        if (isEmpty()) {
            return;
        }
        seconds.cover(oldest(), newest());
        long[][] columns = seconds.decode();
        for (int i = 0; i < columns[0].length; i++) {
            int position = position(seconds.first() + i);
            weightedSums = PackedColumn.set(weightedSums, position, seconds.value(columns[0][i]));
            weights = PackedColumn.set(weights, position, columns[1][i]);
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
        if (exact != null) {
            exact.cover(oldest(), newest());
            long[] totals = exact.totals(from, to);
            return exact.mean(totals[0], totals[1]);
        }
        int start = position(from);
        int count = (int) (to - from + 1);
        double weight = PackedColumn.sum(weights, start, count);
        return weight == 0 ? Double.NaN : PackedColumn.sum(weightedSums, start, count) / weight;
    }

    @Override
    void allocate(int capacity) {
        if (exact == null) {
            weightedSums = PackedColumn.emptyCopy(weightedSums, capacity);
            weights = PackedColumn.emptyCopy(weights, capacity);
        }
    }

    @Override
    void relayout(int oldCapacity, int newCapacity, long from, long to) {
        if (exact == null) {
            weightedSums = WindowColumns.relayout(weightedSums, oldCapacity, newCapacity, from, to);
            weights = WindowColumns.relayout(weights, oldCapacity, newCapacity, from, to);
        }
    }

    @Override
    void clearSlot(int position) {
        // the exact seconds follow the span when next used (ExactMeanSeconds.cover)
        if (exact == null) {
            PackedColumn.clear(weightedSums, position);
            PackedColumn.clear(weights, position);
        }
    }

    /** Calls {@code bucket} for each second holding a weight or a weighted sum, oldest first. */
    private void forEachBucket(BucketConsumer bucket) {
        if (isEmpty()) {
            return;
        }
        if (exact != null) {
            exact.cover(oldest(), newest());
            long[][] columns = exact.decode();
            for (int i = 0; i < columns[0].length; i++) {
                if (columns[0][i] != 0 || columns[1][i] != 0) {
                    bucket.accept(exact.first() + i, exact.value(columns[0][i]), columns[1][i]);
                }
            }
            return;
        }
        for (long second = oldest(); second <= newest(); second++) {
            int position = position(second);
            double weightedSum = PackedColumn.get(weightedSums, position);
            double weight = PackedColumn.get(weights, position);
            if (weightedSum != 0 || weight != 0) {
                bucket.accept(second, weightedSum, weight);
            }
        }
    }

    private interface BucketConsumer {
        void accept(long second, double weightedSum, double weight);
    }

    /** True while the seconds are held exactly (for tests of the representation). */
    boolean isExact() {
        return exact != null;
    }

    /** Bytes of per-second storage (array headers excluded), for tests and the memory benchmark's explanations. */
    int storedBytes() {
        return exact != null ? exact.storedBytes() : PackedColumn.length(weightedSums)
                * (PackedColumn.bytesPerValue(weightedSums) + PackedColumn.bytesPerValue(weights));
    }

    /** Adds every second of {@code other} into this window, as if its events had been added here. */
    void mergeBuckets(MeanWindow other) {
        WindowColumns.requireSameWindow(this, other);
        other.forEachBucket(this::addProducts);
    }

    /** Checkpoint format version 1, unchanged: a count, then per second its difference to {@code baseSecond}, Σ weight × value and Σ weight. */
    void writeBuckets(StateWriter out, long baseSecond) {
        int[] buckets = {0};
        forEachBucket((second, weightedSum, weight) -> buckets[0]++);
        out.writeVarLong(buckets[0]);
        forEachBucket((second, weightedSum, weight) -> {
            out.writeSignedVarLong(second - baseSecond);
            out.writeDouble(weightedSum);
            out.writeDouble(weight);
        });
    }

    /** Reads what {@link #writeBuckets} (or the ring of earlier versions, in any order) wrote into this empty window. */
    void readBuckets(StateReader in, long baseSecond) throws CheckpointException {
        readBuckets(in, baseSecond, window(), second -> {
            double weightedSum = in.readNumber("a windowed weighted sum");
            addProducts(second, weightedSum, in.readNumber("a windowed weight"));
        });
    }
}
