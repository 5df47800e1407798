package dev.metricsgateway.ingest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys seen so far in each open object that no event type declares, to find duplicates among
 * them. An object costs two array writes on entry; a set is touched only when an object actually
 * has an undeclared key, and sets are reused from object to object.
 *
 * <p>Per decode call, confined to the calling thread.
 */
final class UndeclaredKeys {

    private final List<Set<String>> sets = new ArrayList<>();
    /** Per depth: the object that depth's set belongs to, and the object open at that depth now. */
    private long[] setOwner = new long[8];
    private long[] openObject = new long[8];
    private int depth = -1;
    private long objects;

    /** An object opens (one level deeper). */
    void enter() {
        depth++;
        if (depth == openObject.length) {
            openObject = java.util.Arrays.copyOf(openObject, depth * 2);
            setOwner = java.util.Arrays.copyOf(setOwner, depth * 2);
        }
        openObject[depth] = ++objects;
    }

    /** The innermost open object closes. */
    void leave() {
        depth--;
    }

    /** Records undeclared key {@code name} of the innermost open object; false when it had it already. */
    boolean add(String name) {
        while (sets.size() <= depth) {
            sets.add(new HashSet<>());
        }
        Set<String> set = sets.get(depth);
        if (setOwner[depth] != openObject[depth]) {
            set.clear();
            setOwner[depth] = openObject[depth];
        }
        return set.add(name);
    }
}
