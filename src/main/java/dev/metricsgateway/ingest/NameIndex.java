package dev.metricsgateway.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed map from names to their position in a list, built once per decoder. Looks up a
 * {@code String} (Jackson's canonical field names cache their hash) or a range of characters
 * (a string value still in the parser's buffer, so matching {@code "type"} allocates nothing).
 *
 * <p>Every event looks up each of its field names here, so a lookup is one slot, no probing:
 * the table's size and hash multiplier are searched at construction until the names land in
 * distinct slots (the probing loop this replaced showed in ingest profiles). A name that shares
 * its slot with another under every tried size and multiplier (two names with the same
 * {@code String.hashCode} always do) is kept in a small map beside the table. Immutable but for a
 * cache of the instances last looked up (see {@link #lastMatched}).
 */
final class NameIndex {

    /** The largest table tried, in bits of the slot number: 64 K slots. */
    private static final int MAX_BITS = 16;
    /** Multipliers tried per table size. */
    private static final int MULTIPLIERS = 32;

    private final String[] keys;
    private final int[] values;
    private final int multiplier;
    private final int shift;
    /** Names that found no slot of their own; almost always empty. */
    private final Map<String, Integer> overflow;
    /**
     * By slot: the last instance found equal to the key there. Jackson hands out one canonical
     * instance per field name, so from the second object on a name is found by reference, without
     * comparing its characters (that comparison showed in ingest profiles). Racy on purpose: a
     * slot holds a whole reference or null, and a lost update costs one comparison.
     */
    private final String[] lastMatched;

    NameIndex(List<String> names) {
        if (names.size() != names.stream().distinct().count()) {
            throw new IllegalArgumentException(names + ": a name listed twice");
        }
        int bestBits = 0;
        int bestMultiplier = 0;
        int bestOverflow = Integer.MAX_VALUE;
        int firstBits = Math.max(2, 32 - Integer.numberOfLeadingZeros(Math.max(1, names.size() * 4 - 1)));
        search:
        for (int bits = firstBits; bits <= MAX_BITS; bits++) {
            for (int attempt = 0; attempt < MULTIPLIERS; attempt++) {
                int candidate = multiplierOf(attempt);
                int overflowing = place(names, bits, candidate, null, null, null);
                if (overflowing < bestOverflow) {
                    bestBits = bits;
                    bestMultiplier = candidate;
                    bestOverflow = overflowing;
                    if (overflowing == 0) {
                        break search;
                    }
                }
            }
        }
        keys = new String[1 << bestBits];
        values = new int[1 << bestBits];
        lastMatched = new String[1 << bestBits];
        overflow = new HashMap<>();
        multiplier = bestMultiplier;
        shift = 32 - bestBits;
        place(names, bestBits, bestMultiplier, keys, values, overflow);
    }

    /** Odd multipliers with well-mixed bits, the same on every run. */
    private static int multiplierOf(int attempt) {
        return (int) (0x9e3779b97f4a7c15L * (2L * attempt + 1) >>> 32) | 1;
    }

    /**
     * Places {@code names} in a table of {@code 2^bits} slots, first come first placed; returns how
     * many found their slot taken. Fills {@code keys}, {@code values} and {@code overflow} when given.
     */
    private static int place(List<String> names, int bits, int multiplier, String[] keys, int[] values, Map<String, Integer> overflow) {
        String[] taken = keys != null ? keys : new String[1 << bits];
        int overflowing = 0;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            int at = name.hashCode() * multiplier >>> (32 - bits);
            if (taken[at] == null) {
                taken[at] = name;
                if (values != null) {
                    values[at] = i;
                }
            } else {
                overflowing++;
                if (overflow != null) {
                    overflow.put(name, i);
                }
            }
        }
        return overflowing;
    }

    /** The position of {@code name}, or -1. */
    int get(String name) {
        int at = name.hashCode() * multiplier >>> shift;
        if (lastMatched[at] == name) {
            return values[at];
        }
        String key = keys[at];
        if (key != null && key.equals(name)) {
            lastMatched[at] = name;
            return values[at];
        }
        return overflow.isEmpty() ? -1 : overflow.getOrDefault(name, -1);
    }

    /** The position of the name held in {@code chars[offset, offset + length)}, or -1. */
    int get(char[] chars, int offset, int length) {
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + chars[offset + i]; // String.hashCode's formula, so both lookups agree
        }
        int at = hash * multiplier >>> shift;
        String key = keys[at];
        if (key != null && matches(key, chars, offset, length)) {
            return values[at];
        }
        return overflow.isEmpty() ? -1 : overflow.getOrDefault(new String(chars, offset, length), -1);
    }

    private static boolean matches(String key, char[] chars, int offset, int length) {
        if (key.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (key.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
