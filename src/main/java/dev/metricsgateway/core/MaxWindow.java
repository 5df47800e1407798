package dev.metricsgateway.core;

import java.util.Arrays;

/**
 * Windowed maximum as a monotonic deque: only the seconds whose maximum exceeds that of every
 * later second are kept, oldest first, so their maxima strictly decrease. A second dominated by a
 * later one can never again be the maximum of a window that ends at or after that later second,
 * and windows only move forward. The maximum of the window ending at {@code now} is the first
 * kept second inside it. For values in random order a window of W seconds keeps about ln W
 * seconds (6 for 300); a value falling every second keeps all of them.
 *
 * <p>Seconds at or before {@code newest - W} are dropped, as in {@link SecondRing}. Not
 * thread-safe; the owning series state guards it.
 */
final class MaxWindow {

    private final int window;
    private long[] seconds = new long[1];
    private double[] maxima = new double[1];
    private int start;
    private int end;

    MaxWindow(int windowSeconds) {
        this.window = windowSeconds;
    }

    /** Reads what {@link #add} reads first, for a prefetch (see {@code MetricAggregator.prefetch}); the value means nothing. */
    int prefetch() {
        return seconds.length + maxima.length;
    }

    void add(long second, double value) {
        if (start < end) {
            long newest = seconds[end - 1];
            if (second <= newest - window) {
                return;
            }
            while (start < end && seconds[start] <= second - window) {
                start++; // left the window of the new newest second
            }
        }
        // The first kept second at or after `second`: everything before it is older.
        int at = firstAtOrAfter(second);
        if (at < end && maxima[at] >= value) {
            return; // dominated by a kept second at or after it
        }
        // Kept seconds before `at` whose maximum is at most `value` are dominated now: a suffix of [start, at).
        int keepBefore = at;
        while (keepBefore > start && maxima[keepBefore - 1] <= value) {
            keepBefore--;
        }
        int from = at < end && seconds[at] == second ? at + 1 : at;
        int head = keepBefore - start;
        int tail = end - from;
        long[] newSeconds = seconds;
        double[] newMaxima = maxima;
        if (head + 1 + tail > seconds.length) {
            int capacity = Math.min(window, Math.max(head + 1 + tail, 2 * seconds.length));
            newSeconds = new long[capacity];
            newMaxima = new double[capacity];
        }
        // Head first (to lower positions, never over the tail), then the tail (arraycopy copes with
        // overlap), then the new entry between them.
        System.arraycopy(seconds, start, newSeconds, 0, head);
        System.arraycopy(maxima, start, newMaxima, 0, head);
        System.arraycopy(seconds, from, newSeconds, head + 1, tail);
        System.arraycopy(maxima, from, newMaxima, head + 1, tail);
        newSeconds[head] = second;
        newMaxima[head] = value;
        if (newSeconds != seconds) {
            // reference stores only when the arrays grew: G1's write barrier on each one costs (see SumWindow.add)
            seconds = newSeconds;
            maxima = newMaxima;
        }
        start = 0;
        end = head + 1 + tail;
    }

    private int firstAtOrAfter(long second) {
        int low = start;
        int high = end;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (seconds[middle] < second) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    /** The maximum in the window ending at {@code nowSecond}, NaN when it holds no value. */
    double max(long nowSecond) {
        for (int i = start; i < end; i++) {
            if (seconds[i] > nowSecond - window) {
                return seconds[i] <= nowSecond ? maxima[i] : Double.NaN;
            }
        }
        return Double.NaN;
    }

    int keptSeconds() {
        return end - start;
    }

    void mergeBuckets(MaxWindow other) {
        if (other.window != window) {
            throw new IllegalArgumentException(other.window + ": cannot merge windows of different sizes (" + window + ")");
        }
        for (int i = other.start; i < other.end; i++) {
            add(other.seconds[i], other.maxima[i]);
        }
    }

    /** Checkpoint format version 1, unchanged: a count, then each kept second as a difference to {@code baseSecond} and its maximum. */
    void writeBuckets(StateWriter out, long baseSecond) {
        out.writeVarLong(end - start);
        for (int i = start; i < end; i++) {
            out.writeSignedVarLong(seconds[i] - baseSecond);
            out.writeDouble(maxima[i]);
        }
    }

    /** Reads what {@link #writeBuckets} (or the ring of earlier versions, in any order) wrote into this empty window. */
    void readBuckets(StateReader in, long baseSecond) throws CheckpointException {
        SecondRing.readBuckets(in, baseSecond, window, second -> add(second, in.readNumber("a windowed maximum")));
    }

    @Override
    public String toString() {
        return Arrays.toString(Arrays.copyOfRange(seconds, start, end)) + Arrays.toString(Arrays.copyOfRange(maxima, start, end));
    }
}
