package dev.metricsgateway.catalog;

import java.util.List;

/**
 * One metric of the catalog: what it is called, how it is described, and how it is derived.
 *
 * @param name        metric family name
 * @param help        HELP text without the release stage
 * @param stage       release stage, appended to HELP on the wire
 * @param type        gauge or summary
 * @param eventType   the event type it is derived from
 * @param forEach     an array field of the event type whose elements are the metric's inputs, or {@code null}
 * @param labels      the metric's labels in catalog order (the writers sort them by name on the wire)
 * @param where       a filter on a numeric field, or {@code null}
 * @param aggregation how events become the value
 * @param valueField  the numeric field the value comes from, or {@code null}
 * @param ageOfField  an epoch-millis field: the value is (event time − field) in seconds; or {@code null}
 * @param weightField the numeric field weighting a mean, or {@code null} (weight 1)
 * @param perField    the label field naming an instance for {@link Aggregation#MAX_OF_LATEST}, or {@code null}
 */
public record MetricSpec(
        String name,
        String help,
        ReleaseStage stage,
        MetricType type,
        String eventType,
        String forEach,
        List<LabelSpec> labels,
        RangeFilter where,
        Aggregation aggregation,
        String valueField,
        String ageOfField,
        String weightField,
        String perField) {

    public MetricSpec {
        labels = List.copyOf(labels);
    }

    /** HELP as served: the catalog's text followed by the release stage. */
    public String helpWithStage() {
        String text = help.strip();
        String separator = text.endsWith(".") ? " " : ". ";
        return text + separator + stage.helpSuffix();
    }
}
