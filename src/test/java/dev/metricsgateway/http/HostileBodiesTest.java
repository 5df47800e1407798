package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.HttpReply;
import dev.metricsgateway.testing.SampleEvents;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No input, however malformed, gets a 5xx or changes anything: random bytes and mutated valid
 * batches (fixed seed, bounded count) are answered 202 or 4xx, and a scrape afterwards still
 * answers with exactly what the accepted batches contributed.
 */
@ExtendWith(VertxExtension.class)
class HostileBodiesTest {

    @TempDir
    Path dataDir;

    @Test
    void randomAndMutatedBodiesNeverGet5xxNorHalfApply(Vertx vertx) throws Exception {
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, Map.of())) {
            byte[] valid = SampleEvents.everyType(TestGateway.START_MILLIS).getBytes(StandardCharsets.UTF_8);
            Random random = new Random(20261122);
            int accepted = 0;
            for (int i = 0; i < 300; i++) {
                byte[] body = i % 3 == 0 ? randomBytes(random) : mutate(valid, random);
                String contentType = random.nextBoolean() ? "application/x-ndjson" : "application/json";
                HttpReply reply = gateway.call(HttpMethod.POST, "/api/v1/events",
                        Map.of("Authorization", "Tecton-key " + gateway.writerKey, "Content-Type", contentType), Buffer.buffer(body));
                assertThat(reply.status()).as("input %d", i).isIn(202, 400);
                if (reply.status() == 202) {
                    accepted += reply.json().getInteger("accepted");
                } else {
                    assertThat(reply.text()).as("input %d: %s %s", i, reply.headers().entries(), new String(body, StandardCharsets.ISO_8859_1)).isNotEmpty();
                    assertThat(reply.json().getJsonArray("details")).as("input %d", i).isNotEmpty();
                }
            }
            HttpReply own = gateway.get("/metrics", Map.of("Authorization", "Tecton-key " + gateway.readerKey));
            assertThat(own.text()).contains("metrics_gateway_events_accepted_total " + (double) accepted);
            assertThat(gateway.scrape(null).status()).isEqualTo(200);
        }
    }

    @Test
    void anExpectHeaderOtherThan100ContinueGetsAJsonError(Vertx vertx) throws Exception {
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, Map.of())) {
            HttpReply reply = gateway.call(HttpMethod.POST, "/api/v1/events",
                    Map.of("Authorization", "Tecton-key " + gateway.writerKey, "Content-Type", "application/x-ndjson", "Expect", "something-else"),
                    Buffer.buffer(SampleEvents.everyType(TestGateway.START_MILLIS)));
            assertThat(reply.status()).isEqualTo(417);
            assertThat(reply.header("Content-Type")).isEqualTo("application/json");
            assertThat(reply.json().getString("error")).contains("100-continue");
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(400)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] = (byte) "{}[]\",:0-9eE.\\ntfu".charAt(random.nextInt(18));
                default -> bytes = java.util.Arrays.copyOf(bytes, at); // truncate
            }
            if (bytes.length == 0) {
                break;
            }
        }
        return bytes;
    }
}
