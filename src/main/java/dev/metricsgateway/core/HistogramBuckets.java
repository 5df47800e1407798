package dev.metricsgateway.core;

import java.util.Arrays;

/**
 * Sparse histograms as sorted {@code long[]}s of packed entries, with HdrHistogram's bucketing at
 * {@link HistogramWindow#SIGNIFICANT_DIGITS} = 2 significant digits and unit resolution: an entry
 * is {@code index << 48 | count}, where {@code index} is the bucket's index in HdrHistogram's
 * counts array, so entries sort by bucket. Unused room at the end holds {@link #FREE}, which
 * sorts after every entry. A second with three latencies then costs three longs, where a
 * {@code PackedHistogram} costs several objects and hundreds of bytes, and merging or reading
 * quantiles walks only the buckets that hold values.
 *
 * <p>The bucketing and {@link #quantiles} reproduce HdrHistogram 2.2.2's {@code countsArrayIndex},
 * {@code valueFromIndex}, {@code getValueAtPercentile} and {@code medianEquivalentValue} for a
 * histogram of 2 significant digits and lowest discernible value 1 (tests hold them to it).
 */
final class HistogramBuckets {

    /** Padding after the last entry; larger than any entry (bucket indexes stay below 2^13). */
    static final long FREE = Long.MAX_VALUE;
    static final long COUNT_MASK = (1L << 48) - 1;
    static final long[] NONE = new long[0];

