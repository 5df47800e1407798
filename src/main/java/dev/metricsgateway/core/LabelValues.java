package dev.metricsgateway.core;

import java.util.Arrays;
import java.util.List;

/**
 * The label values of one series, in the metric's label order: the key of a series (the series'
 * {@link SeriesState} is one too, holding the same values). Immutable; the values are
 * {@link PackedLabels packed} into one array and the hash is computed once, because every event
 * looks its series up by them.
 */
class LabelValues {

    private final byte[] packed;
    private final int size;
    private final int hash;
    /**
     * The exposition's rendering of these values (see {@link SeriesLabels#rendering}), filled by
     * the first scrape. Not part of the key: neither hash nor equals reads it. A key belongs to
     * one metric, so one rendering fits it. Volatile: the array is published to other scrapes.
     */
    private volatile byte[] rendering;

    LabelValues(String[] values) {
        this(PackedLabels.pack(values), values.length);
    }

    /** The same values as {@code key}, for a {@link SeriesState}, which is its series' key. */
    LabelValues(LabelValues key) {
        this.packed = key.packed;
        this.size = key.size;
        this.hash = key.hash;
    }

    /** Takes ownership of {@code packed}, the packing of {@code size} values. */
    LabelValues(byte[] packed, int size) {
        this.packed = packed;
        this.size = size;
        this.hash = PackedLabels.hash(packed, packed.length);
    }

    /** Whether this key holds the values packed in the first {@code length} bytes of {@code bytes}, whose hash is {@code hash}. */
    boolean holds(byte[] bytes, int length, int hash) {
        return this.hash == hash && Arrays.equals(packed, 0, packed.length, bytes, 0, length);
    }

    /**
     * Reads this key's hash and the start of its packed values, so that a lookup about to compare
     * them finds both in the cache (see {@link SeriesTable#getAll}); the value means nothing.
     */
    final int touchKey() {
        return hash + packed.length;
    }

    /** Whether this key holds the very array of packed values {@code other} holds (not only equal values). */
    final boolean sharesValuesWith(LabelValues other) {
        return packed == other.packed;
    }

    /** A read-only view, not a copy: the values never change. */
    List<String> asList() {
        return new SeriesLabels(this);
    }

    int size() {
        return size;
    }

    String[] values() {
        return PackedLabels.values(packed, size);
    }

    byte[] rendering() {
        return rendering;
    }

    void rendering(byte[] bytes) {
        rendering = bytes;
    }

    void writeTo(StateWriter out) {
        out.writeVarLong(size);
        for (String value : values()) {
            out.writeString(value);
        }
    }

    /** Reads what {@link #writeTo} wrote; a record with another number of labels is corrupt. */
    static LabelValues read(StateReader in, int labelCount) throws CheckpointException {
        int count = in.readCount(Integer.MAX_VALUE, "label values");
        if (count != labelCount) {
            throw CheckpointException.corrupt(count + " label values where the metric has " + labelCount);
        }
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = in.readLabel();
        }
        return new LabelValues(values);
    }

    /** Equal to any key of the same values, states included; final: states must not change it. */
    @Override
    public final boolean equals(Object other) {
        return other instanceof LabelValues that && holds(that.packed, that.packed.length, that.hash);
    }

    @Override
    public final int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(values());
    }
}
