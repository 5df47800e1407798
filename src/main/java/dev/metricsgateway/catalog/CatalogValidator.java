package dev.metricsgateway.catalog;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a merged catalog as a whole: names against the OpenMetrics grammar, references between
 * metrics and event types, and that each aggregation has exactly the inputs it needs.
 */
final class CatalogValidator {

    private static final Set<String> RESERVED_FIELDS = Set.of("type", "time", "batch_id");

    private CatalogValidator() {
    }

    static void validate(Map<String, EventTypeSpec> eventTypes, Map<String, MetricSpec> metrics, Map<String, String> sourceOf) {
        eventTypes.values().forEach(eventType -> {
            String entry = "event_types." + eventType.name();
            check(sourceOf.get(entry), entry, eventTypeProblem(eventType));
        });
        Set<String> familyNames = new HashSet<>();
        metrics.values().forEach(metric -> {
            String entry = "metrics." + metric.name();
            String source = sourceOf.get(entry);
            check(source, entry, OpenMetricsNames.metricNameProblem(metric.name()));
            check(source, entry, metricProblem(metric, eventTypes.get(metric.eventType())));
            for (String sampleName : sampleNames(metric)) {
                if (!familyNames.add(sampleName)) {
                    throw new CatalogException(source, entry, "sample name " + sampleName + " clashes with another metric");
                }
            }
        });
    }

    private static void check(String source, String entry, String problem) {
        if (problem != null) {
            throw new CatalogException(source, entry, problem);
        }
    }

    private static List<String> sampleNames(MetricSpec metric) {
        return metric.type() == MetricType.SUMMARY
                ? List.of(metric.name(), metric.name() + "_count", metric.name() + "_sum")
                : List.of(metric.name());
    }

    private static String eventTypeProblem(EventTypeSpec eventType) {
        return fieldsProblem(eventType.fields());
    }

    private static String fieldsProblem(List<FieldSpec> fields) {
        for (FieldSpec field : fields) {
            if (RESERVED_FIELDS.contains(field.name())) {
                return "field \"" + field.name() + "\" is reserved (every event has type and time, and may carry batch_id)";
            }
            if (field.type() == FieldType.LABEL && (field.min() != Double.NEGATIVE_INFINITY || field.max() != Double.POSITIVE_INFINITY)) {
                return "field \"" + field.name() + "\": a label has no min or max";
            }
            String itemsProblem = fieldsProblem(field.items());
            if (itemsProblem != null) {
                return itemsProblem;
            }
        }
        return null;
    }

    private static String metricProblem(MetricSpec metric, EventTypeSpec eventType) {
        if (eventType == null) {
            return "event_type \"" + metric.eventType() + "\" is not declared";
        }
        if (metric.help().isBlank()) {
            return "help must not be blank";
        }
        if ((metric.type() == MetricType.SUMMARY) != (metric.aggregation() == Aggregation.SUMMARY)) {
            return "type " + metric.type().name().toLowerCase() + " does not fit aggregation " + metric.aggregation().wireName()
                    + " (a summary metric has aggregation summary, and only it)";
        }
        List<FieldSpec> scope = eventType.fields();
        if (metric.forEach() != null) {
            FieldSpec array = find(scope, metric.forEach());
            if (array == null || array.type() != FieldType.ARRAY) {
                return "for_each \"" + metric.forEach() + "\" is not an array field of " + eventType.name();
            }
            scope = array.items();
        }
        String problem = labelsProblem(metric, scope);
        if (problem == null) {
            problem = inputsProblem(metric, eventType, scope);
        }
        return problem;
    }

