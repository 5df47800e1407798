package dev.metricsgateway.core;

/**
 * A fixed-length column of doubles that stores whole numbers narrowly: as bytes while every
 * value is a whole number in [-128, 127], as shorts, then ints, and as doubles once a value is
 * fractional or beyond int. Event counts and sums of row counts, the usual content of a window,
 * then take one to four bytes a second instead of eight. Every value reads back as the exact
 * double written, so arithmetic over the column is that of a {@code double[]}.
 *
 * <p>Not thread-safe; the owning window's series state guards it.
 */
final class PackedColumn {

    private static final int BYTES = 0;
    private static final int SHORTS = 1;
    private static final int INTS = 2;
    private static final int DOUBLES = 3;

    private int kind;
    private Object values;

    PackedColumn(int length) {
        this.kind = BYTES;
        this.values = new byte[length];
    }

    private PackedColumn(int kind, int length) {
        this.kind = kind;
        this.values = newArray(kind, length);
    }

    int length() {
        return switch (kind) {
            case BYTES -> ((byte[]) values).length;
            case SHORTS -> ((short[]) values).length;
            case INTS -> ((int[]) values).length;
            default -> ((double[]) values).length;
        };
    }

    /** A cleared column of {@code length} positions of the same width (it only widens). */
    PackedColumn emptyCopy(int length) {
        return new PackedColumn(kind, length);
    }

    double get(int position) {
        return switch (kind) {
            case BYTES -> ((byte[]) values)[position];
            case SHORTS -> ((short[]) values)[position];
            case INTS -> ((int[]) values)[position];
            default -> ((double[]) values)[position];
        };
    }

    void set(int position, double value) {
        int needed = kindFor(value);
        if (needed > kind) {
            widen(needed);
        }
        switch (kind) {
            case BYTES -> ((byte[]) values)[position] = (byte) value;
            case SHORTS -> ((short[]) values)[position] = (short) value;
            case INTS -> ((int[]) values)[position] = (int) value;
            default -> ((double[]) values)[position] = value;
        }
    }

    void add(int position, double value) {
        set(position, get(position) + value);
    }

    void clear(int position) {
        switch (kind) {
            case BYTES -> ((byte[]) values)[position] = 0;
            case SHORTS -> ((short[]) values)[position] = 0;
            case INTS -> ((int[]) values)[position] = 0;
            default -> ((double[]) values)[position] = 0;
        }
    }

    /** Σ of the {@code count} positions from {@code from} on, wrapping at the end, added in that order. */
    double sum(int from, int count) {
        int length = length();
        int first = Math.min(count, length - from);
        double total = sumRange(from, first, 0);
        return first == count ? total : sumRange(0, count - first, total);
    }

    /** One loop per width: the scrape sums every gauge's window, so no switch per value. */
    private double sumRange(int from, int count, double start) {
        double total = start;
        int to = from + count;
        switch (kind) {
            case BYTES -> {
                byte[] array = (byte[]) values;
                for (int i = from; i < to; i++) {
                    total += array[i];
                }
            }
            case SHORTS -> {
                short[] array = (short[]) values;
                for (int i = from; i < to; i++) {
                    total += array[i];
                }
            }
            case INTS -> {
                int[] array = (int[]) values;
                for (int i = from; i < to; i++) {
                    total += array[i];
                }
            }
            default -> {
                double[] array = (double[]) values;
                for (int i = from; i < to; i++) {
                    total += array[i];
                }
            }
        }
        return total;
    }

    /** Bytes of value storage (array header excluded), for tests of the width rule. */
    int bytesPerValue() {
        return switch (kind) {
            case BYTES -> 1;
            case SHORTS -> 2;
            case INTS -> 4;
            default -> 8;
        };
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

    private void widen(int newKind) {
        int length = length();
        PackedColumn wider = new PackedColumn(newKind, length);
        for (int i = 0; i < length; i++) {
            wider.set(i, get(i));
        }
        kind = newKind;
        values = wider.values;
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