    /** 2 significant digits: 200 values at unit resolution, rounded up to 256 sub-buckets. */
    private static final int SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
    private static final int SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    private static final long SUB_BUCKET_MASK = 2L * SUB_BUCKET_HALF_COUNT - 1;
    private static final int LEADING_ZERO_COUNT_BASE = 64 - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);

    private HistogramBuckets() {
    }

    /** HdrHistogram's {@code countsArrayIndex(value)} for a value >= 0. */
    static int indexOf(long value) {
        int bucketIndex = LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK);
        int subBucketIndex = (int) (value >>> bucketIndex);
        return ((bucketIndex + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (subBucketIndex - SUB_BUCKET_HALF_COUNT);
    }

    /** HdrHistogram's {@code valueFromIndex(index)}: the lowest value of bucket {@code index}. */
    static long valueOf(int index) {
        int bucketIndex = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
        int subBucketIndex = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if (bucketIndex < 0) {
            subBucketIndex -= SUB_BUCKET_HALF_COUNT;
            bucketIndex = 0;
        }
        return (long) subBucketIndex << bucketIndex;
    }

    /** HdrHistogram's {@code medianEquivalentValue(highestEquivalentValue(valueOf(index)))}. */
    static long medianValueOf(int index) {
        long lowest = valueOf(index);
        long highest = lowestEquivalent(lowest) + rangeSize(lowest) - 1;
        return lowestEquivalent(highest) + (rangeSize(highest) >> 1);
    }

    private static long lowestEquivalent(long value) {
        int bucketIndex = LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK);
        return (value >>> bucketIndex) << bucketIndex;
    }

    private static long rangeSize(long value) {
        return 1L << (LEADING_ZERO_COUNT_BASE - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK));
    }

    static int indexOfEntry(long entry) {
        return (int) (entry >>> 48);
    }

    static long countOfEntry(long entry) {
        return entry & COUNT_MASK;
    }

    /** The number of entries (the position of the first {@link #FREE}). */
    static int size(long[] entries) {
        int low = 0;
        int high = entries.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (entries[middle] != FREE) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /**
     * The position of bucket {@code index} among the {@code size} entries, or {@code -(insertion
     * point) - 1} when it has none, as {@link Arrays#binarySearch} answers.
     */
    static int find(long[] entries, int size, int index) {
        long key = (long) index << 48;
        int low = 0;
        int high = size;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (entries[middle] < key) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low < size && indexOfEntry(entries[low]) == index ? low : -low - 1;
    }

    /**
     * Adds {@code count} to bucket {@code index} of {@code entries}, which hold {@code size}
     * entries; returns the array (a new one when it had to grow). The entries grow by one when
     * {@link #find} did not find the bucket.
     */
    static long[] add(long[] entries, int size, int index, long count) {
        int at = find(entries, size, index);
        if (at >= 0) {
            entries[at] += count;
            return entries;
        }
        return insert(entries, size, -at - 1, (long) index << 48 | count);
    }

    /**
     * Adds one value to the bucket of each of {@code indexes[from, to)} (sorted, repeats allowed)
     * to the {@code size} entries of {@code entries}; returns the array (a new one when it had to
     * grow, without free room). One merge from the end: each entry moves at most once, where
     * adding the values one by one searched and shifted for each.
     */
    static long[] addAll(long[] entries, int size, int[] indexes, int from, int to) {
        int added = 0;
        for (int i = 0, j = from; j < to; ) {
            int index = indexes[j];
            while (i < size && indexOfEntry(entries[i]) < index) {
                i++;
            }
            if (i == size || indexOfEntry(entries[i]) != index) {
                added++;
            }
            while (j < to && indexes[j] == index) {
                j++;
            }
        }
        long[] target = entries;
        if (size + added > entries.length) {
            target = new long[size + added];
            System.arraycopy(entries, 0, target, 0, size);
        }
        int source = size - 1;
        int at = size + added - 1;
        for (int j = to - 1; j >= from; ) {
            int index = indexes[j];
            long values = 0;
            for (; j >= from && indexes[j] == index; j--) {
                values++;
            }
            while (source >= 0 && indexOfEntry(target[source]) > index) {
                target[at--] = target[source--];
            }
            if (source >= 0 && indexOfEntry(target[source]) == index) {
                target[at--] = target[source--] + values;
            } else {
                target[at--] = (long) index << 48 | values;
            }
        }
        return target;
    }

    /** Inserts {@code entry} at {@code at} of the {@code size} entries; returns the array (a new one when it had to grow). */
    static long[] insert(long[] entries, int size, int at, long entry) {
        long[] target = entries;
        if (size == entries.length) {
            target = Arrays.copyOf(entries, Math.max(2, entries.length * 2));
            Arrays.fill(target, size + 1, target.length, FREE);
        }
        System.arraycopy(entries, at, target, at + 1, size - at);
        target[at] = entry;
        return target;
    }

    /**
     * Subtracts {@code count} from bucket {@code index} (which holds at least that much), removing
     * the entry when it reaches 0; returns the new size.
     */
    static int subtract(long[] entries, int size, int index, long count) {
        int at = find(entries, size, index);
        long left = countOfEntry(entries[at]) - count;
        if (left > 0) {
            entries[at] -= count;
            return size;
        }
        System.arraycopy(entries, at + 1, entries, at, size - at - 1);
        entries[size - 1] = FREE;
        return size - 1;
    }

    /** {@code entries} without free room (the same array when it has none). */
    static long[] trimmed(long[] entries, int size) {
        return size == entries.length ? entries : size == 0 ? NONE : Arrays.copyOf(entries, size);
    }

    /**
     * The recorded value at each quantile of {@code quantiles} (ascending, each in (0, 1]) of the
     * histogram {@code entries} holding {@code total} values, as HdrHistogram's
     * {@code medianEquivalentValue(getValueAtPercentile(100 * q))}; into {@code values}.
     */
    static void quantiles(long[] entries, int size, long total, double[] quantiles, long[] values) {
        if (size == 0) {
            Arrays.fill(values, 0);
            return;
        }
        // Invariant: cumulative = Σ counts of entries[0..at].
        int at = 0;
        long cumulative = countOfEntry(entries[0]);
        for (int q = 0; q < quantiles.length; q++) {
            double percentile = 100 * quantiles[q];
            double requested = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0), 100.0);
            long countAtPercentile = Math.max(1, (long) Math.ceil(requested / 100.0 * total));
            if (cumulative - countOfEntry(entries[at]) >= countAtPercentile) {
                at = 0; // quantiles not ascending: walk from the start again
                cumulative = countOfEntry(entries[0]);
            }
            while (cumulative < countAtPercentile && at + 1 < size) {
                at++;
                cumulative += countOfEntry(entries[at]);
            }
            values[q] = medianValueOf(indexOfEntry(entries[at]));
        }
    }
}