    private static String labelsProblem(MetricSpec metric, List<FieldSpec> scope) {
        Set<String> seen = new HashSet<>();
        for (LabelSpec label : metric.labels()) {
            String problem = OpenMetricsNames.labelNameProblem(label.name());
            if (problem != null) {
                return problem;
            }
            if (!seen.add(label.name())) {
                return "label \"" + label.name() + "\" appears twice";
            }
            FieldSpec source = find(scope, label.fromField());
            if (source == null) {
                return "label \"" + label.name() + "\": field \"" + label.fromField() + "\" is not declared";
            }
            boolean fromLabel = source.type() == FieldType.LABEL && label.format() == LabelSpec.Format.VALUE;
            boolean fromInteger = source.type() == FieldType.INTEGER;
            if (!fromLabel && !fromInteger) {
                return "label \"" + label.name() + "\": field \"" + label.fromField()
                        + "\" must be a label field, or an integer field (formats value and status_class)";
            }
        }
        return null;
    }

    private static String inputsProblem(MetricSpec metric, EventTypeSpec eventType, List<FieldSpec> scope) {
        String where = metric.where() == null ? null : numericProblem(scope, "where.field", metric.where().field());
        if (where != null) {
            return where;
        }
        if (metric.where() != null && metric.where().min() > metric.where().max()) {
            return "where: min " + metric.where().min() + " is above max " + metric.where().max() + ", so no event can match";
        }
        boolean hasField = metric.valueField() != null;
        boolean hasAge = metric.ageOfField() != null;
        if (hasField && hasAge) {
            return "give field or age_of, not both";
        }
        if (hasField && numericProblem(scope, "field", metric.valueField()) != null) {
            return numericProblem(scope, "field", metric.valueField());
        }
        if (hasAge) {
            FieldSpec age = find(scope, metric.ageOfField());
            if (age == null || age.type() != FieldType.EPOCH_MILLIS) {
                return "age_of \"" + metric.ageOfField() + "\" is not an epoch_millis field of " + eventType.name();
            }
        }
        if (metric.weightField() != null && metric.aggregation() != Aggregation.MEAN) {
            return "weight applies only to aggregation mean";
        }
        if (metric.perField() != null && metric.aggregation() != Aggregation.MAX_OF_LATEST) {
            return "per applies only to aggregation max_of_latest";
        }
        return switch (metric.aggregation()) {
            case RATE -> hasAge ? "aggregation rate takes field (or nothing, to count events), not age_of" : null;
            case PERCENT_OF_EVENTS -> metric.where() == null ? "aggregation percent_of_events needs where"
                    : hasField || hasAge ? "aggregation percent_of_events counts events: no field or age_of" : null;
            case MAX -> hasField || hasAge ? null : "aggregation max needs field or age_of";
            case MEAN -> !(hasField || hasAge) ? "aggregation mean needs field or age_of"
                    : metric.weightField() == null ? null : numericProblem(scope, "weight", metric.weightField());
            case MAX_OF_LATEST -> maxOfLatestProblem(metric, scope);
            case SUMMARY -> summaryProblem(metric, scope);
        };
    }

    private static String maxOfLatestProblem(MetricSpec metric, List<FieldSpec> scope) {
        if (metric.valueField() == null || metric.perField() == null) {
            return "aggregation max_of_latest needs field and per";
        }
        FieldSpec per = find(scope, metric.perField());
        return per == null || per.type() != FieldType.LABEL ? "per \"" + metric.perField() + "\" is not a label field" : null;
    }

    private static String summaryProblem(MetricSpec metric, List<FieldSpec> scope) {
        if (metric.valueField() == null) {
            return "aggregation summary needs field";
        }
        FieldSpec field = find(scope, metric.valueField());
        return field.min() < 0 ? "summary field \"" + field.name() + "\" needs min >= 0 (quantiles are kept for non-negative values)" : null;
    }

    private static String numericProblem(List<FieldSpec> scope, String key, String fieldName) {
        FieldSpec field = find(scope, fieldName);
        return field == null || !field.type().isNumeric() ? key + " \"" + fieldName + "\" is not a numeric field" : null;
    }

    private static FieldSpec find(List<FieldSpec> fields, String name) {
        for (FieldSpec field : fields) {
            if (field.name().equals(name)) {
                return field;
            }
        }
        return null;
    }
}
