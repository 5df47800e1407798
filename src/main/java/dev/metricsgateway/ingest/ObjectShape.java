package dev.metricsgateway.ingest;

import dev.metricsgateway.catalog.FieldSpec;
import dev.metricsgateway.catalog.FieldType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The union of the field names that objects at one position may carry, over every event type:
 * all top-level fields (plus {@code type} and {@code time}), or all item fields of the array
 * fields of one name. An object's values are read into scratch slots of this shape before its
 * {@code type} is known ({@code type} may come last), and checked against the type's schema once
 * the object closes. Immutable.
 */
final class ObjectShape {

    private final List<String> names;
    private final NameIndex index;
    private final ObjectShape[] children;

    private ObjectShape(List<String> names, ObjectShape[] children) {
        this.names = List.copyOf(names);
        this.index = new NameIndex(this.names);
        this.children = children;
    }

    /**
     * The shape of objects holding {@code reserved} names first, then every field of
     * {@code fieldLists}; a name that is an array in any list gets the union of those lists' items
     * as its child shape.
     */
    static ObjectShape union(List<String> reserved, Collection<List<FieldSpec>> fieldLists) {
        Map<String, List<List<FieldSpec>>> itemListsByName = new LinkedHashMap<>();
        reserved.forEach(name -> itemListsByName.put(name, new ArrayList<>()));
        for (List<FieldSpec> fields : fieldLists) {
            for (FieldSpec field : fields) {
                List<List<FieldSpec>> itemLists = itemListsByName.computeIfAbsent(field.name(), name -> new ArrayList<>());
                if (field.type() == FieldType.ARRAY) {
                    itemLists.add(field.items());
                }
            }
        }
        List<String> names = new ArrayList<>(itemListsByName.keySet());
        ObjectShape[] children = new ObjectShape[names.size()];
        for (int id = 0; id < children.length; id++) {
            List<List<FieldSpec>> itemLists = itemListsByName.get(names.get(id));
            children[id] = itemLists.isEmpty() ? null : union(List.of(), itemLists);
        }
        return new ObjectShape(names, children);
    }

    /** Number of scratch slots an object of this shape needs. */
    int width() {
        return names.size();
    }

    /** The slot of {@code name}, or -1 for a name no event type declares here (the value is skipped). */
    int fieldId(String name) {
        return index.get(name);
    }

    /** The shape of the items of array field {@code fieldId}, or null when no type declares it an array. */
    ObjectShape child(int fieldId) {
        return children[fieldId];
    }
}
