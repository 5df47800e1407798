package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.SampleEvents;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The config switch that leaves timestamps to the scraper (normal Prometheus staleness). */
@ExtendWith(VertxExtension.class)
class TimestampSwitchTest {

    @TempDir
    Path dataDir;

    @Test
    void withTimestampsOffNoSampleCarriesOneInEitherFormat(Vertx vertx) throws Exception {
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, Map.of("METRICS_GATEWAY_TIMESTAMPS", "false"))) {
            gateway.postEvents(gateway.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS));
            for (String accept : new String[] {"text/plain", "application/openmetrics-text"}) {
                String body = gateway.scrape(accept).text();
                assertThat(body).contains("feature_service_total_latency_count 3\n");
                assertThat(body.lines().filter(line -> !line.startsWith("#")))
                        .as(accept)
                        .isNotEmpty()
                        .noneMatch(line -> line.endsWith(" " + TestGateway.START_MILLIS) || line.endsWith(" 1700000000.000"));
            }
        }
    }

    @Test
    void timestampsNeverGoBackwardsWhenTheClockDoes(Vertx vertx) throws Exception {
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, Map.of())) {
            gateway.postEvents(gateway.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS));
            assertThat(gateway.scrape(null).text()).contains("feature_service_total_latency_count 3 " + TestGateway.START_MILLIS + "\n");
            gateway.clock.advanceMillis(-5_000);
            assertThat(gateway.scrape(null).text()).contains("feature_service_total_latency_count 3 " + TestGateway.START_MILLIS + "\n");
            gateway.clock.advanceMillis(7_000);
            assertThat(gateway.scrape(null).text()).contains("feature_service_total_latency_count 3 " + (TestGateway.START_MILLIS + 2_000) + "\n");
        }
    }
}
