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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch named by the {@code batch_id} its events carry is deduplicated as one named by an
 * {@code Idempotency-Key} header; both together must agree. And a batch over
 * {@code max_events_per_batch} is refused whole with 413.
 */
@ExtendWith(VertxExtension.class)
class BatchIdIngestTest {

    @TempDir
    Path dataDir;
    private TestGateway gateway;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        gateway = TestGateway.start(vertx, dataDir, Map.of("METRICS_GATEWAY_IDEMPOTENCY_WINDOW_SECONDS", "120",
                "METRICS_GATEWAY_MAX_EVENTS_PER_BATCH", "3"));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static String event(String batchId) {
        return "{\"type\":\"feature_request\",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-1\",\"feature_service_name\":\"fraud\","
                + "\"latency_seconds\":0.25,\"status\":200" + (batchId == null ? "" : ",\"batch_id\":\"" + batchId + "\"") + "}\n";
    }

    private HttpReply post(String idempotencyKey, String body) throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("Authorization", "Tecton-key " + gateway.writerKey,
                "Content-Type", "application/x-ndjson"));
        if (idempotencyKey != null) {
            headers.put("Idempotency-Key", idempotencyKey);
        }
        return gateway.call(HttpMethod.POST, "/api/v1/events", headers, Buffer.buffer(body));
    }

    private String count() throws Exception {
        String scrape = gateway.scrape(null).text();
        int at = scrape.indexOf("feature_service_total_latency_count ");
        return at < 0 ? "none" : scrape.substring(at, scrape.indexOf(' ', at + 36));
    }

    @Test
    void aReplayedBatchIdIsAcknowledgedWithTheSameAnswerAndCountedOnce() throws Exception {
        HttpReply first = post(null, event("spark-7") + event("spark-7"));
        HttpReply replay = post(null, event("spark-7") + event("spark-7"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(replay.status()).isEqualTo(202);
        assertThat(replay.json()).isEqualTo(first.json()).isEqualTo(new JsonObject().put("accepted", 2).put("late", 0));
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(count()).isEqualTo("feature_service_total_latency_count 2");
        assertThat(gateway.get("/metrics", Map.of("Authorization", "Tecton-key " + gateway.readerKey)).text())
                .contains("metrics_gateway_batches_replayed_total 1.0");
    }

    @Test
    void distinctBatchIdsAreEachCounted() throws Exception {
        assertThat(post(null, event("spark-7")).status()).isEqualTo(202);
        assertThat(post(null, event("spark-8")).status()).isEqualTo(202);

        assertThat(count()).isEqualTo("feature_service_total_latency_count 2");
    }

    @Test
    void aBatchIdAndAnIdempotencyKeyShareOneNamespace() throws Exception {
        String body = event("spark-7");
        assertThat(post(null, body).status()).isEqualTo(202);

        HttpReply sameKeyInTheHeader = post("spark-7", body);

        assertThat(sameKeyInTheHeader.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(count()).isEqualTo("feature_service_total_latency_count 1");
    }

    @Test
    void aHeaderAgreeingWithTheBatchIdIsAccepted() throws Exception {
        assertThat(post("spark-7", event("spark-7")).status()).isEqualTo(202);
        assertThat(post("spark-7", event("spark-7")).header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(count()).isEqualTo("feature_service_total_latency_count 1");
    }

    @Test
    void aHeaderDisagreeingWithTheBatchIdIs400AndFreesTheKey() throws Exception {
        HttpReply reply = post("spark-8", event("spark-7"));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("error")).isEqualTo(
                "batch rejected: batch_id differs from the Idempotency-Key header; send one of them, or the same value in both");
        assertThat(reply.json().getJsonArray("details").getJsonObject(0).getString("field")).isEqualTo("batch_id");
        assertThat(count()).isEqualTo("none");
        assertThat(post("spark-8", event("spark-8")).status()).isEqualTo(202);
    }

    @Test
    void theSameBatchIdForAnotherBodyIs409() throws Exception {
        post(null, event("spark-7"));

        HttpReply reply = post(null, event("spark-7") + event("spark-7"));

        assertThat(reply.status()).isEqualTo(409);
        assertThat(reply.json().getString("error")).isEqualTo("batch_id was already used for a different batch");
        assertThat(count()).isEqualTo("feature_service_total_latency_count 1");
    }

    @Test
    void eventsWithDifferentBatchIdsAre400() throws Exception {
        HttpReply reply = post(null, event("a") + event("b"));

        assertThat(reply.status()).isEqualTo(400);
        JsonObject detail = reply.json().getJsonArray("details").getJsonObject(0);
        assertThat(detail.getInteger("index")).isEqualTo(1);
        assertThat(detail.getString("field")).isEqualTo("batch_id");
    }

    @Test
    void aBatchOverMaxEventsPerBatchIs413AndAppliesNothing() throws Exception {
        HttpReply reply = post(null, event(null).repeat(4));

        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().getString("error"))
                .isEqualTo("batch rejected: more than 3 events (max_events_per_batch); split it into smaller batches");
        assertThat(count()).isEqualTo("none");
        assertThat(post(null, event(null).repeat(3)).status()).isEqualTo(202);
    }

    @Test
    void aTooLargeBatchDoesNotUseUpItsKey() throws Exception {
        assertThat(post("k-1", event(null).repeat(4)).status()).isEqualTo(413);
        assertThat(post("k-1", event(null)).status()).isEqualTo(202);
        assertThat(count()).isEqualTo("feature_service_total_latency_count 1");
    }
}
