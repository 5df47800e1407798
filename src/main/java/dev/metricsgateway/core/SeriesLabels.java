package dev.metricsgateway.core;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The label values of a series as the core's snapshots hand them out: a read-only view of the
 * series key, which also keeps the exposition's rendering of the labels from one scrape to the
 * next, so that a series' label text is escaped once rather than on every scrape (escaping
 * was a third of a scrape's work at 100k series). Equal to any list of the same values.
 */
public final class SeriesLabels extends AbstractList<String> implements RandomAccess {

    private final LabelValues key;
    /**
     * The values, unpacked on first use: sorting a snapshot's new series reads them many times.
     * Volatile: samples are rendered on other threads than the one that took them.
     */
    private volatile String[] values;

    SeriesLabels(LabelValues key) {
        this.key = key;
    }

    @Override
    public String get(int index) {
        String[] unpacked = values;
        if (unpacked == null) {
            unpacked = key.values();
            values = unpacked;
        }
        return unpacked[index];
    }

    @Override
    public int size() {
        return key.size();
    }

    /**
     * What {@link #rendering(byte[])} stored for this series, or null. Only the text writer uses
     * it: the series' label values escaped as both text formats write them (the names are the
     * metric's and are not stored per series).
     */
    public byte[] rendering() {
        return key.rendering();
    }

    /** Stores the escaped label values of this series for the next scrapes; {@code bytes} must not change afterwards. */
    public void rendering(byte[] bytes) {
        key.rendering(bytes);
    }
}
