package dev.metricsgateway.core;

/**
 * The last few series one run of inputs went to, so that a metric of few series (no labels, or
 * a region) finds them without the series map: most inputs of such a metric in a batch go to a
 * series the run has just used. Comparing a key here costs an int comparison unless the hashes
 * match, so a metric of many series loses nothing. Confined to the thread of one run.
 */
final class RecentSeries<S extends SeriesState> {

    private static final int SIZE = 4;

    private final SeriesState[] states = new SeriesState[SIZE];
    private int next;

    /** The state remembered for the series {@code probe} holds, or null. */
    @SuppressWarnings("unchecked")
    S get(LabelProbe probe) {
        for (int i = 0; i < SIZE; i++) {
            if (states[i] != null && probe.equals(states[i].key)) {
                return (S) states[i];
            }
        }
        return null;
    }

    void remember(S state) {
        states[next] = state;
        next = (next + 1) % SIZE;
    }

    /** Forgets {@code state}: it was evicted, the next input must look its series up again. */
    void forget(S state) {
        for (int i = 0; i < SIZE; i++) {
            if (states[i] == state) {
                states[i] = null;
            }
        }
    }
}
