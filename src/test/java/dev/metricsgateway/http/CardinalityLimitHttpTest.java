package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.HttpReply;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Over HTTP, a batch beyond the series limit is a 400 naming the metric, and is counted. */
@ExtendWith(VertxExtension.class)
class CardinalityLimitHttpTest {

    @TempDir
    Path dataDir;

    @Test
    void aBatchBeyondTheSeriesLimitIs400NamingTheMetricWhileExistingSeriesKeepWorking(Vertx vertx) throws Exception {
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, Map.of("METRICS_GATEWAY_MAX_SERIES_PER_METRIC", "2"))) {
            assertThat(gateway.postEvents(gateway.writerKey, "application/x-ndjson", request(1) + request(2)).status()).isEqualTo(202);

            HttpReply refused = gateway.postEvents(gateway.writerKey, "application/x-ndjson", request(1) + request(3));

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().getString("error")).isEqualTo("batch rejected: series limit reached");
            JsonObject detail = refused.json().getJsonArray("details").getJsonObject(0);
            assertThat(detail.getInteger("index")).isEqualTo(1);
            assertThat(detail.getString("message")).isEqualTo("would create a series of feature_service_requests_rate beyond its limit of 2 series");
            assertThat(gateway.postEvents(gateway.writerKey, "application/x-ndjson", request(2)).status()).isEqualTo(202);
            assertThat(gateway.scrape(null).text()).contains("feature_service_total_latency_count 3 ");
            assertThat(gateway.get("/metrics", Map.of("Authorization", "Tecton-key " + gateway.readerKey)).text())
                    .contains("metrics_gateway_batches_rejected_total{reason=\"cardinality\"} 1.0");
        }
    }

    private static String request(int service) {
        return "{\"type\":\"feature_request\",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-" + service
                + "\",\"feature_service_name\":\"svc\",\"latency_seconds\":0.01,\"status\":200}\n";
    }
}
