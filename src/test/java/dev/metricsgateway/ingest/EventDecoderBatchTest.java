package dev.metricsgateway.ingest;

import static dev.metricsgateway.ingest.Decoding.NOW;
import static dev.metricsgateway.ingest.Decoding.featureRequest;
import static dev.metricsgateway.ingest.Decoding.jsonArray;
import static dev.metricsgateway.ingest.Decoding.ndjson;
import static dev.metricsgateway.ingest.Decoding.violation;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Rules of a batch as a whole: its {@code batch_id} and its number of events. */
class EventDecoderBatchTest {

    private static final EventDecoder THREE_EVENTS_AT_MOST = new EventDecoder(Decoding.SCHEMAS, Decoding.SKEW_MILLIS, 100, 3);

    private static String withBatchId(String batchIdJson) {
        return featureRequest("batch_id=" + batchIdJson);
    }

    private static DecodeResult.Accepted acceptedBatch(DecodeResult result) {
        assertThat(result).isInstanceOf(DecodeResult.Accepted.class);
        return (DecodeResult.Accepted) result;
    }

    @Test
    void aBatchWhoseEventsCarryOneBatchIdIsAcceptedWithIt() {
        DecodeResult.Accepted accepted = acceptedBatch(ndjson(withBatchId("\"spark-42-7\"") + "\n" + withBatchId("\"spark-42-7\"")));

        assertThat(accepted.events()).hasSize(2);
        assertThat(accepted.batchId()).isEqualTo("spark-42-7");
    }

    @Test
    void aBatchWithoutBatchIdHasNone() {
        assertThat(acceptedBatch(ndjson(featureRequest(""))).batchId()).isNull();
        assertThat(acceptedBatch(ndjson(withBatchId("null"))).batchId()).isNull();
    }

    @Test
    void eventsWithDifferentBatchIdsAreRefused() {
        Violation violation = violation(jsonArray("[" + withBatchId("\"a\"") + "," + withBatchId("\"a\"") + "," + withBatchId("\"b\"") + "]"));

        assertThat(violation.index()).isEqualTo(2);
        assertThat(violation.field()).isEqualTo("batch_id");
        assertThat(violation.message()).isEqualTo("differs from the batch_id \"a\" of the batch's first event: every event of a batch carries the same");
    }

    @Test
    void anEventWithoutTheBatchIdOfTheFirstIsRefused() {
        Violation violation = violation(ndjson(withBatchId("\"a\"") + "\n" + featureRequest("")));

        assertThat(violation.index()).isEqualTo(1);
        assertThat(violation.field()).isEqualTo("batch_id");
        assertThat(violation.message()).startsWith("required: the batch's first event carries batch_id \"a\"");
    }

    @Test
    void aBatchIdOnALaterEventOnlyIsRefused() {
        Violation violation = violation(ndjson(featureRequest("") + "\n" + withBatchId("\"a\"")));

        assertThat(violation.index()).isEqualTo(1);
        assertThat(violation.message()).startsWith("the batch's first event carries no batch_id");
    }

    @Test
    void aBatchIdMustBeOneTo255VisibleAsciiCharacters() {
        for (String bad : new String[] {"\"\"", "\"a b\"", "\"caf\u00e9\"", "\"" + "x".repeat(256) + "\"", "42", "[\"a\"]"}) {
            Violation violation = violation(ndjson(withBatchId(bad)));
            assertThat(violation.field()).as(bad).isEqualTo("batch_id");
            assertThat(violation.message()).as(bad).isEqualTo("must be a string of 1 to 255 visible ASCII characters");
        }
        assertThat(acceptedBatch(ndjson(withBatchId("\"" + "x".repeat(255) + "\""))).batchId()).hasSize(255);
    }

    @Test
    void aBatchOfTheMaximumSizeIsAccepted() {
        String three = String.join("\n", featureRequest(""), featureRequest(""), featureRequest(""));
        assertThat(acceptedBatch(THREE_EVENTS_AT_MOST.decode(three.getBytes(StandardCharsets.UTF_8), BodyFormat.NDJSON, NOW)).events())
                .hasSize(3);
    }

    @Test
    void aBatchOverTheMaximumSizeIsTooManyEventsInEitherFormat() {
        String four = String.join("\n", featureRequest(""), featureRequest(""), featureRequest(""), featureRequest(""));
        String array = "[" + String.join(",", featureRequest(""), featureRequest(""), featureRequest(""), featureRequest("")) + "]";

        DecodeResult fromNdjson = THREE_EVENTS_AT_MOST.decode(four.getBytes(StandardCharsets.UTF_8), BodyFormat.NDJSON, NOW);
        DecodeResult fromArray = THREE_EVENTS_AT_MOST.decode(array.getBytes(StandardCharsets.UTF_8), BodyFormat.JSON_ARRAY, NOW);

        assertThat(fromNdjson).isEqualTo(new DecodeResult.TooManyEvents(3));
        assertThat(fromArray).isEqualTo(new DecodeResult.TooManyEvents(3));
        assertThat(((DecodeResult.TooManyEvents) fromArray).error())
                .isEqualTo("batch rejected: more than 3 events (max_events_per_batch); split it into smaller batches");
    }
}
