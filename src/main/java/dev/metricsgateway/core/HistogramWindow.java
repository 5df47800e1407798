package dev.metricsgateway.core;

import java.util.Arrays;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.PackedHistogram;

/**
 * Windowed distribution: per second a sparse histogram ({@link HistogramBuckets}: only the
 * buckets that hold values, a long each), plus a running histogram of the whole span kept up to
 * date as values come in and seconds leave, so quantiles are read by one walk over the window's
 * non-empty buckets instead of merging up to W histograms per scrape.
 *
 * <p>Values are recorded as integers in units of 1/{@link #RECORDED_PER_UNIT} (nanoseconds for
 * values in seconds), bucketed as HdrHistogram does at {@link #SIGNIFICANT_DIGITS} = 2: each value
 * is kept within 1/128 of its true size, inside the contract's 1 % quantile error. Quantiles are
 * HdrHistogram's for the same values. Not thread-safe: the owning series state guards it.
 */
final class HistogramWindow extends SecondRing {

    static final int SIGNIFICANT_DIGITS = 2;
    /** Values are stored as integer multiples of 1/RECORDED_PER_UNIT of their unit: nanoseconds for seconds. */
    static final double RECORDED_PER_UNIT = 1e9;
    /** Larger values are clamped: far beyond any latency, and safely inside HdrHistogram's range. */
    static final long MAX_RECORDED = Long.MAX_VALUE / 4;

    private static final long[][] NO_SECONDS = new long[0][];
    private static final int[] NO_PENDING = new int[0];
    /** At most this many values wait in {@link #pending}: a series' memory stays bounded however busy it is. */
    static final int MAX_PENDING = 1024;
    /** Bucket indexes stay below 2^13 (see {@link HistogramBuckets#FREE}); a second's distance (below the window, at most 86,400 s by configuration) fits above. */
    private static final int INDEX_BITS = 13;
    private static final int INDEX_MASK = (1 << INDEX_BITS) - 1;
    private static final double[] QUANTILES = new double[Quantiles.count()];

    static {
        for (int i = 0; i < QUANTILES.length; i++) {
            QUANTILES[i] = Quantiles.at(i);
        }
    }

    private final double recordedPerUnit;
    /** By ring position: the second's sparse histogram, null when it holds none. */
    private long[][] seconds = NO_SECONDS;
    /** The sum of every second of the span. */
    private long[] running = HistogramBuckets.NONE;
    private int runningSize;
    private long runningTotal;
    /**
     * Values recorded since the last {@link #flush} and not yet added to their second's histogram
     * nor to the running one, each as {@code (pendingSecond - second) << INDEX_BITS | bucket index}:
     * a value then costs one write at the end of this array, where adding it at once searched and
     * shifted two sorted arrays, touching a dozen cache lines of a series the cache no longer held
     * (a sixth of a gateway's ingest CPU, JFR). Values of older seconds of the span wait here too:
     * senders batch their events, so a busy series gets values of the last few seconds
     * interleaved, and flushing at each change of second cost up to 27 times as much per value.
     * Every other method {@link #flush flushes} first, so nothing else sees the difference.
     */
    private int[] pending = NO_PENDING;
    private int pendingCount;
    /** The newest second while values wait (the ring moves only after a flush); EMPTY when none wait. */
    private long pendingSecond = EMPTY;

    HistogramWindow(int windowSeconds) {
        this(windowSeconds, RECORDED_PER_UNIT);
    }

    HistogramWindow(int windowSeconds, double recordedPerUnit) {
        super(windowSeconds);
        if (windowSeconds >= 1 << (Integer.SIZE - 1 - INDEX_BITS)) {
            throw new IllegalArgumentException(windowSeconds + " s: a waiting value's distance to the newest second would not fit");
        }
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
        int index = HistogramBuckets.indexOf(toRecorded(value));
        if (second <= pendingSecond && second >= oldest() && addWaiting(second, index)) {
            return;
        }
        flush();
        long previousNewest = newest();
        int slot = slotForWrite(second);
        if (slot < 0) {
            return;
        }
        if (previousNewest != EMPTY && second > previousNewest && previousNewest >= oldest()) {
            // The previous newest second is complete: give back its free room.
            int previous = position(previousNewest);
            long[] entries = seconds[previous];
            if (entries != null) {
                seconds[previous] = HistogramBuckets.trimmed(entries, HistogramBuckets.size(entries));
            }
        }
        pendingSecond = newest();
        addWaiting(second, index); // nothing waits after the flush: it fits
    }

