package dev.metricsgateway.core;

/**
 * A fixed-length column of doubles that stores whole numbers narrowly: as a {@code byte[]} while
 * every value is a whole number in [-128, 127], as a {@code short[]}, then an {@code int[]}, and
 * as a {@code double[]} once a value is fractional or beyond int. Event counts and sums of row
 * counts, the usual content of a window, then take one to four bytes a second instead of eight.
 * Every value reads back as the exact double written, so arithmetic over the column is that of a
 * {@code double[]}.
 *
 * <p>A column is the array itself, whose type is its width; these functions read and write it,
 * and a write that needs a wider type returns the wider copy, which the caller keeps in place of
 * the old one. A window holds its array directly rather than an object around it: recording an
 * event into a series the cache no longer holds then misses one object less (the column object
 * was where 10 % of the gateway's ingest CPU waited, JFR).
 *
 * <p>Not thread-safe; the owning window's series state guards it.
 */
final class PackedColumn {

    private static final int BYTES = 0;
    private static final int SHORTS = 1;
    private static final int INTS = 2;
    private static final int DOUBLES = 3;

    private PackedColumn() {
    }

    /** A column of {@code length} zeros, in the narrowest width. */
    static Object create(int length) {
        return new byte[length];
    }

    /** Reads the header of {@code column} (which may be null), for a prefetch; the value means nothing. */
    static int prefetch(Object column) {
        return kindOf(column);
    }

    static int length(Object column) {
        return switch (kindOf(column)) {
            case BYTES -> ((byte[]) column).length;
            case SHORTS -> ((short[]) column).length;
            case INTS -> ((int[]) column).length;
            default -> ((double[]) column).length;
        };
    }

    /** A cleared column of {@code length} positions of the same width as {@code column} (it only widens). */
    static Object emptyCopy(Object column, int length) {
        return newArray(kindOf(column), length);
    }

    static double get(Object column, int position) {
        if (column instanceof byte[] bytes) {
            return bytes[position];
        }
        if (column instanceof short[] shorts) {
            return shorts[position];
        }
        if (column instanceof int[] ints) {
            return ints[position];
        }
        return ((double[]) column)[position];
    }

    /** Writes {@code value} at {@code position}; returns the column, a wider copy when {@code value} needs one. */
    static Object set(Object column, int position, double value) {
        int needed = kindFor(value);
        Object target = needed > kindOf(column) ? widen(column, needed) : column;
        if (target instanceof byte[] bytes) {
            bytes[position] = (byte) value;
        } else if (target instanceof short[] shorts) {
            shorts[position] = (short) value;
        } else if (target instanceof int[] ints) {
            ints[position] = (int) value;
        } else {
            ((double[]) target)[position] = value;
        }
        return target;
    }

    /** Adds {@code value} at {@code position}; returns the column, as {@link #set} does. */
    static Object add(Object column, int position, double value) {
        return set(column, position, get(column, position) + value);
    }

    static void clear(Object column, int position) {
        if (column instanceof byte[] bytes) {
            bytes[position] = 0;
        } else if (column instanceof short[] shorts) {
            shorts[position] = 0;
        } else if (column instanceof int[] ints) {
            ints[position] = 0;
        } else {
            ((double[]) column)[position] = 0;
        }
    }

    /** Σ of the {@code count} positions from {@code from} on, wrapping at the end, added in that order. */
    static double sum(Object column, int from, int count) {
        int length = length(column);
        int first = Math.min(count, length - from);
        double total = sumRange(column, from, first, 0);
        return first == count ? total : sumRange(column, 0, count - first, total);
    }

    /** One loop per width: the scrape sums every gauge's window, so no type test per value. */
    private static double sumRange(Object column, int from, int count, double start) {
        double total = start;
        int to = from + count;
        if (column instanceof byte[] array) {
            for (int i = from; i < to; i++) {
                total += array[i];
            }
        } else if (column instanceof short[] array) {
            for (int i = from; i < to; i++) {
                total += array[i];
            }
        } else if (column instanceof int[] array) {
            for (int i = from; i < to; i++) {
                total += array[i];
            }
        } else {
            double[] array = (double[]) column;
            for (int i = from; i < to; i++) {
                total += array[i];
            }
        }
        return total;
    }

    /** Bytes of value storage (array header excluded), for tests of the width rule. */
    static int bytesPerValue(Object column) {
        return switch (kindOf(column)) {
            case BYTES -> 1;
            case SHORTS -> 2;
            case INTS -> 4;
            default -> 8;
        };
    }

    private static int kindOf(Object column) {
        if (column instanceof byte[]) {
            return BYTES;
        }
        if (column instanceof short[]) {
            return SHORTS;
        }
        return column instanceof int[] ? INTS : DOUBLES;
    }

    /** The narrowest kind that holds {@code value} exactly; -0.0 is kept as a double. */
    private static int kindFor(double value) {
        if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
            int whole = (int) value;
            if (whole == value && (whole != 0 || Double.doubleToRawLongBits(value) == 0)) {
                if (whole >= Byte.MIN_VALUE && whole <= Byte.MAX_VALUE) {
                    return BYTES;
                }
                return whole >= Short.MIN_VALUE && whole <= Short.MAX_VALUE ? SHORTS : INTS;
            }
        }
        return DOUBLES;
    }

    private static Object widen(Object column, int kind) {
        int length = length(column);
        Object wider = newArray(kind, length);
        for (int i = 0; i < length; i++) {
            set(wider, i, get(column, i));
        }
        return wider;
    }

    private static Object newArray(int kind, int length) {
        return switch (kind) {
            case BYTES -> new byte[length];
            case SHORTS -> new short[length];
            case INTS -> new int[length];
            default -> new double[length];
        };
    }
}
