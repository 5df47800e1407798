package dev.metricsgateway.ingest;

import static dev.metricsgateway.ingest.Decoding.NOW;
import static dev.metricsgateway.ingest.Decoding.featureRequest;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random and mutated bodies (fixed seed, so a failure reproduces): decode always answers, never throws. */
class EventDecoderFuzzTest {

    private static final List<String> SEEDS = List.of(
            featureRequest("") + "\n" + featureRequest("status=503;time=1699999999000"),
            "[" + featureRequest("") + "," + featureRequest("latency_seconds=1e3") + "]",
            "{\"type\":\"ingest_request\",\"aws_region\":\"r\",\"latency_seconds\":0.1,\"status\":200,\"writes\":"
                    + "[{\"workspace\":\"w\",\"feature_view_name\":\"n\",\"feature_view_id\":\"i\",\"online_rows\":1,\"offline_rows\":2}]}",
            "{\"type\":\"stream_batch\",\"workspace\":\"w\",\"feature_view_name\":\"\\u00e9\\ud83d\\ude00\",\"feature_view_id\":\"i\","
                    + "\"input_rows\":9007199254740992,\"processed_rows\":-0,\"online_store_rows\":1,\"min_event_time\":1,\"avg_event_time\":2}");

    /** Bytes JSON is made of, so mutations reach deep into the grammar instead of failing at once. */
    private static final byte[] JSON_BYTES = "{}[],:\"\\0123456789-+.eEtrufalsn \n\t\u00e9".getBytes(StandardCharsets.UTF_8);

    @Test
    void randomAndMutatedBodiesNeverMakeDecodeThrow() {
        Random random = new Random(42);
        int accepted = 0;
        for (int i = 0; i < 2_000; i++) {
            byte[] body = i % 4 == 0 ? randomBytes(random) : mutate(random, SEEDS.get(random.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8));
            BodyFormat format = random.nextBoolean() ? BodyFormat.NDJSON : BodyFormat.JSON_ARRAY;
            DecodeResult result = i % 2 == 0
                    ? Decoding.DECODER.decode(body, format, NOW)
                    : Decoding.DECODER.decode(new ByteArrayInputStream(body), format, NOW);

            assertThat(result).as("input %d: %s", i, Arrays.toString(body)).isNotNull();
            if (result instanceof DecodeResult.Rejected rejected) {
                assertThat(rejected.error()).hasSizeLessThan(300);
                assertThat(rejected.violations()).allSatisfy(violation -> assertThat(violation.message()).hasSizeLessThan(300));
            } else {
                accepted++;
            }
        }
        assertThat(accepted).as("some mutations stay valid, so the valid path is exercised too").isPositive();
    }

    private static byte[] randomBytes(Random random) {
        byte[] body = new byte[random.nextInt(200)];
        random.nextBytes(body);
        return body;
    }

    private static byte[] mutate(Random random, byte[] seed) {
        byte[] body = seed;
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations && body.length > 0; m++) {
            int at = random.nextInt(body.length);
            switch (random.nextInt(5)) {
                case 0 -> body[at] = JSON_BYTES[random.nextInt(JSON_BYTES.length)];
                case 1 -> body[at] = (byte) random.nextInt(256);
                case 2 -> body = Arrays.copyOf(body, at); // truncate
                case 3 -> { // delete one byte
                    byte[] shorter = new byte[body.length - 1];
                    System.arraycopy(body, 0, shorter, 0, at);
                    System.arraycopy(body, at + 1, shorter, at, body.length - at - 1);
                    body = shorter;
                }
                default -> { // duplicate a slice, e.g. a key/value pair or a bracket
                    int end = Math.min(body.length, at + 1 + random.nextInt(20));
                    byte[] longer = new byte[body.length + end - at];
                    System.arraycopy(body, 0, longer, 0, end);
                    System.arraycopy(body, at, longer, end, body.length - at);
                    body = longer;
                }
            }
        }
        return body;
    }
}
