package dev.metricsgateway.core;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/**
 * The per-second Σ weight × value and Σ weight of a {@link MeanWindow} as exact whole numbers:
 * the sum in thousandths ({@code value} of an {@code age_of} metric is a whole number of
 * milliseconds over 1000), the weight whole. Each second is stored as its change of slope
 * (delta of delta) from the two seconds before it, as zigzag varints in a byte queue, both sums in
 * one entry: {@code varint(zigzag(Δ²sum) << 1 | weightChanged)}, then {@code varint(zigzag(Δ²weight))}
 * if it did. A steady series (same weight each second, value moving at a steady pace) costs one
 * byte a second instead of the ten of a double and a short.
 *
 * <p>Exact integers make the sliding sums exact: the totals over the span are kept, so the usual
 * read (the whole span) costs nothing, and the mean is the exact Σ / Σ rounded once. Writes to the
 * newest second re-encode only its entry; dropping the oldest second decodes one entry; a write
 * to an older second re-encodes the span (late events are rare). Inputs that are not exact in
 * this form (a fraction finer than 1/1000, a fractional weight, sums past {@link #limit}) are
 * refused, and the owner falls back to doubles.
 *
 * <p>Covers seconds {@code first .. first + count - 1}. Not thread-safe: the series state guards it.
 */
final class ExactMeanSeconds {

    /** Thousandths per unit of value. */
    static final long SCALE = 1000;
    /** Values at or beyond this are not taken: below it, value ↦ round(value × 1000) is exact and one-to-one. */
    private static final double MAX_VALUE = 0x1p42;
    /** Two varints of at most 56 bits. */
    private static final int MAX_ENTRY_BYTES = 18;

    /** Bound of |a per-second sum| and |a per-second weight|: totals over a window stay below 2^62. */
    private final long limit;

    private byte[] bytes = new byte[0];
    private int head;
    private int end;
    /** Offset of the newest second's entry. */
    private int tailStart;
    private long first;
    private int count;
    /** Sum, weight and their deltas just before the oldest entry (what it is encoded against). */
    private long baseSum;
    private long baseSumDelta;
    private long baseWeight;
    private long baseWeightDelta;
    /** The same just before the newest entry. */
    private long tailBaseSum;
    private long tailBaseSumDelta;
    private long tailBaseWeight;
    private long tailBaseWeightDelta;
    /** The newest second's sum and weight. */
    private long tailSum;
    private long tailWeight;
    private long totalSum;
    private long totalWeight;
    /** Offset after the varint {@link #readVarLong} read last. */
    private int nextOffset;

    ExactMeanSeconds(int window) {
        this.limit = Math.min(1L << 51, (1L << 62) / window);
    }

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

    /** {@code weight × thousandths}, or {@link Long#MIN_VALUE} when beyond {@link #limit}. */
    long product(long weight, long thousandths) {
        long high = Math.multiplyHigh(weight, thousandths);
        long low = weight * thousandths;
        return high == (low >> 63) && fits(low) ? low : Long.MIN_VALUE;
    }

    private boolean fits(long value) {
        return value >= -limit && value <= limit;
    }

    boolean isEmpty() {
        return count == 0;
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
        if (newest == SecondRing.EMPTY) {
            clear();
            return;
        }
        if (count > 0 && (oldest > last() || newest < first)) {
            clear();
        }
        if (count == 0) {
            first = oldest;
        }
        while (count > 0 && first < oldest) {
            dropOldest();
        }
        if (oldest < first) {
            long[][] columns = decode();
            reencode(oldest, columns[0], columns[1], (int) (first - oldest));
        }
        while (last() < newest) {
            appendEmpty();
        }
    }

