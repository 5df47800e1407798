package dev.metricsgateway.core;

/** Helpers shared by the windows built on {@link SecondRing}. */
final class WindowColumns {

    private WindowColumns() {
    }

    /** {@code column}'s values of seconds {@code from..to} moved into a column of {@code newCapacity} positions. */
    static Object relayout(Object column, int oldCapacity, int newCapacity, long from, long to) {
        Object moved = PackedColumn.emptyCopy(column, newCapacity);
        for (long second = from; second <= to; second++) {
            // same width: no value widens it
            moved = PackedColumn.set(moved, (int) Math.floorMod(second, (long) newCapacity),
                    PackedColumn.get(column, (int) Math.floorMod(second, (long) oldCapacity)));
        }
        return moved;
    }

    static void requireSameWindow(SecondRing ours, SecondRing theirs) {
        if (ours.window() != theirs.window()) {
            throw new IllegalArgumentException(theirs.window() + ": cannot merge windows of different sizes (" + ours.window() + ")");
        }
    }
}
