package dev.metricsgateway.core;

import java.util.Arrays;

/**
 * A reusable stand-in for a {@link LabelValues} key while looking a series up: filled with one
 * input's label values after another, packed as a key packs them, so that finding an existing
 * series allocates nothing (two objects per input and metric were most of what applying a batch
 * allocated). A probe matches the {@code LabelValues} holding the same values and has its hash; it
 * is never stored: a new series gets {@link #freeze() a key of its own}. Confined to the thread
 * of one run of inputs.
 *
 * <p>Looks series up in a {@link SeriesTable} ({@link #hashCode()}, {@link #matches}); never a key to insert.
 */
final class LabelProbe {

    private int size;
    private byte[] bytes = new byte[128];
    private int length;
    private int hash;

    LabelProbe(int labels) {
        this.size = labels;
    }

    /** Makes this a probe of a metric with {@code labels} labels (a run of inputs serves one metric after another). */
    void labels(int labels) {
        this.size = labels;
    }

    /** Starts the next input's values: {@link #add} each, in the metric's label order, then {@link #filled()}. */
    void clear() {
        length = 0;
    }

    void add(String value) {
        int room = PackedLabels.maxBytes(value);
        if (length + room > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + room));
        }
        length = PackedLabels.append(bytes, length, value);
    }

    void filled() {
        hash = PackedLabels.hash(bytes, length);
    }

    /** An immutable key holding the values the probe holds now. */
    LabelValues freeze() {
        return new LabelValues(Arrays.copyOf(bytes, length), size);
    }

    /** Whether {@code key} holds the values this probe holds. */
    boolean matches(LabelValues key) {
        return key.holds(bytes, length, hash);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
