package dev.metricsgateway.core;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/**
 * The per-second Σ weight × value and Σ weight of a {@link MeanWindow} as exact whole numbers:
 * the weight whole, the sum in whole units while every value is whole, in thousandths from the
 * first value with a fraction on ({@code value} of an {@code age_of} metric is a whole number of
 * milliseconds over 1000). Each second is stored as its change of slope (delta of delta) from the
 * two seconds before it, as zigzag varints in a byte queue, both sums in one entry: {@code varint(zigzag(Δ²sum) << 1 | weightChanged)}, then {@code varint(zigzag(Δ²weight))}
 * if it did. A steady series (same weight each second, value moving at a steady pace) costs one
 * byte a second instead of the ten of a double and a short.
 *
 * <p>Exact integers make the sliding sums exact: the totals over the span are kept, so the usual
 * read (the whole span) costs nothing, and the mean is the exact Σ / Σ rounded once. The newest
 * second stays open (two longs) and is encoded when a newer one arrives, so a write to it is an
 * addition; dropping the oldest second decodes one entry; a write to an older second re-encodes
 * the span (late events are rare). Inputs that are not exact in this form (a fraction finer than
 * 1/1000, a fractional weight, a second's sum past {@link #LIMIT}) are refused, and the owner
 * falls back to doubles.
 *
 * <p>Covers seconds {@code first .. first + count - 1}: the first {@code count - 1} encoded, the
 * last open. Not thread-safe: the series state guards it.
 */
final class ExactMeanSeconds {

    /** Thousandths per unit of value. */
    static final long SCALE = 1000;
    /** Longest window held exactly: its totals stay below 2^62 ({@link #LIMIT} a second). */
    static final int MAX_WINDOW = 2048;
    /** Bound of |a second's sum| and |a second's weight|. */
    private static final long LIMIT = 1L << 51;
    /** Values at or beyond this are not taken: below it, value ↦ round(value × 1000) is exact and one-to-one. */
    private static final double MAX_VALUE = 0x1p42;
    /** Two varints of at most 56 bits. */
    private static final int MAX_ENTRY_BYTES = 18;
    private static final byte[] NO_BYTES = {};

    private byte[] bytes = NO_BYTES;
    private int head;
    private int end;
    /** Offset after the varint {@link #readVarLong} read last. */
    private int nextOffset;
    private int count;
    private long first;
    /** Sum, weight and their deltas just before the oldest second (what its entry is encoded against). */
    private long baseSum;
    private long baseSumDelta;
    private long baseWeight;
    private long baseWeightDelta;
    /** The same just before the open (newest) second. */
    private long openBaseSum;
    private long openBaseSumDelta;
    private long openBaseWeight;
    private long openBaseWeightDelta;
    /** The open second's sum and weight. */
    private long openSum;
    private long openWeight;
    private long totalSum;
    private long totalWeight;
    /** Whether the sums count thousandths; until a value needs them, whole units (smaller deltas). */
    private boolean inThousandths;

    /** {@code value} in thousandths, or {@link Long#MIN_VALUE} when it is not a whole number of thousandths. */
    static long thousandths(double value) {
        if (!(Math.abs(value) < MAX_VALUE)) {
            return Long.MIN_VALUE;
        }
        long scaled = Math.round(value * SCALE);
        return scaled / (double) SCALE == value ? scaled : Long.MIN_VALUE;
    }

    /** {@code weight} as a whole number, or {@link Long#MIN_VALUE}. */
    static long whole(double weight) {
        if (!(Math.abs(weight) < MAX_VALUE)) {
            return Long.MIN_VALUE;
        }
        long whole = (long) weight;
        return whole == weight ? whole : Long.MIN_VALUE;
    }

    /** {@code weight × thousandths}, or {@link Long#MIN_VALUE} when beyond {@link #LIMIT}. */
    static long product(long weight, long thousandths) {
        long high = Math.multiplyHigh(weight, thousandths);
        long low = weight * thousandths;
        return high == (low >> 63) && fits(low) ? low : Long.MIN_VALUE;
    }

    /**
     * {@code thousandths} in the unit the sums count, moving every held sum to thousandths first if
     * it is the first value that needs them; {@link Long#MIN_VALUE} when a held sum would not fit.
     */
    long units(long thousandths) {
        if (inThousandths) {
            return thousandths;
        }
        if (thousandths % SCALE == 0) {
            return thousandths / SCALE;
        }
        long[][] columns = decode();
        for (int i = 0; i < columns[0].length; i++) {
            long scaled = columns[0][i] * SCALE;
            if (!fits(scaled)) {
                return Long.MIN_VALUE;
            }
            columns[0][i] = scaled;
        }
        if (count > 0) {
            reencode(first, columns[0], columns[1], 0);
        }
        inThousandths = true;
        return thousandths;
    }

    /** A sum as a double in units of value. */
    double value(long sum) {
        return inThousandths ? sum / (double) SCALE : sum;
    }

    private static boolean fits(long value) {
        return value >= -LIMIT && value <= LIMIT;
    }

    long first() {
        return first;
    }

