package dev.metricsgateway.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A validated catalog: every metric refers to an existing event type and fields of the right
 * types, and every name passes the OpenMetrics grammar. Built only by {@link CatalogLoader}.
 * Immutable.
 */
public final class Catalog {

    private final Map<String, EventTypeSpec> eventTypes;
    private final Map<String, MetricSpec> metrics;

    Catalog(Map<String, EventTypeSpec> eventTypes, Map<String, MetricSpec> metrics) {
        this.eventTypes = Collections.unmodifiableMap(new LinkedHashMap<>(eventTypes));
        this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** Event types by name, in declaration order. */
    public Map<String, EventTypeSpec> eventTypes() {
        return eventTypes;
    }

    /** Metrics by name, in declaration order. */
    public Map<String, MetricSpec> metrics() {
        return metrics;
    }

    public Optional<EventTypeSpec> eventType(String name) {
        return Optional.ofNullable(eventTypes.get(name));
    }
}
