package dev.metricsgateway.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.ApplyResult;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.ingest.BodyFormat;
import dev.metricsgateway.ingest.DecodeResult;
import dev.metricsgateway.ingest.EventDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/** The in-process pieces the micro-benchmarks drive: catalog, engine, decoder, through their public APIs. */
final class Engines {

    private Engines() {
    }

    /** The default catalog with every event type but only {@code metrics} (all of them when empty). */
    static Catalog catalogWith(Set<String> metrics) {
        CatalogSource source = CatalogLoader.defaultSource();
        if (metrics.isEmpty()) {
            return CatalogLoader.load(List.of(source));
        }
        try {
            YAMLMapper yaml = new YAMLMapper();
            ObjectNode root = (ObjectNode) yaml.readTree(source.yaml());
            ObjectNode all = (ObjectNode) root.get("metrics");
            all.retain(metrics);
            if (all.size() != metrics.size()) {
                throw new IllegalArgumentException(metrics + ": not all of these are in the default catalog");
            }
            return CatalogLoader.load(List.of(new CatalogSource("bench:" + metrics, yaml.writeValueAsString(root))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AggregationEngine engine(Catalog catalog) {
        return new AggregationEngine(catalog, WindowSettings.defaults());
    }

    static EventDecoder decoder(AggregationEngine engine) {
        return new EventDecoder(engine.schemas(), EventDecoder.DEFAULT_MAX_FUTURE_SKEW_MILLIS, EventDecoder.DEFAULT_MAX_VIOLATIONS_REPORTED);
    }

    /** The events of a batch that must be valid. */
    static List<Event> decode(EventDecoder decoder, byte[] ndjson, long nowMillis) {
        DecodeResult result = decoder.decode(ndjson, BodyFormat.NDJSON, nowMillis);
        if (!(result instanceof DecodeResult.Accepted accepted)) {
            throw new IllegalStateException("a benchmark batch was not accepted: " + result);
        }
        return accepted.events();
    }

    /** Applies events that must all be applied in time. */
    static void apply(AggregationEngine engine, List<Event> events, long nowMillis) {
        ApplyResult result = engine.apply(events, nowMillis);
        if (!result.isApplied() || result.late() > 0) {
            throw new IllegalStateException("a benchmark batch was not applied whole: " + result);
        }
    }

    /** Live series of every metric. */
    static long series(AggregationEngine engine) {
        return engine.seriesCountByMetric().values().stream().mapToLong(Integer::longValue).sum();
    }

    /** Creates exactly {@code series} gauge series in {@code engine} (one stream_batch per feature view) at {@code nowMillis}. */
    static void createViewSeries(AggregationEngine engine, EventDecoder decoder, int views, long nowMillis) {
        for (int first = 0; first < views; first += FleetEvents.BATCH_EVENTS) {
            apply(engine, decode(decoder, FleetEvents.viewBatch(first, Math.min(FleetEvents.BATCH_EVENTS, views - first)), nowMillis), nowMillis);
        }
    }
}