    long last() {
        return first + count - 1;
    }

    /**
     * Makes the covered seconds exactly {@code oldest .. newest} (the ring's span): seconds before
     * {@code oldest} leave, new seconds enter empty. {@code newest} is {@link SecondRing#EMPTY} to empty it.
     */
    void cover(long oldest, long newest) {
        if (newest == SecondRing.EMPTY || count > 0 && oldest > last()) {
            clear();
            if (newest == SecondRing.EMPTY) {
                return;
            }
        }
        if (count == 0) {
            first = oldest;
            count = 1; // one open, empty second
        }
        while (first < oldest) {
            dropOldest();
        }
        if (oldest < first) {
            long[][] columns = decode();
            reencode(oldest, columns[0], columns[1], (int) (first - oldest));
        }
        while (last() < newest) {
            openNext(oldest);
        }
    }

    /**
     * What a write to the newest second needs of {@link #cover}: the span reaches {@code newest},
     * but seconds before {@code oldest} may stay until the next read or until the queue is short of
     * room (then leave in one sequential pass), so a new second does not read the queue's head.
     */
    void extend(long oldest, long newest) {
        if (count == 0 || oldest > last()) {
            clear();
            first = oldest;
            count = 1;
        }
        while (last() < newest) {
            openNext(oldest);
        }
    }

    /**
     * Reads what {@link #add} to the open second writes (the object spans two cache lines), for a
     * prefetch (see {@code MetricAggregator.prefetch}); the value means nothing.
     */
    int prefetch() {
        return (int) (openSum + totalWeight) + count;
    }

    /** Adds to a covered second; false (nothing changed) when its sums would pass {@link #LIMIT}. */
    boolean add(long second, long sum, long weight) {
        if (second == last()) {
            long newSum = openSum + sum;
            long newWeight = openWeight + weight;
            if (!fits(newSum) || !fits(newWeight)) {
                return false;
            }
            openSum = newSum;
            openWeight = newWeight;
            totalSum += sum;
            totalWeight += weight;
            return true;
        }
        long[][] columns = decode();
        int index = (int) (second - first);
        long newSum = columns[0][index] + sum;
        long newWeight = columns[1][index] + weight;
        if (!fits(newSum) || !fits(newWeight)) {
            return false;
        }
        columns[0][index] = newSum;
        columns[1][index] = newWeight;
        reencode(first, columns[0], columns[1], 0); // recounts the totals
        return true;
    }

    /** Σ sum and Σ weight of the covered seconds {@code from .. to} (within the span). */
    long[] totals(long from, long to) {
        if (from == first && to == last()) {
            return new long[] {totalSum, totalWeight};
        }
        long[][] columns = decode();
        long sum = 0;
        long weight = 0;
        for (long second = from; second <= to; second++) {
            sum += columns[0][(int) (second - first)];
            weight += columns[1][(int) (second - first)];
        }
        return new long[] {sum, weight};
    }

    /**
     * Σ weight × value / Σ weight for totals from {@link #totals} over a whole weight,
     * rounded once (a double over a double when both are exact doubles); NaN when the weight is 0.
     */
    double mean(long sum, long weight) {
        if (weight == 0) {
            return Double.NaN;
        }
        if (!inThousandths || sum % SCALE == 0) {
            return quotient(inThousandths ? sum / SCALE : sum, weight);
        }
        if (Math.abs(weight) <= (1L << 53) / SCALE) {
            return quotient(sum, weight * SCALE);
        }
        return new BigDecimal(sum).divide(BigDecimal.valueOf(weight).scaleByPowerOfTen(3), MathContext.DECIMAL128).doubleValue();
    }

    private static double quotient(long dividend, long divisor) {
        if (Math.abs(dividend) <= 1L << 53 && Math.abs(divisor) <= 1L << 53) {
            return (double) dividend / divisor; // both exact: one rounding
        }
        return new BigDecimal(dividend).divide(BigDecimal.valueOf(divisor), MathContext.DECIMAL128).doubleValue();
    }

    /** Every covered second's sum (in {@link #units}) and weight, oldest first: {@code {sums, weights}}. */
    long[][] decode() {
        long[] sums = new long[count];
        long[] weights = new long[count];
        long sum = baseSum;
        long sumDelta = baseSumDelta;
        long weight = baseWeight;
        long weightDelta = baseWeightDelta;
        int offset = head;
        for (int i = 0; i < count - 1; i++) {
            long tag = readVarLong(offset);
            offset = nextOffset;
            sumDelta += unzigzag(tag >>> 1);
            if ((tag & 1) != 0) {
                weightDelta += unzigzag(readVarLong(offset));
                offset = nextOffset;
            }
            sum += sumDelta;
            weight += weightDelta;
            sums[i] = sum;
            weights[i] = weight;
        }
        if (count > 0) {
            sums[count - 1] = openSum;
            weights[count - 1] = openWeight;
        }
        return new long[][] {sums, weights};
    }

    /** Bytes held for the encoded seconds (the array's length), for tests of the encoding. */
    int storedBytes() {
        return bytes.length;
    }

