package dev.metricsgateway.core;

import java.util.Arrays;
import java.util.List;

/**
 * The label values of one series, in the metric's label order: the key of a series. Immutable;
 * the hash is computed once because every event looks its series up by it.
 */
final class LabelValues {

    private final String[] values;
    private final int hash;
    /**
     * The exposition's rendering of these values (see {@link SeriesLabels#rendering}), filled by
     * the first scrape. Not part of the key: neither hash nor equals reads it. A key belongs to
     * one metric, so one rendering fits it. Volatile: the array is published to other scrapes.
     */
    private volatile byte[] rendering;

    LabelValues(String[] values) {
        this.values = values;
        this.hash = hashOf(values);
    }

    /** The hash of a key holding {@code values}, as {@link LabelProbe} needs it too. */
    static int hashOf(String[] values) {
        return mix(Arrays.hashCode(values));
    }

    /** Whether this key holds {@code values}, whose {@link #hashOf hash} is {@code hash}. */
    boolean holds(String[] values, int hash) {
        return this.hash == hash && Arrays.equals(this.values, values);
    }

    /**
     * Spreads the bits of the polynomial hash: label values that share a prefix and end alike
     * ("fs-17", "service-17") make {@code Arrays.hashCode} collide in its low bits, which a
     * {@code ConcurrentHashMap} turns into long bins (seen in profiles as TreeBin lookups).
     * Murmur3's 32-bit finalizer.
     */
    private static int mix(int hash) {
        int h = hash;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** A read-only view, not a copy: the values never change. */
    List<String> asList() {
        return new SeriesLabels(this);
    }

    int size() {
        return values.length;
    }

    String value(int index) {
        return values[index];
    }

    byte[] rendering() {
        return rendering;
    }

    void rendering(byte[] bytes) {
        rendering = bytes;
    }

    void writeTo(StateWriter out) {
        out.writeVarLong(values.length);
        for (String value : values) {
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

    @Override
    public boolean equals(Object other) {
        return other instanceof LabelValues that && hash == that.hash && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
