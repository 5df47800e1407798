package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.HttpReply;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every status code and header of the contract, over real HTTP on an ephemeral port. */
@ExtendWith(VertxExtension.class)
class GatewayHttpTest {

    private static final String NDJSON = "application/x-ndjson";
    private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS_100 = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final String REQUEST = "{\"type\":\"feature_request\",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-1\","
            + "\"feature_service_name\":\"fraud\",\"latency_seconds\":0.25,\"status\":200}";

    @TempDir
    Path dataDir;
    private Vertx vertx;
    private TestGateway gateway;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        gateway = TestGateway.start(vertx, dataDir, Map.of(
                "METRICS_GATEWAY_MAX_BODY_BYTES", "4096",
                "METRICS_GATEWAY_MAX_DECOMPRESSED_BYTES", "65536",
                "METRICS_GATEWAY_MAX_INFLIGHT_INGEST_REQUESTS", "1"));
    }

    @AfterEach
    void stop() throws Exception {
        gateway.close();
    }

    @Test
    void healthAndReadinessNeedNoKey() throws Exception {
        assertThat(gateway.get("/healthz", Map.of()).status()).isEqualTo(200);
        HttpReply ready = gateway.get("/readyz", Map.of());
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().getString("status")).isEqualTo("READY");
    }

    @Test
    void scrapeWithoutKeyIs401WithTectonKeyChallenge() throws Exception {
        HttpReply reply = gateway.get("/api/v1/observability/metrics", Map.of());
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("WWW-Authenticate")).isEqualTo("Tecton-key");
    }

    @Test
    void malformedAndUnknownKeysAre401() throws Exception {
        for (String header : new String[] {"Bearer " + gateway.readerKey, "Tecton-key", "Tecton-key a b", "Tecton-key not-a-key"}) {
            HttpReply reply = gateway.get("/api/v1/observability/metrics", Map.of("Authorization", header));
            assertThat(reply.status()).as(header).isEqualTo(401);
            assertThat(reply.header("WWW-Authenticate")).isEqualTo("Tecton-key");
            assertThat(reply.text()).doesNotContain(gateway.readerKey);
        }
    }

    @Test
    void twentyUnknownKeysFromOneAddressGet429UntilTheWindowEndsEvenForAValidKey() throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpReply reply = gateway.get("/api/v1/observability/metrics", Map.of("Authorization", "Tecton-key wrong-" + i));
            assertThat(reply.status()).as("failure %d", i + 1).isEqualTo(401);
        }

        HttpReply blocked = gateway.scrape(null);
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.header("Retry-After")).isEqualTo("60");
        assertThat(gateway.postEvents(gateway.writerKey, NDJSON, REQUEST).status()).as("every route shares the budget").isEqualTo(429);

        gateway.clock.advanceMillis(60_000);
        assertThat(gateway.scrape(null).status()).isEqualTo(200);
    }

    @Test
    void anAuthFailureLimitOfZeroTurnsThrottlingOff(@TempDir Path otherDir) throws Exception {
        try (TestGateway unthrottled = TestGateway.start(vertx, otherDir, Map.of("METRICS_GATEWAY_AUTH_FAILURE_LIMIT", "0"))) {
            for (int i = 0; i < 25; i++) {
                assertThat(unthrottled.get("/api/v1/observability/metrics", Map.of("Authorization", "Tecton-key wrong-" + i)).status())
                        .isEqualTo(401);
            }
            assertThat(unthrottled.scrape(null).status()).isEqualTo(200);
        }
    }

    @Test
    void schemeNameIsMatchedCaseInsensitively() throws Exception {
        HttpReply reply = gateway.get("/api/v1/observability/metrics", Map.of("Authorization", "tecton-KEY " + gateway.readerKey));
        assertThat(reply.status()).isEqualTo(200);
    }

    @Test
    void knownKeyWithoutTheRoleIs403() throws Exception {
        HttpReply scrapeAsWriter = gateway.get("/api/v1/observability/metrics", Map.of("Authorization", "Tecton-key " + gateway.writerKey));
        assertThat(scrapeAsWriter.status()).isEqualTo(403);
        HttpReply ingestAsReader = gateway.postEvents(gateway.readerKey, NDJSON, REQUEST);
        assertThat(ingestAsReader.status()).isEqualTo(403);
        HttpReply accountsAsReader = gateway.get("/api/v1/service-accounts", Map.of("Authorization", "Tecton-key " + gateway.readerKey));
        assertThat(accountsAsReader.status()).isEqualTo(403);
    }

    @Test
    void adminMayDoEverything() throws Exception {
        assertThat(gateway.postEvents(gateway.adminKey, NDJSON, REQUEST).status()).isEqualTo(202);
        assertThat(gateway.get("/api/v1/observability/metrics", Map.of("Authorization", "Tecton-key " + gateway.adminKey)).status()).isEqualTo(200);
        assertThat(gateway.get("/metrics", Map.of("Authorization", "Tecton-key " + gateway.adminKey)).status()).isEqualTo(200);
    }

    @Test
    void curlGetsPrometheusTextWithMillisecondTimestamps() throws Exception {
        gateway.postEvents(gateway.writerKey, NDJSON, REQUEST);
        HttpReply reply = gateway.scrape("*/*");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).isEqualTo(TEXT_004);
        assertThat(reply.header("Vary")).isEqualTo("Accept, Accept-Encoding");
        assertThat(reply.text())
                .contains("feature_service_requests_total_rate{aws_region=\"us-west-2\"} " + (1 / 300.0) + " " + TestGateway.START_MILLIS + "\n")
                .doesNotContain("# EOF")
                .doesNotContain("_created")
                .doesNotContain("# UNIT");
    }

    @Test
    void prometheusGetsOpenMetricsWithSecondTimestampsAndEof() throws Exception {
        gateway.postEvents(gateway.writerKey, NDJSON, REQUEST);
        HttpReply reply = gateway.scrape(PROMETHEUS_ACCEPT);
        assertThat(reply.header("Content-Type")).isEqualTo(OPENMETRICS_100);
        assertThat(reply.header("Vary")).isEqualTo("Accept, Accept-Encoding");
        assertThat(reply.text())
                .contains("feature_service_total_latency_count 1 1700000000.000\n")
                .endsWith("# EOF\n");
    }

    @Test
    void anyOtherAcceptGetsPrometheusText() throws Exception {
        for (String accept : new String[] {"text/plain", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited", "garbage;;;", ""}) {
            assertThat(gateway.scrape(accept).header("Content-Type")).as(accept).isEqualTo(TEXT_004);
        }
        assertThat(gateway.scrape(null).header("Content-Type")).isEqualTo(TEXT_004);
    }

    @Test
    void scrapeIsGzippedWhenTheClientAllowsIt() throws Exception {
        gateway.postEvents(gateway.writerKey, NDJSON, REQUEST);
        HttpReply reply = gateway.get("/api/v1/observability/metrics",
                Map.of("Authorization", "Tecton-key " + gateway.readerKey, "Accept-Encoding", "gzip"));
        assertThat(reply.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(reply.header("Content-Type")).isEqualTo(TEXT_004);
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(reply.body().getBytes()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("feature_service_requests_total_rate");
        }
    }

    @Test
    void validNdjsonBatchIsAcceptedWith202() throws Exception {
        HttpReply reply = gateway.postEvents(gateway.writerKey, NDJSON, REQUEST + "\n" + REQUEST + "\n");
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json()).isEqualTo(new JsonObject().put("accepted", 2).put("late", 0));
    }

    @Test
    void jsonArrayBatchIsAccepted() throws Exception {
        HttpReply reply = gateway.postEvents(gateway.writerKey, "application/json; charset=utf-8", "[" + REQUEST + "," + REQUEST + "]");
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().getInteger("accepted")).isEqualTo(2);
    }

    @Test
    void gzipBodyIsAccepted() throws Exception {
        HttpReply reply = gateway.call(HttpMethod.POST, "/api/v1/events",
                Map.of("Authorization", "Tecton-key " + gateway.writerKey, "Content-Type", NDJSON, "Content-Encoding", "gzip"),
                Buffer.buffer(gzip(REQUEST + "\n" + REQUEST)));
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json().getInteger("accepted")).isEqualTo(2);
    }

    @Test
    void batchWithOneInvalidEventIs400AndAppliesNothing() throws Exception {
        String bad = REQUEST.replace("\"status\":200", "\"status\":700");
        HttpReply reply = gateway.postEvents(gateway.writerKey, NDJSON, REQUEST + "\n" + bad + "\n");
        assertThat(reply.status()).isEqualTo(400);
        JsonArray details = reply.json().getJsonArray("details");
        assertThat(details).hasSize(1);
        assertThat(details.getJsonObject(0).getInteger("index")).isEqualTo(1);
        assertThat(details.getJsonObject(0).getString("field")).isEqualTo("status");
        assertThat(reply.json().getString("error")).isNotBlank();
        assertThat(gateway.scrape(null).text()).doesNotContain("feature_service_requests_total_rate");
    }

    @Test
    void eventDatedBeyondTheClockSkewIs400OnItsTime() throws Exception {
        String future = REQUEST.replace("{", "{\"time\":" + (TestGateway.START_MILLIS + 61_000) + ",");
        HttpReply reply = gateway.postEvents(gateway.writerKey, NDJSON, future);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getJsonArray("details").getJsonObject(0).getString("field")).isEqualTo("time");
        assertThat(ownMetrics()).contains("metrics_gateway_events_rejected_total{reason=\"future\"} 1.0");
    }

    @Test
    void lateEventIsAcceptedButCountedAsLate() throws Exception {
        String late = REQUEST.replace("{", "{\"time\":" + (TestGateway.START_MILLIS - 301_000) + ",");
        HttpReply reply = gateway.postEvents(gateway.writerKey, NDJSON, late + "\n" + REQUEST);
        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.json()).isEqualTo(new JsonObject().put("accepted", 2).put("late", 1));
        assertThat(gateway.scrape(null).text()).contains("feature_service_total_latency_count 1 ");
        assertThat(ownMetrics()).contains("metrics_gateway_events_late_total 1.0");
    }

    @Test
    void malformedJsonIs400WithTheIndex() throws Exception {
        HttpReply reply = gateway.postEvents(gateway.writerKey, NDJSON, REQUEST + "\n{\"type\": ");
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getJsonArray("details").getJsonObject(0).getInteger("index")).isEqualTo(1);
    }

    @Test
    void otherContentTypesAre415() throws Exception {
        assertThat(gateway.postEvents(gateway.writerKey, "text/plain", REQUEST).status()).isEqualTo(415);
        HttpReply noType = gateway.call(HttpMethod.POST, "/api/v1/events", Map.of("Authorization", "Tecton-key " + gateway.writerKey), Buffer.buffer(REQUEST));
        assertThat(noType.status()).isEqualTo(415);
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = (REQUEST + "\n").repeat(40);
        assertThat(big.length()).isGreaterThan(4096);
        HttpReply reply = gateway.postEvents(gateway.writerKey, NDJSON, big);
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().getString("error")).contains("limit");
    }

    @Test
    void gzipBombIs413() throws Exception {
        byte[] bomb = gzip(" ".repeat(1_000_000));
        assertThat(bomb.length).isLessThan(4096);
        HttpReply reply = gateway.call(HttpMethod.POST, "/api/v1/events",
                Map.of("Authorization", "Tecton-key " + gateway.writerKey, "Content-Type", NDJSON, "Content-Encoding", "gzip"),
                Buffer.buffer(bomb));
        assertThat(reply.status()).isEqualTo(413);
    }

    @Test
    void ingestBeyondTheInflightLimitIs429WithRetryAfter() throws Exception {
        HttpClient slowClient = vertx.createHttpClient();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(gateway.port())
                .setURI("/api/v1/events");
        HttpClientRequest slow = TestGateway.await(slowClient.request(options));
        slow.putHeader("Authorization", "Tecton-key " + gateway.writerKey).putHeader("Content-Type", NDJSON).setChunked(true);
        TestGateway.await(slow.write(REQUEST.substring(0, 10)));
        // The first request now holds the only in-flight slot until its body ends. Its headers
        // reach the server before a second connection's request; poll the gateway's answer
        // rather than sleeping for it.
        HttpReply shed = gateway.postEvents(gateway.writerKey, NDJSON, REQUEST);
        for (int attempt = 0; attempt < 100 && shed.status() != 429; attempt++) {
            shed = gateway.postEvents(gateway.writerKey, NDJSON, REQUEST);
        }
        assertThat(shed.status()).isEqualTo(429);
        assertThat(shed.header("Retry-After")).isEqualTo("1");
        TestGateway.await(slow.end(REQUEST.substring(10)));
        assertThat(TestGateway.await(slow.response()).statusCode()).isEqualTo(202);
        TestGateway.await(slowClient.close());
    }

    @Test
    void unknownPathIs404Json() throws Exception {
        HttpReply reply = gateway.get("/nope", Map.of());
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().getString("error")).isEqualTo("not found");
    }

    @Test
    void aPathWithABrokenPercentEscapeIs400Not500() throws Exception {
        HttpReply reply = gateway.get("/api/v1/%zz", Map.of("Authorization", "Tecton-key " + gateway.readerKey));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("error")).isEqualTo("bad request");
    }

    @Test
    void wrongMethodOnAKnownPathIs405WithAllow() throws Exception {
        HttpReply reply = gateway.get("/api/v1/events", Map.of("Authorization", "Tecton-key " + gateway.writerKey));
        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.header("Allow")).isEqualTo("POST");
        assertThat(reply.json().getString("error")).isEqualTo("method not allowed");
        HttpReply account = gateway.call(HttpMethod.PUT, "/api/v1/service-accounts/abc", Map.of(), null);
        assertThat(account.status()).isEqualTo(405);
        assertThat(account.header("Allow")).isEqualTo("DELETE");
    }

    @Test
    void ownMetricsCountAcceptedEventsAndSeries() throws Exception {
        gateway.postEvents(gateway.writerKey, NDJSON, REQUEST + "\n" + REQUEST);
        assertThat(ownMetrics())
                .contains("metrics_gateway_events_accepted_total 2.0")
                .contains("metrics_gateway_series{metric=\"feature_service_requests_rate\"} 1.0");
    }

    private String ownMetrics() throws Exception {
        return gateway.get("/metrics", Map.of("Authorization", "Tecton-key " + gateway.readerKey)).text();
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