    /**
     * Reads where {@link #record} writes a value that waits, for a prefetch (see {@code
     * MetricAggregator.prefetch}); the value means nothing. Without the monitor: the array and the
     * count are read once each, and the count only indexes the array it fits.
     */
    int prefetch() {
        int[] waiting = pending;
        int count = pendingCount;
        return count < waiting.length ? waiting[count] : waiting.length;
    }

    /** Adds a value of a second of the span ({@code pendingSecond} set) to the waiting ones; false when they are full. */
    private boolean addWaiting(long second, int index) {
        if (pendingCount == pending.length && pending.length < MAX_PENDING) {
            pending = Arrays.copyOf(pending, Math.max(8, 2 * pending.length));
        }
        if (pendingCount == pending.length) {
            return false;
        }
        pending[pendingCount++] = (int) (pendingSecond - second) << INDEX_BITS | index;
        return true;
    }

    /** Adds the {@link #pending} values to their seconds' histograms and to the running one. */
    private void flush() {
        if (pendingCount > 0) {
            // by second (the newest first), then by bucket: each second's values are one sorted run
            Arrays.sort(pending, 0, pendingCount);
            for (int from = 0; from < pendingCount; ) {
                int distance = pending[from] >>> INDEX_BITS;
                int to = from;
                for (; to < pendingCount && pending[to] >>> INDEX_BITS == distance; to++) {
                    pending[to] &= INDEX_MASK;
                }
                int slot = position(pendingSecond - distance);
                long[] entries = seconds[slot];
                seconds[slot] = entries == null
                        ? HistogramBuckets.addAll(HistogramBuckets.NONE, 0, pending, from, to)
                        : HistogramBuckets.addAll(entries, HistogramBuckets.size(entries), pending, from, to);
                running = HistogramBuckets.addAll(running, runningSize, pending, from, to);
                runningSize = HistogramBuckets.size(running);
                from = to;
            }
            runningTotal += pendingCount;
            pendingCount = 0;
        }
        // the ring may move once this returns: the next value starts waiting again from record's slow path
        pendingSecond = EMPTY;
    }

    private void addAt(int slot, int index, long count) {
        long[] entries = seconds[slot];
        seconds[slot] = entries == null
                ? new long[] {(long) index << 48 | count}
                : HistogramBuckets.add(entries, HistogramBuckets.size(entries), index, count);
        int at = HistogramBuckets.find(running, runningSize, index);
        if (at >= 0) {
            running[at] += count;
        } else {
            running = HistogramBuckets.insert(running, runningSize, -at - 1, (long) index << 48 | count);
            runningSize++;
        }
        runningTotal += count;
    }

    /**
     * The value of each of the {@link Quantiles} over the window ending at {@code nowSecond}, NaN
     * when the window holds no value. Seconds that left the window are dropped on the way.
     */
    double[] quantiles(long nowSecond) {
        flush();
        long[] entries = running;
        int size = runningSize;
        long total = runningTotal;
        if (!isEmpty() && nowSecond < newest()) {
            // Read at a time before the newest second (a racing writer's clock was ahead): merge the seconds of that window.
            entries = HistogramBuckets.NONE;
            size = 0;
            total = 0;
            for (long second = Math.max(oldest(), nowSecond - window() + 1); second <= nowSecond; second++) {
                long[] held = seconds[position(second)];
                for (int i = 0; held != null && i < held.length && held[i] != HistogramBuckets.FREE; i++) {
                    int index = HistogramBuckets.indexOfEntry(held[i]);
                    boolean known = HistogramBuckets.find(entries, size, index) >= 0;
                    entries = HistogramBuckets.add(entries, size, index, HistogramBuckets.countOfEntry(held[i]));
                    size += known ? 0 : 1;
                    total += HistogramBuckets.countOfEntry(held[i]);
                }
            }
        } else {
            expire(nowSecond);
            entries = running;
            size = runningSize;
            total = runningTotal;
        }
        double[] values = new double[QUANTILES.length];
        if (total == 0) {
            Arrays.fill(values, Double.NaN);
            return values;
        }
        long[] recorded = new long[QUANTILES.length];
        HistogramBuckets.quantiles(entries, size, total, QUANTILES, recorded);
        for (int i = 0; i < values.length; i++) {
            values[i] = fromRecorded(recorded[i]);
        }
        return values;
    }

    long toRecorded(double value) {
        double scaled = Math.rint(value * recordedPerUnit);
        return scaled >= MAX_RECORDED ? MAX_RECORDED : Math.max(0, (long) scaled);
    }