    private void clear() {
        bytes = NO_BYTES;
        head = 0;
        end = 0;
        count = 0;
        baseSum = 0;
        baseSumDelta = 0;
        baseWeight = 0;
        baseWeightDelta = 0;
        openBaseSum = 0;
        openBaseSumDelta = 0;
        openBaseWeight = 0;
        openBaseWeightDelta = 0;
        openSum = 0;
        openWeight = 0;
        totalSum = 0;
        totalWeight = 0;
    }

    private void dropOldest() {
        if (count == 1) {
            long next = first + 1;
            clear();
            first = next;
            count = 1;
            return;
        }
        long tag = readVarLong(head);
        int offset = nextOffset;
        long sumDelta = baseSumDelta + unzigzag(tag >>> 1);
        long weightDelta = baseWeightDelta;
        if ((tag & 1) != 0) {
            weightDelta += unzigzag(readVarLong(offset));
            offset = nextOffset;
        }
        baseSum += sumDelta;
        baseSumDelta = sumDelta;
        baseWeight += weightDelta;
        baseWeightDelta = weightDelta;
        totalSum -= baseSum;
        totalWeight -= baseWeight;
        head = offset;
        first++;
        count--;
        if (count == 1) {
            bytes = NO_BYTES; // only the open second is left
            head = 0;
            end = 0;
        }
    }

    /** Encodes the open second and opens the next one, empty; seconds before {@code oldest} may leave meanwhile. */
    private void openNext(long oldest) {
        long sumDelta = openSum - openBaseSum;
        long weightDelta = openWeight - openBaseWeight;
        writeEntry(sumDelta - openBaseSumDelta, weightDelta - openBaseWeightDelta, oldest);
        openBaseSum = openSum;
        openBaseSumDelta = sumDelta;
        openBaseWeight = openWeight;
        openBaseWeightDelta = weightDelta;
        openSum = 0;
        openWeight = 0;
        count++;
    }

    /** Replaces everything by {@code leading} empty seconds then the given ones, from {@code from} on. */
    private void reencode(long from, long[] sums, long[] weights, int leading) {
        int total = leading + sums.length;
        clear();
        bytes = new byte[total * MAX_ENTRY_BYTES];
        first = from;
        count = 1;
        for (int i = 0; i < total; i++) {
            if (i > 0) {
                openNext(from);
            }
            openSum = i < leading ? 0 : sums[i - leading];
            openWeight = i < leading ? 0 : weights[i - leading];
            totalSum += openSum;
            totalWeight += openWeight;
        }
        bytes = end == 0 ? NO_BYTES : Arrays.copyOf(bytes, end + end / 8 + MAX_ENTRY_BYTES + 1);
    }

    /** Appends one entry at {@code end}. */
    private void writeEntry(long sumDeltaOfDelta, long weightDeltaOfDelta, long oldest) {
        ensureRoom(oldest);
        boolean weightChanged = weightDeltaOfDelta != 0;
        writeVarLong(zigzag(sumDeltaOfDelta) << 1 | (weightChanged ? 1 : 0));
        if (weightChanged) {
            writeVarLong(zigzag(weightDeltaOfDelta));
        }
    }

    /**
     * Room for one more entry at {@code end}: drops the encoded seconds before {@code oldest}, then
     * if still short moves the entries into an array sized to them. The queue wraps around its
     * array, so a steady series never moves its bytes.
     */
    private void ensureRoom(long oldest) {
        if (used() + MAX_ENTRY_BYTES < bytes.length) {
            return;
        }
        while (first < oldest && count > 1) {
            dropOldest();
        }
        int used = used();
        if (used + MAX_ENTRY_BYTES < bytes.length) {
            return;
        }
        byte[] target = new byte[used + MAX_ENTRY_BYTES + 1 + used / 8];
        int firstPart = Math.min(used, bytes.length - head);
        System.arraycopy(bytes, head, target, 0, firstPart);
        System.arraycopy(bytes, 0, target, firstPart, used - firstPart);
        bytes = target;
        head = 0;
        end = used;
    }

    /** Bytes of the encoded entries (the queue is never full: {@code head == end} means empty). */
    private int used() {
        return end >= head ? end - head : end + bytes.length - head;
    }

    private void writeVarLong(long value) {
        long rest = value;
        int at = end;
        while ((rest & ~0x7FL) != 0) {
            bytes[at] = (byte) (rest & 0x7F | 0x80);
            at = at + 1 == bytes.length ? 0 : at + 1;
            rest >>>= 7;
        }
        bytes[at] = (byte) rest;
        end = at + 1 == bytes.length ? 0 : at + 1;
    }

    private long readVarLong(int offset) {
        long value = 0;
        int shift = 0;
        int at = offset;
        while (true) {
            byte b = bytes[at];
            at = at + 1 == bytes.length ? 0 : at + 1;
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                nextOffset = at;
                return value;
            }
            shift += 7;
        }
    }

    private static long zigzag(long value) {
        return value << 1 ^ value >> 63;
    }

    private static long unzigzag(long value) {
        return value >>> 1 ^ -(value & 1);
    }
}