    /**
     * Adds to a covered second; false (nothing changed) when a sum would pass {@link #limit}.
     */
    boolean add(long second, long sum, long weight) {
        if (second == last()) {
            long newSum = tailSum + sum;
            long newWeight = tailWeight + weight;
            if (!fits(newSum) || !fits(newWeight)) {
                return false;
            }
            end = tailStart;
            writeEntry(newSum - tailBaseSum - tailBaseSumDelta, newWeight - tailBaseWeight - tailBaseWeightDelta);
            tailSum = newSum;
            tailWeight = newWeight;
            totalSum += sum;
            totalWeight += weight;
        } else {
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
        }
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
     * Σ weight × value / Σ weight for totals from {@link #totals}, in thousandths over a whole weight,
     * rounded once (a double over a double when both are exact doubles); NaN when the weight is 0.
     */
    static double mean(long sum, long weight) {
        if (weight == 0) {
            return Double.NaN;
        }
        if (sum % SCALE == 0) {
            return quotient(sum / SCALE, weight);
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

    /** Every covered second's sum (in thousandths) and weight, oldest first: {@code {sums, weights}}. */
    long[][] decode() {
        long[] sums = new long[count];
        long[] weights = new long[count];
        long sum = baseSum;
        long sumDelta = baseSumDelta;
        long weight = baseWeight;
        long weightDelta = baseWeightDelta;
        int offset = head;
        for (int i = 0; i < count; i++) {
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
        return new long[][] {sums, weights};
    }

    /** Bytes held for the entries (the array's length), for tests of the encoding. */
    int storedBytes() {
        return bytes.length;
    }

    private void clear() {
        bytes = new byte[0];
        head = 0;
        end = 0;
        tailStart = 0;
        count = 0;
        baseSum = 0;
        baseSumDelta = 0;
        baseWeight = 0;
        baseWeightDelta = 0;
        tailBaseSum = 0;
        tailBaseSumDelta = 0;
        tailBaseWeight = 0;
        tailBaseWeightDelta = 0;
        tailSum = 0;
        tailWeight = 0;
        totalSum = 0;
        totalWeight = 0;
    }

    private void dropOldest() {
        if (count == 1) {
            long keepFirst = first + 1;
            clear();
            first = keepFirst;
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
    }

    private void appendEmpty() {
        long previousSum = count == 0 ? baseSum : tailSum;
        long previousWeight = count == 0 ? baseWeight : tailWeight;
        long sumDelta = count == 0 ? baseSumDelta : tailSum - tailBaseSum;
        long weightDelta = count == 0 ? baseWeightDelta : tailWeight - tailBaseWeight;
        tailBaseSum = previousSum;
        tailBaseSumDelta = sumDelta;
        tailBaseWeight = previousWeight;
        tailBaseWeightDelta = weightDelta;
        tailSum = 0;
        tailWeight = 0;
        tailStart = end;
        count++;
        // the new second holds 0: its delta is -previous, its delta of delta -previous - delta
        writeEntry(-previousSum - sumDelta, -previousWeight - weightDelta);
    }

    /** Replaces everything by {@code leading} empty seconds then the given ones, from {@code from} on. */
    private void reencode(long from, long[] sums, long[] weights, int leading) {
        int total = leading + sums.length;
        clear();
        bytes = new byte[(total + 1) * MAX_ENTRY_BYTES];
        first = from;
        long sumDelta = 0;
        long weightDelta = 0;
        long previousSum = 0;
        long previousWeight = 0;
        for (int i = 0; i < total; i++) {
            long sum = i < leading ? 0 : sums[i - leading];
            long weight = i < leading ? 0 : weights[i - leading];
            tailBaseSum = previousSum;
            tailBaseSumDelta = sumDelta;
            tailBaseWeight = previousWeight;
            tailBaseWeightDelta = weightDelta;
            tailStart = end;
            writeEntry(sum - previousSum - sumDelta, weight - previousWeight - weightDelta);
            sumDelta = sum - previousSum;
            weightDelta = weight - previousWeight;
            previousSum = sum;
            previousWeight = weight;
            totalSum += sum;
            totalWeight += weight;
        }
        tailSum = previousSum;
        tailWeight = previousWeight;
        count = total;
        bytes = Arrays.copyOf(bytes, end + MAX_ENTRY_BYTES + end / 8);
    }

    /** Appends one entry at {@code end}. */
    private void writeEntry(long sumDeltaOfDelta, long weightDeltaOfDelta) {
        ensureRoom();
        boolean weightChanged = weightDeltaOfDelta != 0;
        writeVarLong(zigzag(sumDeltaOfDelta) << 1 | (weightChanged ? 1 : 0));
        if (weightChanged) {
            writeVarLong(zigzag(weightDeltaOfDelta));
        }
    }

    /** Room for one more entry at {@code end}: moves the entries to the front, or into an array sized to them. */
    private void ensureRoom() {
        if (end + MAX_ENTRY_BYTES <= bytes.length) {
            return;
        }
        int used = end - head;
        int wanted = used + MAX_ENTRY_BYTES + used / 8;
        byte[] target = wanted <= bytes.length && bytes.length <= 2 * wanted ? bytes : new byte[wanted];
        System.arraycopy(bytes, head, target, 0, used);
        bytes = target;
        tailStart -= head;
        end = used;
        head = 0;
    }

    private void writeVarLong(long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            bytes[end++] = (byte) (rest & 0x7F | 0x80);
            rest >>>= 7;
        }
        bytes[end++] = (byte) rest;
    }

    private long readVarLong(int offset) {
        long value = 0;
        int shift = 0;
        int at = offset;
        while (true) {
            byte b = bytes[at++];
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
