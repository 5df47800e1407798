package dev.metricsgateway.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads catalog YAML into a validated {@link Catalog}. Later sources add entries or replace
 * same-named ones of earlier sources; the merged result is validated as a whole, and every problem
 * is reported as a {@link CatalogException} naming the file and the entry.
 */
public final class CatalogLoader {

    /** Class-path resource of the default (Tecton) catalog. */
    public static final String DEFAULT_RESOURCE = "catalog/tecton.yaml";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Set<String> EVENT_TYPE_KEYS = Set.of("fields");
    private static final Set<String> FIELD_KEYS = Set.of("type", "optional", "min", "max", "items");
    private static final Set<String> METRIC_KEYS = Set.of("type", "stage", "end_of_support", "help", "event_type",
            "for_each", "labels", "where", "aggregation", "field", "age_of", "weight", "per");

    private static final Set<String> LABEL_KEYS = Set.of("name", "from", "format");
    private static final Set<String> WHERE_KEYS = Set.of("field", "min", "max");

    private CatalogLoader() {
    }

    /** The default catalog alone. */
    public static Catalog loadDefault() {
        return load(List.of(defaultSource()));
    }

    /** The default catalog's source text, read from the class path. */
    public static CatalogSource defaultSource() {
        try (InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + ": missing from the class path");
            }
            return new CatalogSource(DEFAULT_RESOURCE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(DEFAULT_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Merges {@code sources} in order (later entries replace earlier ones) and validates the result. */
    public static Catalog load(List<CatalogSource> sources) {
        Map<String, EventTypeSpec> eventTypes = new LinkedHashMap<>();
        Map<String, MetricSpec> metrics = new LinkedHashMap<>();
        Map<String, String> sourceOfEntry = new HashMap<>();
        for (CatalogSource source : sources) {
            JsonNode root = parse(source);
            requireKeys(source.name(), "catalog", root, Set.of("event_types", "metrics"));
            forEachEntry(source.name(), "event_types", root.path("event_types"), (entry, node) -> {
                eventTypes.put(entry, eventType(source.name(), entry, node));
                sourceOfEntry.put("event_types." + entry, source.name());
            });
            forEachEntry(source.name(), "metrics", root.path("metrics"), (entry, node) -> {
                metrics.put(entry, metric(source.name(), entry, node));
                sourceOfEntry.put("metrics." + entry, source.name());
            });
        }
        CatalogValidator.validate(eventTypes, metrics, sourceOfEntry);
        return new Catalog(eventTypes, metrics);
    }

    private static JsonNode parse(CatalogSource source) {
        try {
            JsonNode root = YAML.readTree(source.yaml());
            if (root == null || !root.isObject()) {
                throw new CatalogException(source.name(), "catalog", "expected a mapping with event_types and metrics");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new CatalogException(source.name(), "catalog", "not valid YAML (line " + e.getLocation().getLineNr() + "): " + e.getOriginalMessage());
        }
    }

    private interface EntryConsumer {
        void accept(String entry, JsonNode node);
    }

    private static void forEachEntry(String source, String section, JsonNode node, EntryConsumer consumer) {
        if (node.isMissingNode() || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            throw new CatalogException(source, section, "expected a mapping of names to entries");
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String path = section + "." + entry.getKey();
            try {
                consumer.accept(entry.getKey(), entry.getValue());
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                throw new CatalogException(source, path, e.getMessage());
            }
        }
    }

    private static EventTypeSpec eventType(String source, String name, JsonNode node) {
        requireKeys(source, "event_types." + name, node, EVENT_TYPE_KEYS);
        return new EventTypeSpec(name, fields(source, "event_types." + name, node.path("fields")));
    }

    private static List<FieldSpec> fields(String source, String path, JsonNode node) {
        if (!node.isObject() || node.isEmpty()) {
            throw new IllegalArgumentException("fields: expected a non-empty mapping of field names to {type: ...}");
        }
        List<FieldSpec> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String fieldPath = path + ".fields." + entry.getKey();
            JsonNode spec = entry.getValue();
            requireKeys(source, fieldPath, spec, FIELD_KEYS);
            FieldType type = FieldType.parse(text(spec, "type", true));
            List<FieldSpec> items = type == FieldType.ARRAY ? fields(source, fieldPath, spec.path("items")) : List.of();
            fields.add(new FieldSpec(entry.getKey(), type, bool(spec, "optional"),
                    number(spec, "min", Double.NEGATIVE_INFINITY), number(spec, "max", Double.POSITIVE_INFINITY), items));
        }
        return fields;
    }

    private static MetricSpec metric(String source, String name, JsonNode node) {
        requireKeys(source, "metrics." + name, node, METRIC_KEYS);
        return new MetricSpec(
                name,
                text(node, "help", true),
                ReleaseStage.parse(text(node, "stage", true), text(node, "end_of_support", false)),
                metricType(text(node, "type", true)),
                text(node, "event_type", true),
                text(node, "for_each", false),
                labels(node.path("labels")),
                where(node.path("where")),
                Aggregation.parse(text(node, "aggregation", true)),
                text(node, "field", false),
                text(node, "age_of", false),
                text(node, "weight", false),
                text(node, "per", false));
    }

    private static MetricType metricType(String text) {
        return switch (text) {
            case "gauge" -> MetricType.GAUGE;
            case "summary" -> MetricType.SUMMARY;
            default -> throw new IllegalArgumentException(text + ": unknown metric type (expected gauge or summary)");
        };
    }

    private static List<LabelSpec> labels(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("labels: expected a list");
        }
        List<LabelSpec> labels = new ArrayList<>();
        for (JsonNode label : node) {
            if (label.isTextual()) {
                labels.add(new LabelSpec(label.asText(), label.asText(), LabelSpec.Format.VALUE));
            } else if (label.isObject()) {
                checkKeys("labels", label, LABEL_KEYS);
                String labelName = text(label, "name", true);
                String format = label.path("format").asText("value");
                labels.add(new LabelSpec(labelName, label.path("from").asText(labelName), switch (format) {
                    case "value" -> LabelSpec.Format.VALUE;
                    case "status_class" -> LabelSpec.Format.STATUS_CLASS;
                    default -> throw new IllegalArgumentException(format + ": unknown label format (expected value or status_class)");
                }));
            } else {
                throw new IllegalArgumentException("labels: each label is a field name or {name, from, format}");
            }
        }
        return labels;
    }

    private static RangeFilter where(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        checkKeys("where", node, WHERE_KEYS);
        return new RangeFilter(text(node, "field", true),
                number(node, "min", Double.NEGATIVE_INFINITY), number(node, "max", Double.POSITIVE_INFINITY));
    }

    private static String text(JsonNode node, String key, boolean required) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(key + ": required");
            }
            return null;
        }
        if (!value.isValueNode() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(key + ": expected a non-empty text value");
        }
        return value.asText();
    }

    private static double number(JsonNode node, String key, double fallback) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException(key + ": expected a number, got " + value);
        }
        return value.asDouble();
    }

    private static boolean bool(JsonNode node, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(key + ": expected true or false, got " + value);
        }
        return value.booleanValue();
    }

    /** Like requireKeys, for sub-mappings of an entry: the caller's entry path is added by forEachEntry. */
    private static void checkKeys(String what, JsonNode node, Set<String> allowed) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(what + ": expected a mapping");
        }
        for (String key : (Iterable<String>) node::fieldNames) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(what + ": unknown key \"" + key + "\" (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static void requireKeys(String source, String path, JsonNode node, Set<String> allowed) {
        if (!node.isObject()) {
            throw new CatalogException(source, path, "expected a mapping");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!allowed.contains(key)) {
                throw new CatalogException(source, path, "unknown key \"" + key + "\" (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }
}
