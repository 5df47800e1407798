package dev.metricsgateway.core;

/**
 * A reusable stand-in for a {@link LabelValues} key while looking a series up: filled with one
 * input's label values after another, so that finding an existing series allocates nothing (two
 * objects per input and metric were most of what applying a batch allocated). A probe equals the
 * {@code LabelValues} holding the same values and has its hash; it is never stored: a new series
 * gets {@link #freeze() a key of its own}. Confined to the thread of one run of inputs.
 *
 * <p>Works as the key argument of {@code ConcurrentHashMap.get}, {@code containsKey} and {@code remove(key, value)},
 * which hash the argument and call its {@code equals} with the stored keys; never as a key to
 * insert.
 */
final class LabelProbe {

    private final String[] values;
    private int hash;

    LabelProbe(int labels) {
        this.values = new String[labels];
    }

    /** The array to fill with the next input's values; call {@link #filled()} once it is. */
    String[] values() {
        return values;
    }

    void filled() {
        hash = LabelValues.hashOf(values);
    }

    /** An immutable key holding the values the probe holds now. */
    LabelValues freeze() {
        return new LabelValues(values.clone());
    }

    /** Only ever asked of a {@code LabelValues} (the map calls the argument's equals with its keys). */
    @Override
    public boolean equals(Object other) {
        return other instanceof LabelValues key && key.holds(values, hash);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