    double fromRecorded(long recorded) {
        // Division, not multiplication by 1e-9: it gives the shortest decimal for a whole number of nanoseconds.
        return recorded / recordedPerUnit;
    }

    /** Distinct buckets of the window's running histogram, for tests. */
    int runningBuckets() {
        flush();
        return runningSize;
    }

    @Override
    void allocate(int capacity) {
        seconds = new long[capacity][];
    }

    @Override
    void relayout(int oldCapacity, int newCapacity, long from, long to) {
        long[][] moved = new long[newCapacity][];
        for (long second = from; second <= to; second++) {
            moved[(int) Math.floorMod(second, (long) newCapacity)] = seconds[(int) Math.floorMod(second, (long) oldCapacity)];
        }
        seconds = moved;
    }

    @Override
    void clearSlot(int position) {
        long[] entries = seconds[position];
        if (entries == null) {
            return;
        }
        for (int i = 0; i < entries.length && entries[i] != HistogramBuckets.FREE; i++) {
            long count = HistogramBuckets.countOfEntry(entries[i]);
            runningSize = HistogramBuckets.subtract(running, runningSize, HistogramBuckets.indexOfEntry(entries[i]), count);
            runningTotal -= count;
        }
        seconds[position] = null;
        if (running.length > 8 && runningSize * 4 < running.length) {
            long[] smaller = Arrays.copyOf(running, Math.max(2, runningSize * 2));
            Arrays.fill(smaller, runningSize, smaller.length, HistogramBuckets.FREE);
            running = smaller;
        }
    }

    /** Adds every second of {@code other} into this window, as if its values had been recorded here. */
    void mergeBuckets(HistogramWindow other) {
        WindowColumns.requireSameWindow(this, other);
        flush();
        other.flush();
        for (long second = other.isEmpty() ? 0 : other.oldest(); !other.isEmpty() && second <= other.newest(); second++) {
            long[] entries = other.seconds[other.position(second)];
            if (entries == null) {
                continue;
            }
            int slot = slotForWrite(second);
            for (int i = 0; slot >= 0 && i < entries.length && entries[i] != HistogramBuckets.FREE; i++) {
                addAt(slot, HistogramBuckets.indexOfEntry(entries[i]), HistogramBuckets.countOfEntry(entries[i]));
            }
        }
    }

    /**
     * Checkpoint format version 1, unchanged: a count, then every second holding values as a
     * difference to {@code baseSecond} and its histogram in HdrHistogram's encoding.
     */
    void writeBuckets(StateWriter out, long baseSecond) {
        flush();
        int buckets = 0;
        for (long second = isEmpty() ? 0 : oldest(); !isEmpty() && second <= newest(); second++) {
            if (seconds[position(second)] != null) {
                buckets++;
            }
        }
        out.writeVarLong(buckets);
        PackedHistogram histogram = new PackedHistogram(SIGNIFICANT_DIGITS);
        for (long second = isEmpty() ? 0 : oldest(); !isEmpty() && second <= newest(); second++) {
            long[] entries = seconds[position(second)];
            if (entries != null) {
                histogram.reset();
                for (int i = 0; i < entries.length && entries[i] != HistogramBuckets.FREE; i++) {
                    histogram.recordValueWithCount(HistogramBuckets.valueOf(HistogramBuckets.indexOfEntry(entries[i])),
                            HistogramBuckets.countOfEntry(entries[i]));
                }
                out.writeSignedVarLong(second - baseSecond);
                out.writeHistogram(histogram);
            }
        }
    }

    /** Reads what {@link #writeBuckets} (or the ring of earlier versions, in any order) wrote into this empty window. */
    void readBuckets(StateReader in, long baseSecond) throws CheckpointException {
        // Counts share a long with the bucket index: W seconds of them must still fit in 48 bits.
        long maxCount = HistogramBuckets.COUNT_MASK / window();
        readBuckets(in, baseSecond, window(), second -> {
            PackedHistogram histogram = in.readHistogram();
            int slot = histogram == null ? -1 : slotForWrite(second);
            if (slot < 0) {
                return;
            }
            for (HistogramIterationValue value : histogram.recordedValues()) {
                if (value.getCountAtValueIteratedTo() > maxCount) {
                    throw CheckpointException.corrupt(value.getCountAtValueIteratedTo() + ": not a possible count of one bucket in one second");
                }
            }
            for (HistogramIterationValue value : histogram.recordedValues()) {
                addAt(slot, HistogramBuckets.indexOf(value.getValueIteratedTo()), value.getCountAtValueIteratedTo());
            }
        });
    }
}
