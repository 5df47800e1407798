package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.HttpReply;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A batch retried with the same Idempotency-Key (a replayed Spark micro-batch) counts once. */
@ExtendWith(VertxExtension.class)
class IdempotentIngestTest {

    private static final String BATCH = "{\"type\":\"feature_request\",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-1\","
            + "\"feature_service_name\":\"fraud\",\"latency_seconds\":0.25,\"status\":200}\n";

    @TempDir
    Path dataDir;
    private TestGateway gateway;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        gateway = TestGateway.start(vertx, dataDir, Map.of("METRICS_GATEWAY_IDEMPOTENCY_WINDOW_SECONDS", "120"));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aRetriedBatchIsAcknowledgedAgainButCountedOnce() throws Exception {
        HttpReply first = post("batch-42", BATCH + BATCH);
        HttpReply retry = post("batch-42", BATCH + BATCH);
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.json()).isEqualTo(new JsonObject().put("accepted", 2).put("late", 0));
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(gateway.scrape(null).text()).contains("feature_service_total_latency_count 2 ");
    }

    @Test
    void aRetryAfterTheWindowIsAppliedAgain() throws Exception {
        post("batch-42", BATCH);
        gateway.clock.advanceMillis(120_000);
        assertThat(post("batch-42", BATCH).header("Idempotent-Replayed")).isNull();
        assertThat(gateway.scrape(null).text()).contains("feature_service_total_latency_count 2 ");
    }

    @Test
    void theSameKeyForAnotherBatchIs409() throws Exception {
        post("batch-42", BATCH);
        HttpReply reply = post("batch-42", BATCH + BATCH);
        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().getString("error")).contains("Idempotency-Key");
        assertThat(gateway.scrape(null).text()).contains("feature_service_total_latency_count 1 ");
    }

    @Test
    void anInvalidBatchDoesNotUseUpItsKey() throws Exception {
        assertThat(post("batch-7", BATCH.replace("200", "700")).status()).isEqualTo(400);
        assertThat(post("batch-7", BATCH).status()).isEqualTo(202);
        assertThat(gateway.scrape(null).text()).contains("feature_service_total_latency_count 1 ");
    }

    @Test
    void aMalformedKeyIs400() throws Exception {
        HttpReply reply = post("has space", BATCH);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getJsonArray("details").getJsonObject(0).getString("field")).isEqualTo("Idempotency-Key");
    }

    private HttpReply post(String key, String body) throws Exception {
        return gateway.call(HttpMethod.POST, "/api/v1/events", Map.of("Authorization", "Tecton-key " + gateway.writerKey,
                "Content-Type", "application/x-ndjson", "Idempotency-Key", key), Buffer.buffer(body));
    }
}
