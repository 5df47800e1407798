package dev.metricsgateway.core;

import java.util.Arrays;

/**
 * A ring of epoch-aligned one-second buckets covering a sliding window of {@code size} seconds.
 *
 * <p>Bucket for epoch second {@code s} lives in slot {@code floorMod(s, size)}. A slot remembers
 * which second it holds; writing a newer second into it first clears it, so buckets are recycled
 * without a timer and gaps read as empty. At {@code nowSecond} the window holds the seconds in
 * {@code (nowSecond - size, nowSecond]}: the contract's {@code (now − W, now]} with edges
 * quantized to one second.
 *
 * <p>Subclasses hold the per-slot values. Not thread-safe: the owning series state guards it.
 */
abstract class SecondBuckets {

    private static final long EMPTY = Long.MIN_VALUE;

    private final long[] secondBySlot;

    SecondBuckets(int size) {
        this.secondBySlot = new long[size];
        Arrays.fill(secondBySlot, EMPTY);
    }

    final int size() {
        return secondBySlot.length;
    }

    /**
     * The slot to write epoch second {@code second} into, cleared first when it held an older
     * second; -1 when the slot already holds a newer second (the write is older than the ring).
     */
    final int slotForWrite(long second) {
        int slot = (int) Math.floorMod(second, (long) secondBySlot.length);
        long held = secondBySlot[slot];
        if (held == second) {
            return slot;
        }
        if (held > second) {
            return -1;
        }
        clearSlot(slot);
        secondBySlot[slot] = second;
        return slot;
    }

    /** Whether {@code slot} holds a second inside the window ending at {@code nowSecond}. */
    final boolean isLive(int slot, long nowSecond) {
        long held = secondBySlot[slot];
        return held != EMPTY && held > nowSecond - secondBySlot.length && held <= nowSecond;
    }

    /** The epoch second {@code slot} holds; only meaningful when the slot is non-empty. */
    final long secondOf(int slot) {
        return secondBySlot[slot];
    }

    final boolean isEmpty(int slot) {
        return secondBySlot[slot] == EMPTY;
    }

    /** Resets the values of {@code slot} before it is reused for a newer second. */
    abstract void clearSlot(int slot);

    /**
     * Adds every bucket of {@code other} (same size) into this ring, bucket by bucket, so that the
     * result is the ring of the union of both rings' events. Buckets older than this ring's slot
     * content are dropped, as late writes are.
     */
    final void mergeBuckets(SecondBuckets other) {
        if (other.size() != size()) {
            throw new IllegalArgumentException(other.size() + ": cannot merge windows of different sizes (" + size() + ")");
        }
        for (int otherSlot = 0; otherSlot < other.size(); otherSlot++) {
            if (!other.isEmpty(otherSlot)) {
                int slot = slotForWrite(other.secondOf(otherSlot));
                if (slot >= 0) {
                    mergeSlot(slot, other, otherSlot);
                }
            }
        }
    }

    /** Adds the values of {@code other}'s {@code otherSlot} into this ring's {@code slot}. */
    abstract void mergeSlot(int slot, SecondBuckets other, int otherSlot);

    /**
     * Writes every non-empty bucket, live or not yet recycled, with its epoch second as a
     * difference to {@code baseSecond}: the ring is restored exactly, whatever {@code now} it is
     * later read at.
     */
    final void writeBuckets(StateWriter out, long baseSecond) {
        int buckets = 0;
        for (int slot = 0; slot < secondBySlot.length; slot++) {
            if (!isEmpty(slot)) {
                buckets++;
            }
        }
        out.writeVarLong(buckets);
        for (int slot = 0; slot < secondBySlot.length; slot++) {
            if (!isEmpty(slot)) {
                out.writeSignedVarLong(secondBySlot[slot] - baseSecond);
                writeSlot(out, slot);
            }
        }
    }

    /** Reads what {@link #writeBuckets} wrote into this ring, which must be empty. */
    final void readBuckets(StateReader in, long baseSecond) throws CheckpointException {
        int buckets = in.readCount(secondBySlot.length, "buckets of a window");
        for (int i = 0; i < buckets; i++) {
            long second = in.readSecond(baseSecond);
            int slot = (int) Math.floorMod(second, (long) secondBySlot.length);
            if (!isEmpty(slot)) {
                throw CheckpointException.corrupt("two buckets of one window share slot " + slot);
            }
            slotForWrite(second);
            readSlot(in, slot);
        }
    }

    /** Writes the values of {@code slot}. */
    abstract void writeSlot(StateWriter out, int slot);

    /** Reads the values of {@code slot}, freshly assigned its second. */
    abstract void readSlot(StateReader in, int slot) throws CheckpointException;
}
