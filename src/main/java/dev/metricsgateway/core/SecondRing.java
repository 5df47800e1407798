package dev.metricsgateway.core;

import java.util.BitSet;

/**
 * The geometry of a sliding window of {@code window} one-second buckets, stored compactly: only
 * the span of seconds a series actually holds, {@code [oldest, newest]}, occupies memory, in a
 * ring of {@code capacity} positions (second {@code s} at {@code floorMod(s, capacity)}) that
 * grows with the span, up to {@code window} positions. A series that saw one event holds one
 * position; one that saw an event in every second holds {@code window}. No position stores its
 * second: the span tells which second a position holds.
 *
 * <p>At {@code nowSecond} the window holds the seconds in {@code (nowSecond - window, nowSecond]}:
 * the contract's {@code (now − W, now]} with edges quantized to one second. A write of a second at
 * or before {@code newest - window} is dropped, and seconds at or before it leave the span as a
 * newer second arrives: no window ending at or after the newest second can hold them.
 *
 * <p>Subclasses hold the per-position values; the ring tells them when to clear a position (a
 * second leaves the span) and when to move their values into a ring of another capacity.
 * Invariant: every position outside the span is cleared. Not thread-safe: the owning series state
 * guards it.
 */
abstract class SecondRing {

    static final long EMPTY = Long.MIN_VALUE;

    private final int window;
    private int capacity;
    private long oldest = EMPTY;
    private long newest = EMPTY;

    SecondRing(int window) {
        this.window = window;
    }

    final int window() {
        return window;
    }

    final boolean isEmpty() {
        return newest == EMPTY;
    }

    /** The oldest second of the span; only meaningful when not empty. */
    final long oldest() {
        return oldest;
    }

    /** The newest second written; {@link #EMPTY} when empty. */
    final long newest() {
        return newest;
    }

    final int capacity() {
        return capacity;
    }

    /** The position of {@code second} in the ring; the second must lie in the span. */
    final int position(long second) {
        return (int) Math.floorMod(second, (long) capacity);
    }

    /**
     * The position to write {@code second} into, the span extended to it first (older seconds
     * leaving the span are cleared); -1 when the second is at or before {@code newest - window}.
     */
    final int slotForWrite(long second) {
        if (newest == EMPTY) {
            if (capacity == 0) {
                capacity = 1;
                allocate(capacity);
            }
            oldest = second;
            newest = second;
            return position(second);
        }
        if (second > newest) {
            long keepFrom = second - window + 1;
            if (keepFrom > newest) {
                // Nothing held stays in the window: start over small, so a bursty series gives its memory back.
                clearSpan(oldest, newest);
                capacity = 1;
                allocate(capacity);
                oldest = second;
            } else {
                if (keepFrom > oldest) {
                    clearSpan(oldest, keepFrom - 1);
                    oldest = keepFrom;
                }
                ensureCapacity(second - oldest + 1);
            }
            newest = second;
        } else if (second < oldest) {
            if (second <= newest - window) {
                return -1;
            }
            ensureCapacity(newest - second + 1);
            oldest = second;
        }
        return position(second);
    }

    /** Drops every second at or before {@code nowSecond - window}: they are in no window from now on. */
    final void expire(long nowSecond) {
        if (newest == EMPTY) {
            return;
        }
        long keepFrom = nowSecond - window + 1;
        if (keepFrom > newest) {
            clearSpan(oldest, newest);
            capacity = 1;
            allocate(capacity);
            oldest = EMPTY;
            newest = EMPTY;
        } else if (keepFrom > oldest) {
            clearSpan(oldest, keepFrom - 1);
            oldest = keepFrom;
        }
    }

    private void clearSpan(long from, long to) {
        int position = position(from);
        for (long second = from; second <= to; second++) {
            clearSlot(position);
            position = position + 1 == capacity ? 0 : position + 1;
        }
    }

    private void ensureCapacity(long span) {
        if (span > capacity) {
            int grown = (int) Math.min(window, Math.max(span, 2L * capacity));
            int old = capacity;
            capacity = grown;
            relayout(old, grown, oldest, newest);
        }
    }

    /** Allocates fresh, cleared storage for {@code capacity} positions, dropping the old. */
    abstract void allocate(int capacity);

    /**
     * Replaces the storage by one of {@code newCapacity} positions holding the values of seconds
     * {@code from..to}, each moved from {@code floorMod(s, oldCapacity)} to {@code floorMod(s, newCapacity)}.
     */
    abstract void relayout(int oldCapacity, int newCapacity, long from, long to);

    /** Resets the values of {@code position}: its second left the span. */
    abstract void clearSlot(int position);

    /** Reads the values of one bucket of a window's checkpoint record, whose second was just read. */
    interface BucketReader {
        void read(long second) throws CheckpointException;
    }

    /**
     * Reads one window's checkpoint record: the number of buckets, then for each its second and
     * what {@code bucket} reads. The seconds must be distinct modulo the window length, as the
     * one-slot-per-residue ring of format version 1 guarantees.
     */
    static void readBuckets(StateReader in, long baseSecond, int window, BucketReader bucket) throws CheckpointException {
        int buckets = in.readCount(window, "buckets of a window");
        BitSet residues = new BitSet(window);
        for (int i = 0; i < buckets; i++) {
            long second = in.readSecond(baseSecond);
            int residue = (int) Math.floorMod(second, (long) window);
            if (residues.get(residue)) {
                throw CheckpointException.corrupt("two buckets of one window share slot " + residue);
            }
            residues.set(residue);
            bucket.read(second);
        }
    }
}
