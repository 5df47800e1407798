package dev.metricsgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BodyFormatTest {

    @Test
    void ndjsonMediaTypesSelectNdjson() {
        assertThat(BodyFormat.fromContentType("application/x-ndjson")).contains(BodyFormat.NDJSON);
        assertThat(BodyFormat.fromContentType("application/ndjson")).contains(BodyFormat.NDJSON);
    }

    @Test
    void jsonSelectsAJsonArray() {
        assertThat(BodyFormat.fromContentType("application/json")).contains(BodyFormat.JSON_ARRAY);
    }

    @Test
    void parametersAreIgnored() {
        assertThat(BodyFormat.fromContentType("application/json; charset=utf-8")).contains(BodyFormat.JSON_ARRAY);
        assertThat(BodyFormat.fromContentType("application/x-ndjson;charset=UTF-8")).contains(BodyFormat.NDJSON);
    }

    @Test
    void mediaTypesAreCaseInsensitiveAndMayBePadded() {
        assertThat(BodyFormat.fromContentType("  Application/X-NDJSON ")).contains(BodyFormat.NDJSON);
        assertThat(BodyFormat.fromContentType("APPLICATION/JSON")).contains(BodyFormat.JSON_ARRAY);
    }

    @Test
    void otherOrAbsentMediaTypesSelectNothing() {
        assertThat(BodyFormat.fromContentType(null)).isEmpty();
        assertThat(BodyFormat.fromContentType("")).isEmpty();
        assertThat(BodyFormat.fromContentType("text/plain")).isEmpty();
        assertThat(BodyFormat.fromContentType("application/jsonl")).isEmpty();
        assertThat(BodyFormat.fromContentType("application/json-seq")).isEmpty();
        assertThat(BodyFormat.fromContentType("application/vnd.api+json")).isEmpty();
    }
}
