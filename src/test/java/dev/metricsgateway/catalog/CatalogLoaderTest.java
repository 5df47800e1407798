package dev.metricsgateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default catalog as the contract's table describes it, user catalogs that add and replace
 * entries, and the refusals of invalid catalogs with messages of the form
 * {@code <file>: <entry>: <problem>}.
 */
class CatalogLoaderTest {

    private static final String USER_FILE = "user.yaml";

    /** A valid user metric; tests replace one line of it to break it. */
    private static final String MY_METRIC = """
            metrics:
              my_metric:
                type: gauge
                stage: Preview
                help: Requests per second per region.
                event_type: feature_request
                labels: [aws_region]
                aggregation: rate
            """;

    private static Catalog loadWithUser(String yaml) {
        return CatalogLoader.load(List.of(CatalogLoader.defaultSource(), new CatalogSource(USER_FILE, yaml)));
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String yaml) {
        return assertThatThrownBy(() -> loadWithUser(yaml)).isInstanceOf(CatalogException.class);
    }

    private static String metric(String name, String... lines) {
        return "metrics:\n  " + name + ":\n" + String.join("\n", List.of(lines).stream().map(line -> "    " + line).toList()) + "\n";
    }

    // The default catalog

    @Test
    void theDefaultCatalogHasTheSeventeenMetricsOfTheContract() {
        Catalog catalog = CatalogLoader.loadDefault();

        assertThat(catalog.metrics().keySet()).containsExactly(
                "feature_service_requests_total_rate",
                "feature_service_requests_rate",
                "feature_service_total_latency",
                "feature_service_latency",
                "feature_server_errors_rate",
                "feature_server_utilization",
                "spark_stream_max_processed_event_age",
                "spark_stream_average_processed_event_age",
                "spark_stream_input_rate",
                "spark_stream_processing_rate",
                "spark_stream_served_feature_age",
                "spark_stream_online_store_write_rate",
                "stream_ingestapi_request_rate",
                "stream_ingestapi_request_processing_latency",
                "stream_ingestapi_request_processing_error_rate",
                "stream_ingestapi_online_store_write_rate",
                "stream_ingestapi_offline_store_write_rate");
    }

    @Test
    void theDefaultCatalogHasTheFiveEventTypesOfTheContract() {
        Catalog catalog = CatalogLoader.loadDefault();

        assertThat(catalog.eventTypes().keySet())
                .containsExactly("feature_request", "server_utilization", "stream_batch", "served_feature", "ingest_request");
        assertThat(fieldNames(catalog, "feature_request"))
                .containsExactly("aws_region", "feature_service_id", "feature_service_name", "latency_seconds", "status");
        assertThat(fieldNames(catalog, "server_utilization")).containsExactly("aws_region", "instance", "utilization_percent");
        assertThat(fieldNames(catalog, "stream_batch")).containsExactly("workspace", "feature_view_name", "feature_view_id",
                "input_rows", "processed_rows", "online_store_rows", "min_event_time", "avg_event_time", "max_event_time");
        assertThat(fieldNames(catalog, "served_feature")).containsExactly("workspace", "feature_view_name", "feature_view_id", "feature_time");
        assertThat(fieldNames(catalog, "ingest_request")).containsExactly("aws_region", "latency_seconds", "status", "writes");
    }

