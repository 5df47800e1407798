package dev.metricsgateway.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The series of one metric: their states, each under its label values (a state is its own key,
 * see {@link SeriesState}). An open-addressing table of the states themselves, read without
 * locks and changed under one.
 *
 * <p>Why not a {@code ConcurrentHashMap}: its table points at a node, which points at the state.
 * At ingest nearly every lookup finds a series the cache no longer holds, and each of those
 * pointers is a miss the next load waits for; the node's was the largest single cost of a
 * gateway's ingest (9 % of its CPU, JFR). Here a slot points at the state, which holds the hash
 * and the packed key.
 *
 * <p><b>Threading.</b> Lookups read the current table without locking: a slot is published with
 * release semantics after its state is built, and read with acquire. Inserts and removals take
 * the table's lock. A removed state leaves a {@link #REMOVED} marker behind so that no lookup
 * passing by loses the keys after it; markers are cleared when the table is rebuilt, which
 * happens under the lock into a new array (lookups still on the old one see the series of the
 * moment it was replaced). So a lock-free lookup may miss a series inserted meanwhile, or find
 * one just removed; callers settle both under the lock ({@link #putIfAbsent}) or by the state's
 * own {@code evicted} flag, as they did with the concurrent map. Iteration is weakly consistent
 * in the same way.
 */
final class SeriesTable<S extends LabelValues> implements Iterable<S> {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
    /** Stands where a removed state was: lookups go on past it, inserts may reuse it. */
    private static final Object REMOVED = new Object();
    private static final int MIN_CAPACITY = 16;

    /** The current slots (length a power of two); replaced, never resized in place. */
    private volatile Object[] slots = new Object[MIN_CAPACITY];
    /** Live states; written under the lock. */
    private volatile int size;
    /** Slots that are not null (live states and markers): what makes probing long. Under the lock. */
    private int used;

    /** The state whose key holds the values of {@code probe}, or null (see the class comment for races). */
    S get(LabelProbe probe) {
        return get(slots, probe);
    }

    /**
     * {@link #get(LabelProbe)} of each of {@code probes[0..count)}, into {@code found}, looked up
     * stage by stage: every probe's home slot first, then the key of each state found there, then
     * the lookups themselves. A lookup waits for a slot, then for the state it points at, then for
     * the state's key bytes, and at many live series each is a cache miss; one load after another
     * within a small loop over all probes lets the processor have every probe's miss of a stage
     * outstanding at once, where whole lookups one after the other overlapped only two or three.
     *
     * @return a value read from the states' keys, for the caller to keep somewhere, so that the
     *         compiler keeps the reads of the second stage
     */
    int getAll(LabelProbe[] probes, int count, Object[] found) {
        Object[] table = slots;
        int mask = table.length - 1;
        for (int i = 0; i < count; i++) {
            found[i] = SLOTS.getAcquire(table, probes[i].hashCode() & mask);
        }
        int touched = 0;
        for (int i = 0; i < count; i++) {
            if (found[i] instanceof LabelValues key) {
                touched += key.touchKey();
            }
        }
        for (int i = 0; i < count; i++) {
            found[i] = get(table, probes[i]);
        }
        return touched;
    }

    @SuppressWarnings("unchecked")
    private S get(Object[] table, LabelProbe probe) {
        int mask = table.length - 1;
        for (int at = probe.hashCode() & mask; ; at = (at + 1) & mask) {
            Object slot = SLOTS.getAcquire(table, at);
            if (slot == null) {
                return null;
            }
            if (slot != REMOVED && probe.matches((LabelValues) slot)) {
                return (S) slot;
            }
        }
    }

    /** The state whose key equals {@code key}, or null. */
    @SuppressWarnings("unchecked")
    S get(LabelValues key) {
        Object[] table = slots;
        int mask = table.length - 1;
        for (int at = key.hashCode() & mask; ; at = (at + 1) & mask) {
            Object slot = SLOTS.getAcquire(table, at);
            if (slot == null) {
                return null;
            }
            if (slot != REMOVED && key.equals(slot)) {
                return (S) slot;
            }
        }
    }

    /** Adds {@code state} unless the table holds a state of the same key; returns that one, or null when added. */
    synchronized S putIfAbsent(S state) {
        S held = get(state);
        if (held != null) {
            return held;
        }
        if ((used + 1) * 2 > slots.length) {
            rebuild(size + 1);
        }
        Object[] table = slots;
        int mask = table.length - 1;
        int at = state.hashCode() & mask;
        while (table[at] != null && table[at] != REMOVED) {
            at = (at + 1) & mask;
        }
        if (table[at] == null) {
            used++;
        }
        SLOTS.setRelease(table, at, state);
        size++;
        return null;
    }

    /** Removes {@code state} itself, not another state of its key; whether it was there. */
    synchronized boolean remove(S state) {
        Object[] table = slots;
        int mask = table.length - 1;
        for (int at = state.hashCode() & mask; table[at] != null; at = (at + 1) & mask) {
            if (table[at] == state) {
                SLOTS.setRelease(table, at, REMOVED);
                size--;
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    /** Every state of the table as it is when iteration starts (see the class comment). */
    @Override
    public Iterator<S> iterator() {
        Object[] table = slots;
        return new Iterator<>() {
            /** The next slot to read. */
            private int at;
            /** The state the next call of next() returns, read once (a slot may change meanwhile). */
            private S upcoming = advance();

            @SuppressWarnings("unchecked")
            private S advance() {
                while (at < table.length) {
                    Object slot = SLOTS.getAcquire(table, at++);
                    if (slot != null && slot != REMOVED) {
                        return (S) slot;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return upcoming != null;
            }

            @Override
            public S next() {
                S state = upcoming;
                if (state == null) {
                    throw new NoSuchElementException();
                }
                upcoming = advance();
                return state;
            }
        };
    }

    /**
     * Moves the live states into a new array, without markers, that {@code live} states fill to
     * at most a quarter: the next rebuild then waits for at least {@code live} more inserts, so
     * inserts cost amortized O(1) however series come and go.
     */
    private void rebuild(int live) {
        Object[] old = slots;
        int capacity = MIN_CAPACITY;
        while (capacity < live * 4) {
            capacity <<= 1;
        }
        Object[] table = new Object[capacity];
        int mask = capacity - 1;
        for (Object slot : old) {
            if (slot != null && slot != REMOVED) {
                int at = slot.hashCode() & mask;
                while (table[at] != null) {
                    at = (at + 1) & mask;
                }
                table[at] = slot;
            }
        }
        used = size;
        slots = table; // volatile: publishes the states written above
    }
}
