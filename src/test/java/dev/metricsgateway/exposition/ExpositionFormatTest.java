package dev.metricsgateway.exposition;

import static dev.metricsgateway.exposition.ExpositionFormat.OPENMETRICS_TEXT;
import static dev.metricsgateway.exposition.ExpositionFormat.PROMETHEUS_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Content negotiation (CONFORMANCE.md item 3): an {@code Accept} that mentions
 * {@code application/openmetrics-text} gets OpenMetrics 1.0.0; anything else gets text 0.0.4.
 */
class ExpositionFormatTest {

    static Stream<Arguments> acceptHeaders() {
        return Stream.of(
                Arguments.of("Prometheus 2.42's default Accept",
                        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                                + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                        OPENMETRICS_TEXT),
                Arguments.of("Datadog's Accept with use_latest_spec",
                        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1",
                        OPENMETRICS_TEXT),
                Arguments.of("bare OpenMetrics", "application/openmetrics-text", OPENMETRICS_TEXT),
                Arguments.of("OpenMetrics after text", "text/plain;version=0.0.4;q=0.5, application/openmetrics-text;version=1.0.0", OPENMETRICS_TEXT),
                Arguments.of("upper case", "APPLICATION/OPENMETRICS-TEXT;VERSION=1.0.0", OPENMETRICS_TEXT),
                Arguments.of("mixed case", "Application/OpenMetrics-Text; version=1.0.0; charset=UTF-8", OPENMETRICS_TEXT),
                Arguments.of("Datadog's default Accept", "text/plain", PROMETHEUS_TEXT),
                Arguments.of("text 0.0.4 with a version", "text/plain;version=0.0.4", PROMETHEUS_TEXT),
                Arguments.of("curl", "*/*", PROMETHEUS_TEXT),
                Arguments.of("protobuf only",
                        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
                        PROMETHEUS_TEXT),
                Arguments.of("protobuf first, then text",
                        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,"
                                + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2",
                        PROMETHEUS_TEXT),
                Arguments.of("JSON", "application/json", PROMETHEUS_TEXT),
                Arguments.of("garbage", ";;;,,==\u0000not a media type", PROMETHEUS_TEXT),
                Arguments.of("whitespace", "   ", PROMETHEUS_TEXT),
                Arguments.of("OpenMetrics misspelt", "application/openmetrics", PROMETHEUS_TEXT));
    }

    @ParameterizedTest(name = "{0}: {1} → {2}")
    @MethodSource("acceptHeaders")
    void theAcceptHeaderChoosesTheFormat(String who, String accept, ExpositionFormat expected) {
        assertThat(ExpositionFormat.negotiate(accept)).as(who).isEqualTo(expected);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void noAcceptHeaderGetsTheTextFormat(String accept) {
        assertThat(ExpositionFormat.negotiate(accept)).isEqualTo(PROMETHEUS_TEXT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/openmetrics-text", "APPLICATION/OPENMETRICS-TEXT", "application/OpenMetrics-Text"})
    void theOpenMetricsMediaTypeIsMatchedCaseInsensitively(String accept) {
        assertThat(ExpositionFormat.negotiate(accept)).isEqualTo(OPENMETRICS_TEXT);
    }

    @Test
    void theNegotiatedFormatsContentTypeIsTheExactOneConsumersChooseTheirParserBy() {
        assertThat(ExpositionFormat.negotiate("application/openmetrics-text;version=1.0.0").contentType())
                .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(ExpositionFormat.negotiate("*/*").contentType())
                .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    }
}
