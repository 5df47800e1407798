package dev.metricsgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.core.Event;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared fixture: a decoder for the default catalog, a fixed arrival time, and result accessors. */
final class Decoding {

    /** Arrival time of every test batch: 2023-11-14T22:13:20Z. */
    static final long NOW = 1_700_000_000_000L;
    static final long SKEW_MILLIS = 60_000;
    static final Map<String, EventSchema> SCHEMAS = schemas();
    static final EventDecoder DECODER = new EventDecoder(SCHEMAS, SKEW_MILLIS, 100);

    private Decoding() {
    }

    static DecodeResult ndjson(String body) {
        return DECODER.decode(body.getBytes(StandardCharsets.UTF_8), BodyFormat.NDJSON, NOW);
    }

    static DecodeResult jsonArray(String body) {
        return DECODER.decode(body.getBytes(StandardCharsets.UTF_8), BodyFormat.JSON_ARRAY, NOW);
    }

    static List<Event> accepted(DecodeResult result) {
        assertThat(result).isInstanceOf(DecodeResult.Accepted.class);
        return ((DecodeResult.Accepted) result).events();
    }

    static DecodeResult.Rejected rejected(DecodeResult result) {
        assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
        return (DecodeResult.Rejected) result;
    }

    /** The single event of an accepted one-event batch. */
    static Event single(DecodeResult result) {
        List<Event> events = accepted(result);
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    /** The single violation of a rejected batch. */
    static Violation violation(DecodeResult result) {
        List<Violation> violations = rejected(result).violations();
        assertThat(violations).hasSize(1);
        return violations.get(0);
    }

    static String label(Event event, String field) {
        return event.label(event.schema().slot(field));
    }

    static double number(Event event, String field) {
        return event.number(event.schema().slot(field));
    }

    static Event[] items(Event event, String field) {
        return event.items(event.schema().slot(field));
    }

    /**
     * A valid feature_request object with some fields replaced: {@code "status=700;aws_region=<absent>"}
     * sets {@code status} to the JSON text {@code 700} and drops {@code aws_region}.
     */
    static String featureRequest(String replacements) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("type", "\"feature_request\"");
        fields.put("aws_region", "\"us-west-2\"");
        fields.put("feature_service_id", "\"fs-1\"");
        fields.put("feature_service_name", "\"fraud_detection\"");
        fields.put("latency_seconds", "0.25");
        fields.put("status", "200");
        if (!replacements.isEmpty()) {
            for (String pair : replacements.split(";")) {
                int colon = pair.indexOf('=');
                String key = pair.substring(0, colon);
                String value = pair.substring(colon + 1);
                if (value.equals("<absent>")) {
                    fields.remove(key);
                } else {
                    fields.put(key, value);
                }
            }
        }
        StringBuilder json = new StringBuilder("{");
        fields.forEach((key, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(key).append("\":").append(value));
        return json.append('}').toString();
    }

    private static Map<String, EventSchema> schemas() {
        Map<String, EventSchema> schemas = new LinkedHashMap<>();
        CatalogLoader.loadDefault().eventTypes().forEach((name, spec) -> schemas.put(name, EventSchema.compile(spec)));
        return schemas;
    }
}
