package dev.metricsgateway.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects the violations of one decode call: keeps the first {@code limit}, counts the rest and the
 * invalid events, and knows the event index and the path into array items ({@code writes[2]}) that
 * a field's violation is reported under. Paths are only turned into strings when a violation is
 * recorded, so valid events cost nothing here.
 *
 * <p>Per decode call, confined to the calling thread.
 */
final class ViolationLog {

    private final int limit;
    private final List<Violation> reported = new ArrayList<>();
    private int unreported;
    private int invalidEvents;
    private String bodyProblem;
    private int index;
    private String[] pathFields = new String[4];
    private int[] pathItems = new int[4];
    private int depth;

    ViolationLog(int limit) {
        this.limit = limit;
    }

    /** Subsequent violations belong to the event at {@code index}. */
    void startEvent(int index) {
        this.index = index;
        this.depth = 0;
    }

    /** Subsequent violations are about item {@code item} of array field {@code arrayField}. */
    void enterItem(String arrayField, int item) {
        if (depth == pathFields.length) {
            pathFields = Arrays.copyOf(pathFields, depth * 2);
            pathItems = Arrays.copyOf(pathItems, depth * 2);
        }
        pathFields[depth] = arrayField;
        pathItems[depth] = item;
        depth++;
    }

    void leaveItem() {
        depth--;
    }

    /** Field {@code field} of the current object broke a rule. */
    void field(String field, String message) {
        if (reported.size() < limit) {
            reported.add(new Violation(index, path(field), message));
        } else {
            unreported++;
        }
    }

    /** The current event or item as a whole is at fault (e.g. not a JSON object). */
    void element(String message) {
        field(null, message);
    }

    /** The event currently read is counted as invalid (once per event). */
    void eventInvalid() {
        invalidEvents++;
    }

    /** A problem of the body as a whole, not of one event. */
    void body(String message) {
        bodyProblem = message;
        Violation violation = new Violation(Violation.WHOLE_BODY, null, message);
        if (reported.size() < limit) {
            reported.add(violation);
        } else {
            reported.set(limit - 1, violation); // a body-level problem explains the rest: keep it visible
            unreported++;
        }
    }

    /** Whether the batch is rejected already. */
    boolean batchInvalid() {
        return invalidEvents > 0 || bodyProblem != null;
    }

    List<Violation> reported() {
        return reported;
    }

    /** The one-line {@code error} of a rejected batch. */
    String summary() {
        StringBuilder summary = new StringBuilder("batch rejected: ");
        if (invalidEvents > 0) {
            summary.append(invalidEvents).append(invalidEvents == 1 ? " invalid event" : " invalid events");
            if (bodyProblem != null) {
                summary.append("; ");
            }
        }
        if (bodyProblem != null) {
            summary.append(bodyProblem);
        }
        if (unreported > 0) {
            summary.append(" (first ").append(reported.size()).append(" of ")
                    .append(reported.size() + unreported).append(" problems reported)");
        }
        return summary.toString();
    }

    private String path(String field) {
        if (depth == 0) {
            return field;
        }
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (i > 0) {
                path.append('.');
            }
            path.append(pathFields[i]).append('[').append(pathItems[i]).append(']');
        }
        return field == null ? path.toString() : path.append('.').append(field).toString();
    }
}
