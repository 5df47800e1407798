package dev.metricsgateway.ingest;

import java.util.List;

/**
 * A fixed map from names to their position in a list, built once per decoder. Looks up a
 * {@code String} (Jackson's canonical field names cache their hash) or a range of characters
 * (a string value still in the parser's buffer, so matching {@code "type"} allocates nothing).
 * Open addressing over plain arrays: no boxing on the hot path. Immutable but for a cache of
 * the instances last looked up (see {@link #lastMatched}).
 */
final class NameIndex {

    private final String[] keys;
    private final int[] values;
    private final int mask;
    /**
     * By slot: the last instance found equal to the key there. Jackson hands out one canonical
     * instance per field name, so from the second object on a name is found by reference, without
     * comparing its characters (that comparison showed in ingest profiles). Racy on purpose: a
     * slot holds a whole reference or null, and a lost update costs one comparison.
     */
    private final String[] lastMatched;

    NameIndex(List<String> names) {
        int capacity = Integer.highestOneBit(Math.max(4, names.size() * 2 + 1) - 1) << 1;
        keys = new String[capacity];
        values = new int[capacity];
        lastMatched = new String[capacity];
        mask = capacity - 1;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            int at = spread(name.hashCode()) & mask;
            while (keys[at] != null) {
                if (keys[at].equals(name)) {
                    throw new IllegalArgumentException(name + ": listed twice");
                }
                at = (at + 1) & mask;
            }
            keys[at] = name;
            values[at] = i;
        }
    }

    /** The position of {@code name}, or -1. */
    int get(String name) {
        for (int at = spread(name.hashCode()) & mask; keys[at] != null; at = (at + 1) & mask) {
            if (lastMatched[at] == name) {
                return values[at];
            }
            if (keys[at].equals(name)) {
                lastMatched[at] = name;
                return values[at];
            }
        }
        return -1;
    }

    /** The position of the name held in {@code chars[offset, offset + length)}, or -1. */
    int get(char[] chars, int offset, int length) {
        int hash = 0;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + chars[offset + i]; // String.hashCode's formula, so both lookups agree
        }
        for (int at = spread(hash) & mask; keys[at] != null; at = (at + 1) & mask) {
            if (matches(keys[at], chars, offset, length)) {
                return values[at];
            }
        }
        return -1;
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

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}