    @Test
    void theDefaultEventTypesHaveTheContractsTypesRangesAndOptionality() {
        Catalog catalog = CatalogLoader.loadDefault();

        assertField(catalog, "feature_request", "latency_seconds", FieldType.NUMBER, false, 0, Double.POSITIVE_INFINITY);
        assertField(catalog, "feature_request", "status", FieldType.INTEGER, false, 100, 599);
        assertField(catalog, "server_utilization", "utilization_percent", FieldType.NUMBER, false, 0, 100);
        assertField(catalog, "stream_batch", "processed_rows", FieldType.INTEGER, false, 0, Double.POSITIVE_INFINITY);
        assertField(catalog, "stream_batch", "min_event_time", FieldType.EPOCH_MILLIS, false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        assertField(catalog, "stream_batch", "max_event_time", FieldType.EPOCH_MILLIS, true, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        assertField(catalog, "ingest_request", "status", FieldType.INTEGER, false, 100, 599);
        FieldSpec writes = catalog.eventType("ingest_request").orElseThrow().field("writes").orElseThrow();
        assertThat(writes.type()).isEqualTo(FieldType.ARRAY);
        assertThat(writes.optional()).isTrue();
        assertThat(writes.items()).extracting(FieldSpec::name)
                .containsExactly("workspace", "feature_view_name", "feature_view_id", "online_rows", "offline_rows");
        assertThat(writes.items()).filteredOn(item -> item.name().endsWith("_rows"))
                .allSatisfy(item -> assertThat(item.min()).isZero());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "feature_service_requests_total_rate            | GAUGE   | aws_region",
            "feature_service_requests_rate                  | GAUGE   | aws_region feature_service_id feature_service_name",
            "feature_service_total_latency                  | SUMMARY | ''",
            "feature_service_latency                        | SUMMARY | feature_service_id feature_service_name",
            "feature_server_errors_rate                     | GAUGE   | status",
            "feature_server_utilization                     | GAUGE   | aws_region",
            "spark_stream_max_processed_event_age           | GAUGE   | workspace feature_view_name feature_view_id",
            "spark_stream_average_processed_event_age       | GAUGE   | workspace feature_view_name feature_view_id",
            "spark_stream_input_rate                        | GAUGE   | workspace feature_view_name feature_view_id",
            "spark_stream_processing_rate                   | GAUGE   | workspace feature_view_name feature_view_id",
            "spark_stream_served_feature_age                | GAUGE   | workspace feature_view_name feature_view_id",
            "spark_stream_online_store_write_rate           | GAUGE   | workspace feature_view_name feature_view_id",
            "stream_ingestapi_request_rate                  | GAUGE   | aws_region",
            "stream_ingestapi_request_processing_latency    | SUMMARY | aws_region",
            "stream_ingestapi_request_processing_error_rate | GAUGE   | aws_region error_code",
            "stream_ingestapi_online_store_write_rate       | GAUGE   | workspace feature_view_name feature_view_id",
            "stream_ingestapi_offline_store_write_rate      | GAUGE   | workspace feature_view_name feature_view_id"})
    void eachDefaultMetricHasTheContractsTypeAndLabels(String name, MetricType type, String labels) {
        MetricSpec metric = CatalogLoader.loadDefault().metrics().get(name);

        assertThat(metric.type()).isEqualTo(type);
        assertThat(metric.labels()).extracting(LabelSpec::name)
                .containsExactlyElementsOf(labels.isBlank() ? List.of() : List.of(labels.split(" ")));
    }

    @Test
    void theSixFeatureServiceAndFeatureServerMetricsAreGaAndTheRestPreview() {
        Map<String, MetricSpec> metrics = CatalogLoader.loadDefault().metrics();

        assertThat(metrics.values()).filteredOn(metric -> metric.stage().kind() == ReleaseStage.Kind.GA)
                .extracting(MetricSpec::name)
                .hasSize(6)
                .allMatch(name -> name.startsWith("feature_service") || name.startsWith("feature_server"));
        assertThat(metrics.values()).filteredOn(metric -> metric.stage().kind() != ReleaseStage.Kind.GA)
                .hasSize(11)
                .allMatch(metric -> metric.stage().kind() == ReleaseStage.Kind.PREVIEW)
                .noneMatch(metric -> metric.name().startsWith("feature_service") || metric.name().startsWith("feature_server"));
    }

    @Test
    void everyDefaultHelpEndsWithItsReleaseStage() {
        for (MetricSpec metric : CatalogLoader.loadDefault().metrics().values()) {
            String expected = metric.stage().kind() == ReleaseStage.Kind.GA ? "Release stage: GA." : "Release stage: Preview.";
            assertThat(metric.helpWithStage()).as(metric.name()).endsWith(" " + expected);
            assertThat(metric.helpWithStage()).as(metric.name()).containsOnlyOnce("Release stage:");
        }
    }

    @Test
    void aHelpWithoutAFinalPeriodGetsOneBeforeTheStage() {
        Catalog catalog = loadWithUser(MY_METRIC.replace("help: Requests per second per region.", "help: Requests per second"));

        assertThat(catalog.metrics().get("my_metric").helpWithStage()).isEqualTo("Requests per second. Release stage: Preview.");
    }

    @Test
    void theDefaultSourceIsNamedAfterItsResource() {
        assertThat(CatalogLoader.defaultSource().name()).isEqualTo("catalog/tecton.yaml");
    }

    // User catalogs

    @Test
    void aUserCatalogAddsAMetric() {
        Catalog catalog = loadWithUser(MY_METRIC);

        assertThat(catalog.metrics()).hasSize(18).containsKey("feature_service_requests_total_rate");
        MetricSpec added = catalog.metrics().get("my_metric");
        assertThat(added.aggregation()).isEqualTo(Aggregation.RATE);
        assertThat(added.helpWithStage()).isEqualTo("Requests per second per region. Release stage: Preview.");
    }

    @Test
    void aUserCatalogReplacesADefaultMetric() {
        Catalog catalog = loadWithUser(metric("feature_service_requests_total_rate",
                "type: gauge",
                "stage: GA",
                "help: All requests per second, whatever the region.",
                "event_type: feature_request",
                "labels: []",
                "aggregation: rate"));

        assertThat(catalog.metrics()).hasSize(17);
        MetricSpec replaced = catalog.metrics().get("feature_service_requests_total_rate");
        assertThat(replaced.help()).isEqualTo("All requests per second, whatever the region.");
        assertThat(replaced.labels()).isEmpty();
    }

    @Test
    void aUserCatalogAddsAnEventTypeAndAMetricOnIt() {
        Catalog catalog = loadWithUser("""
                event_types:
                  cache_lookup:
                    fields:
                      cache: {type: label}
                      hit: {type: integer, min: 0, max: 1}
                      latency_seconds: {type: number, min: 0}
                metrics:
                  cache_lookup_latency:
                    type: summary
                    stage: Preview
                    help: Cache lookup latency in seconds.
                    event_type: cache_lookup
                    labels: [cache]
                    aggregation: summary
                    field: latency_seconds
                  cache_hit_ratio:
                    type: gauge
                    stage: Deprecated
                    end_of_support: 2027-01-31
                    help: Percent of cache lookups that hit.
                    event_type: cache_lookup
                    labels: [cache]
                    where: {field: hit, min: 1}
                    aggregation: percent_of_events
                """);

        assertThat(catalog.eventTypes()).hasSize(6).containsKey("cache_lookup");
        assertThat(catalog.metrics()).hasSize(19).containsKeys("cache_lookup_latency", "cache_hit_ratio");
    }

    @Test
    void aUserCatalogReplacesADefaultEventType() {
        Catalog catalog = loadWithUser("""
                event_types:
                  server_utilization:
                    fields:
                      aws_region: {type: label}
                      instance: {type: label}
                      utilization_percent: {type: number, min: 0, max: 100}
                      cluster: {type: label, optional: true}
                """);

        assertThat(catalog.eventTypes()).hasSize(5);
        assertThat(catalog.eventType("server_utilization").orElseThrow().fields()).extracting(FieldSpec::name)
                .containsExactly("aws_region", "instance", "utilization_percent", "cluster");
    }

    @Test
    void aDeprecatedMetricWithEndOfSupportSaysSoInItsHelp() {
        Catalog catalog = loadWithUser(MY_METRIC.replace("stage: Preview", "stage: Deprecated\n    end_of_support: 2027-01-31"));

        assertThat(catalog.metrics().get("my_metric").helpWithStage())
                .isEqualTo("Requests per second per region. Release stage: Deprecated (end of support 2027-01-31).");
    }

    @Test
    void aQuotedEndOfSupportDateWorksToo() {
        Catalog catalog = loadWithUser(MY_METRIC.replace("stage: Preview", "stage: Deprecated\n    end_of_support: \"2027-01-31\""));

        assertThat(catalog.metrics().get("my_metric").helpWithStage()).endsWith("Release stage: Deprecated (end of support 2027-01-31).");
    }

    // Refusals: names

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"9abc", "foo-bar", "foo.bar", "métrique"})
    void aMetricNameOutsideTheGrammarIsRefused(String name) {
        assertRefused(MY_METRIC.replace("my_metric", "\"" + name + "\""))
                .hasMessage(USER_FILE + ": metrics." + name + ": metric name \"" + name + "\" does not match [a-zA-Z_][a-zA-Z0-9_]*");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"_total", "_count", "_sum", "_created", "_bucket", "_info"})
    void aGaugeNameWithAReservedSuffixIsRefused(String suffix) {
        String name = "my_metric" + suffix;

        assertRefused(MY_METRIC.replace("my_metric", name))
                .hasMessage(USER_FILE + ": metrics." + name + ": metric name \"" + name + "\" ends with the reserved suffix " + suffix);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"le", "quantile", "job", "instance", "__x", "__name__"})
    void aReservedLabelNameIsRefused(String label) {
        assertRefused(MY_METRIC.replace("labels: [aws_region]", "labels: [{name: " + label + ", from: aws_region}]"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: label name \"" + label + "\"")
                .hasMessageContaining("reserved");
    }

    @Test
    void aReservedLabelNameIsRefusedWhenItIsAFieldNameToo() {
        String yaml = """
                event_types:
                  host_load:
                    fields:
                      instance: {type: label}
                      load: {type: number, min: 0}
                metrics:
                  host_load_rate:
                    type: gauge
                    stage: Preview
                    help: Load per host.
                    event_type: host_load
                    labels: [instance]
                    aggregation: rate
                    field: load
                """;

        assertRefused(yaml).hasMessageStartingWith(USER_FILE + ": metrics.host_load_rate: label name \"instance\" is reserved");
    }

    @Test
    void aLabelNameOutsideTheGrammarIsRefused() {
        assertRefused(MY_METRIC.replace("labels: [aws_region]", "labels: [{name: aws-region, from: aws_region}]"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: label name \"aws-region\" does not match");
    }

    @Test
    void aSummaryWhoseSumClashesWithAGaugeIsRefused() {
        String yaml = """
                metrics:
                  my_latency:
                    type: summary
                    stage: Preview
                    help: Latency.
                    event_type: feature_request
                    labels: []
                    aggregation: summary
                    field: latency_seconds
                  my_latency_sum:
                    type: gauge
                    stage: Preview
                    help: Requests.
                    event_type: feature_request
                    labels: []
                    aggregation: rate
                """;

        // Refused by the reserved-suffix rule before the sample-name clash rule can see it; either names the gauge.
        assertRefused(yaml).hasMessageStartingWith(USER_FILE + ": metrics.my_latency_sum: ").hasMessageContaining("_sum");
    }

    // Refusals: references

    @Test
    void anUnknownEventTypeIsRefused() {
        assertRefused(MY_METRIC.replace("event_type: feature_request", "event_type: feature_requests"))
                .hasMessage(USER_FILE + ": metrics.my_metric: event_type \"feature_requests\" is not declared");
    }

    @Test
    void aLabelFromAnUndeclaredFieldIsRefused() {
        assertRefused(MY_METRIC.replace("labels: [aws_region]", "labels: [region]"))
                .hasMessage(USER_FILE + ": metrics.my_metric: label \"region\": field \"region\" is not declared");
    }

    @Test
    void aLabelFromANumberFieldIsRefused() {
        assertRefused(MY_METRIC.replace("labels: [aws_region]", "labels: [latency_seconds]"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: label \"latency_seconds\": field \"latency_seconds\" must be");
    }

    @Test
    void aStatusClassLabelFromALabelFieldIsRefused() {
        assertRefused(MY_METRIC.replace("labels: [aws_region]", "labels: [{name: code, from: aws_region, format: status_class}]"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: label \"code\": field \"aws_region\" must be");
    }

    @Test
    void aLabelThatAppearsTwiceIsRefused() {
        assertRefused(MY_METRIC.replace("labels: [aws_region]", "labels: [aws_region, aws_region]"))
                .hasMessage(USER_FILE + ": metrics.my_metric: label \"aws_region\" appears twice");
    }

    @Test
    void aForEachOverANonArrayFieldIsRefused() {
        assertRefused(MY_METRIC.replace("aggregation: rate", "aggregation: rate\n    for_each: aws_region"))
                .hasMessage(USER_FILE + ": metrics.my_metric: for_each \"aws_region\" is not an array field of feature_request");
    }

    @Test
    void aReservedFieldNameIsRefused() {
        assertRefused("""
                event_types:
                  my_event:
                    fields:
                      time: {type: epoch_millis}
                """).hasMessage(USER_FILE + ": event_types.my_event: field \"time\" is reserved (every event has type and time, and may carry batch_id)");
    }

    @Test
    void batchIdIsAReservedFieldName() {
        assertRefused("""
                event_types:
                  my_event:
                    fields:
                      batch_id: {type: label}
                """).hasMessage(USER_FILE + ": event_types.my_event: field \"batch_id\" is reserved (every event has type and time, and may carry batch_id)");
    }

    // Refusals: aggregations

    @Test
    void aSummaryOnAFieldWithoutMinZeroIsRefused() {
        String yaml = """
                event_types:
                  balance_change:
                    fields:
                      account: {type: label}
                      delta: {type: number}
                metrics:
                  balance_delta:
                    type: summary
                    stage: Preview
                    help: Balance changes.
                    event_type: balance_change
                    labels: [account]
                    aggregation: summary
                    field: delta
                """;

        assertRefused(yaml).hasMessageStartingWith(USER_FILE + ": metrics.balance_delta: summary field \"delta\" needs min >= 0");
    }

    @Test
    void aSummaryOnAFieldWithANegativeMinIsRefused() {
        String yaml = """
                event_types:
                  balance_change:
                    fields:
                      delta: {type: number, min: -1}
                metrics:
                  balance_delta:
                    type: summary
                    stage: Preview
                    help: Balance changes.
                    event_type: balance_change
                    aggregation: summary
                    field: delta
                """;

        assertRefused(yaml).hasMessageStartingWith(USER_FILE + ": metrics.balance_delta: summary field \"delta\" needs min >= 0");
    }

    @Test
    void aWhereThatNoValueCanSatisfyIsRefused() {
        assertRefused(MY_METRIC.replace("aggregation: rate", "aggregation: rate\n    where: {field: status, min: 500, max: 400}"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: ")
                .hasMessageContaining("where");
    }

    @Test
    void percentOfEventsWithoutWhereIsRefused() {
        assertRefused(MY_METRIC.replace("aggregation: rate", "aggregation: percent_of_events"))
                .hasMessage(USER_FILE + ": metrics.my_metric: aggregation percent_of_events needs where");
    }

    @Test
    void aGaugeWithAggregationSummaryIsRefused() {
        assertRefused(MY_METRIC.replace("aggregation: rate", "aggregation: summary\n    field: latency_seconds"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: type gauge does not fit aggregation summary");
    }

    @Test
    void aSummaryWithAGaugeAggregationIsRefused() {
        assertRefused(MY_METRIC.replace("type: gauge", "type: summary"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: type summary does not fit aggregation rate");
    }

    @Test
    void aRateOfAnAgeIsRefused() {
        assertRefused(metric("my_age_rate",
                "type: gauge", "stage: Preview", "help: x.", "event_type: served_feature",
                "labels: [workspace]", "aggregation: rate", "age_of: feature_time"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_age_rate: aggregation rate takes field");
    }

    @Test
    void anUnknownAggregationIsRefused() {
        assertRefused(MY_METRIC.replace("aggregation: rate", "aggregation: median"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: median: unknown aggregation");
    }

    // Refusals: stages

    @Test
    void deprecatedWithoutEndOfSupportIsRefused() {
        assertRefused(MY_METRIC.replace("stage: Preview", "stage: Deprecated"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: ")
                .hasMessageContaining("end_of_support");
    }

    @Test
    void endOfSupportOnAStageOtherThanDeprecatedIsRefused() {
        assertRefused(MY_METRIC.replace("stage: Preview", "stage: GA\n    end_of_support: 2027-01-31"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: ")
                .hasMessageContaining("end_of_support");
    }

    @Test
    void anInvalidEndOfSupportDateIsRefused() {
        assertRefused(MY_METRIC.replace("stage: Preview", "stage: Deprecated\n    end_of_support: 2027-02-30"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: ")
                .hasMessageContaining("2027-02-30");
    }

    @Test
    void anUnknownStageIsRefused() {
        assertRefused(MY_METRIC.replace("stage: Preview", "stage: Beta"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: Beta: unknown stage");
    }

    // Refusals: YAML and keys

    @Test
    void anUnknownKeyInAMetricIsRefused() {
        assertRefused(MY_METRIC.replace("aggregation: rate", "agregation: rate"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric: unknown key \"agregation\"");
    }

    @Test
    void anUnknownKeyInAFieldIsRefused() {
        assertRefused("""
                event_types:
                  my_event:
                    fields:
                      region: {type: label, optinal: true}
                """).hasMessageStartingWith(USER_FILE + ": event_types.my_event.fields.region: unknown key \"optinal\"");
    }

    @Test
    void anUnknownTopLevelKeyIsRefused() {
        assertRefused(MY_METRIC.replace("metrics:", "metric:"))
                .hasMessageStartingWith(USER_FILE + ": catalog: unknown key \"metric\"");
    }

    @Test
    void anUnknownKeyInWhereIsRefused() {
        // A typo here would otherwise silently drop the bound and count every event.
        assertRefused(MY_METRIC.replace("aggregation: rate", "aggregation: rate\n    where: {field: status, mn: 400}"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric")
                .hasMessageContaining("\"mn\"");
    }

    @Test
    void anUnknownKeyInALabelMappingIsRefused() {
        // A typo here would otherwise silently render the status as "404" instead of "4xx".
        assertRefused(MY_METRIC.replace("labels: [aws_region]", "labels: [{name: code, from: status, fromat: status_class}]"))
                .hasMessageStartingWith(USER_FILE + ": metrics.my_metric")
                .hasMessageContaining("\"fromat\"");
    }

    @Test
    void aNonBooleanOptionalIsRefused() {
        assertRefused("""
                event_types:
                  my_event:
                    fields:
                      region: {type: label, optional: maybe}
                """).hasMessageStartingWith(USER_FILE + ": event_types.my_event")
                .hasMessageContaining("optional");
    }

    @Test
    void invalidYamlIsRefused() {
        assertRefused("metrics: [unclosed\n  - {")
                .hasMessageStartingWith(USER_FILE + ": catalog: not valid YAML");
    }

    @Test
    void aDuplicateKeyIsRefused() {
        assertRefused(MY_METRIC + """
                  my_metric:
                    type: gauge
                    stage: GA
                    help: Again.
                    event_type: feature_request
                    aggregation: rate
                """).hasMessageStartingWith(USER_FILE + ": ").hasMessageContaining("my_metric");
    }

    @Test
    void aDuplicateKeyInsideAMetricIsRefused() {
        assertRefused(MY_METRIC.replace("type: gauge", "type: gauge\n    type: summary"))
                .hasMessageStartingWith(USER_FILE + ": ").hasMessageContaining("type");
    }

    @Test
    void aDuplicateKeyIsReportedWithItsLine() {
        // "user.yaml: catalog: not valid YAML: Duplicate field 'type'" names neither the entry nor the place.
        assertRefused(MY_METRIC.replace("type: gauge", "type: gauge\n    type: summary"))
                .hasMessageStartingWith(USER_FILE + ": ")
                .hasMessageContaining("line 4");
    }

    @Test
    void aCatalogThatIsNotAMappingIsRefused() {
        assertRefused("- just\n- a list\n").hasMessageStartingWith(USER_FILE + ": catalog: ");
    }

    @Test
    void aMissingRequiredKeyIsRefused() {
        assertRefused(MY_METRIC.replace("    help: Requests per second per region.\n", ""))
                .hasMessage(USER_FILE + ": metrics.my_metric: help: required");
    }

    @Test
    void anUnknownFieldTypeIsRefused() {
        assertRefused("""
                event_types:
                  my_event:
                    fields:
                      region: {type: strng}
                """).hasMessageStartingWith(USER_FILE + ": event_types.my_event")
                .hasMessageContaining("strng");
    }

    @Test
    void anEmptyUserCatalogChangesNothing() {
        assertThat(loadWithUser("metrics: {}\n").metrics()).hasSize(17);
    }

    // helpers

    private static List<String> fieldNames(Catalog catalog, String eventType) {
        return catalog.eventType(eventType).orElseThrow().fields().stream().map(FieldSpec::name).toList();
    }

    private static void assertField(Catalog catalog, String eventType, String field, FieldType type, boolean optional, double min, double max) {
        FieldSpec spec = catalog.eventType(eventType).orElseThrow().field(field).orElseThrow();
        assertThat(spec.type()).as(eventType + "." + field).isEqualTo(type);
        assertThat(spec.optional()).as(eventType + "." + field + " optional").isEqualTo(optional);
        assertThat(spec.min()).as(eventType + "." + field + " min").isEqualTo(min);
        assertThat(spec.max()).as(eventType + "." + field + " max").isEqualTo(max);
    }
}
