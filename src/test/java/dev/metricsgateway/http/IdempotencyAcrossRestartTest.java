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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applied idempotency keys travel in the aggregation checkpoint: a Spark job replaying a batch
 * right after the gateway restarted gets the first answer and is not counted twice; after the
 * dedupe window the replay is applied again.
 */
@ExtendWith(VertxExtension.class)
class IdempotencyAcrossRestartTest {

    private static final Map<String, String> SETTINGS = Map.of("METRICS_GATEWAY_IDEMPOTENCY_WINDOW_SECONDS", "120");
    private static final String BATCH = "{\"type\":\"feature_request\",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-1\","
            + "\"feature_service_name\":\"fraud\",\"latency_seconds\":0.25,\"status\":200}\n";

    @TempDir
    Path dataDir;

    private static HttpReply post(TestGateway gateway, String writerKey, String idempotencyKey, String body) throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Tecton-key " + writerKey, "Content-Type", "application/x-ndjson"));
        if (idempotencyKey != null) {
            headers.put("Idempotency-Key", idempotencyKey);
        }
        return gateway.call(HttpMethod.POST, "/api/v1/events", headers, Buffer.buffer(body));
    }

    private static String count(TestGateway gateway) throws Exception {
        String scrape = gateway.scrape(null).text();
        int at = scrape.indexOf("feature_service_total_latency_count ");
        return scrape.substring(at, scrape.indexOf(' ', at + 36));
    }

    @Test
    void aReplayRightAfterARestartIsAcknowledgedAgainAndNotCountedTwice(Vertx vertx) throws Exception {
        String writerKey;
        JsonObject firstAnswer;
        try (TestGateway before = TestGateway.start(vertx, dataDir, SETTINGS)) {
            writerKey = before.writerKey;
            firstAnswer = post(before, writerKey, "spark-batch-9", BATCH + BATCH).json();
            assertThat(post(before, writerKey, null, BATCH.replace("}", ",\"batch_id\":\"spark-batch-10\"}")).status()).isEqualTo(202);
        }
        try (TestGateway after = TestGateway.start(vertx, dataDir, SETTINGS)) {
            after.clock.advanceMillis(119_000);

            HttpReply replay = post(after, writerKey, "spark-batch-9", BATCH + BATCH);
            HttpReply replayByBatchId = post(after, writerKey, null, BATCH.replace("}", ",\"batch_id\":\"spark-batch-10\"}"));

            assertThat(replay.status()).isEqualTo(202);
            assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(replay.json()).isEqualTo(firstAnswer);
            assertThat(replayByBatchId.header("Idempotent-Replayed")).isEqualTo("true");
            assertThat(count(after)).isEqualTo("feature_service_total_latency_count 3");
        }
    }

    @Test
    void aReplayAfterTheWindowIsAppliedAgainAfterARestart(Vertx vertx) throws Exception {
        String writerKey;
        try (TestGateway before = TestGateway.start(vertx, dataDir, SETTINGS)) {
            writerKey = before.writerKey;
            assertThat(post(before, writerKey, "spark-batch-9", BATCH).status()).isEqualTo(202);
        }
        try (TestGateway after = TestGateway.start(vertx, dataDir, SETTINGS)) {
            after.clock.advanceMillis(120_000);

            HttpReply replay = post(after, writerKey, "spark-batch-9", BATCH);

            assertThat(replay.status()).isEqualTo(202);
            assertThat(replay.header("Idempotent-Replayed")).isNull();
            assertThat(count(after)).isEqualTo("feature_service_total_latency_count 2");
        }
    }
}
