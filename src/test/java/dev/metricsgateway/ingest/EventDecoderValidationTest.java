package dev.metricsgateway.ingest;

import static dev.metricsgateway.ingest.Decoding.NOW;
import static dev.metricsgateway.ingest.Decoding.accepted;
import static dev.metricsgateway.ingest.Decoding.featureRequest;
import static dev.metricsgateway.ingest.Decoding.jsonArray;
import static dev.metricsgateway.ingest.Decoding.ndjson;
import static dev.metricsgateway.ingest.Decoding.rejected;
import static dev.metricsgateway.ingest.Decoding.single;
import static dev.metricsgateway.ingest.Decoding.violation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each validation rule, with the exact index, field and message it reports. */
class EventDecoderValidationTest {

    private static final String INGEST = "{\"type\":\"ingest_request\",\"aws_region\":\"r\",\"latency_seconds\":0.1,\"status\":200,\"writes\":";
    private static final String WRITE = "{\"workspace\":\"w\",\"feature_view_name\":\"n\",\"feature_view_id\":\"i\",\"online_rows\":1,\"offline_rows\":2}";

    @Test
    void anUnknownTypeIsReportedWithTheKnownTypes() {
        assertThat(violation(ndjson(featureRequest("type=\"feature_requests\"")))).isEqualTo(new Violation(0, "type",
                "unknown event type \"feature_requests\" (known: feature_request, ingest_request, served_feature, server_utilization, stream_batch)"));
    }

    @Test
    void aLongUnknownTypeIsQuotedOnlyInPart() {
        Violation violation = violation(ndjson(featureRequest("type=\"" + "x".repeat(5000) + "\"")));

        assertThat(violation.message()).startsWith("unknown event type \"" + "x".repeat(64) + "...\" (known: ");
    }

    @Test
    void aMissingTypeIsRequired() {
        assertThat(violation(ndjson(featureRequest("type=<absent>")))).isEqualTo(new Violation(0, "type", "required"));
    }

    @Test
    void aNullTypeIsRequired() {
        assertThat(violation(ndjson(featureRequest("type=null")))).isEqualTo(new Violation(0, "type", "required"));
    }

    @Test
    void aTypeThatIsNoStringIsAWrongType() {
        assertThat(violation(ndjson(featureRequest("type=[\"feature_request\"]")))).isEqualTo(new Violation(0, "type", "must be a string"));
    }

    @Test
    void aMissingRequiredLabelIsRequired() {
        assertThat(violation(ndjson(featureRequest("aws_region=<absent>")))).isEqualTo(new Violation(0, "aws_region", "required"));
    }

    @Test
    void aNullLabelCountsAsMissing() {
        assertThat(violation(ndjson(featureRequest("aws_region=null")))).isEqualTo(new Violation(0, "aws_region", "required"));
    }

    @Test
    void anEmptyLabelIsInvalid() {
        assertThat(violation(ndjson(featureRequest("feature_service_id=\"\"")))).isEqualTo(
                new Violation(0, "feature_service_id", "must be a non-empty string of at most 128 characters"));
    }

    @Test
    void aLabelOf129CharactersIsInvalid() {
        assertThat(violation(ndjson(featureRequest("feature_service_name=\"" + "n".repeat(129) + "\"")))).isEqualTo(
                new Violation(0, "feature_service_name", "must be a non-empty string of at most 128 characters"));
    }

    @Test
    void aLabelOf128CharactersIsValid() {
        assertThat(accepted(ndjson(featureRequest("feature_service_name=\"" + "n".repeat(128) + "\"")))).hasSize(1);
    }

    @Test
    void aLabelOf129CodePointsOutsideTheBmpIsInvalid() {
        String emoji = "\uD83D\uDE00".repeat(129);

        assertThat(violation(ndjson(featureRequest("aws_region=\"" + emoji + "\"")))).isEqualTo(
                new Violation(0, "aws_region", "must be a non-empty string of at most 128 characters"));
    }

    @Test
    void aLabelWithAnUnpairedSurrogateIsInvalid() {
        assertThat(violation(ndjson(featureRequest("aws_region=\"us\\ud800west\"")))).isEqualTo(
                new Violation(0, "aws_region", "must be valid Unicode text (it holds an unpaired surrogate)"));
    }

    @Test
    void aNumberInALabelFieldIsAWrongType() {
        assertThat(violation(ndjson(featureRequest("aws_region=42")))).isEqualTo(new Violation(0, "aws_region", "must be a string"));
    }

    @Test
    void aStringInANumberFieldIsAWrongType() {
        assertThat(violation(ndjson(featureRequest("latency_seconds=\"0.25\"")))).isEqualTo(
                new Violation(0, "latency_seconds", "must be a number"));
    }

    @Test
    void aBooleanInANumberFieldIsAWrongType() {
        assertThat(violation(ndjson(featureRequest("latency_seconds=true")))).isEqualTo(
                new Violation(0, "latency_seconds", "must be a number"));
    }

    @Test
    void aNumberBelowItsMinimumIsOutOfRange() {
        assertThat(violation(ndjson(featureRequest("latency_seconds=-0.001")))).isEqualTo(
                new Violation(0, "latency_seconds", "must be >= 0"));
    }

    @Test
    void aNumberAboveItsMaximumIsOutOfRange() {
        String body = "{\"type\":\"server_utilization\",\"aws_region\":\"r\",\"instance\":\"i\",\"utilization_percent\":100.5}";

        assertThat(violation(ndjson(body))).isEqualTo(new Violation(0, "utilization_percent", "must be between 0 and 100"));
    }

    @Test
    void aNumberTooLargeForADoubleIsNotFinite() {
        assertThat(violation(ndjson(featureRequest("latency_seconds=1e400")))).isEqualTo(
                new Violation(0, "latency_seconds", "must be a finite number"));
    }

    @Test
    void anIntegerOutOfItsRangeIsInvalid() {
        assertThat(violation(ndjson(featureRequest("status=700")))).isEqualTo(new Violation(0, "status", "must be between 100 and 599"));
    }

    @Test
    void aFloatForAnIntegerFieldIsAWrongType() {
        assertThat(violation(ndjson(featureRequest("status=200.0")))).isEqualTo(new Violation(0, "status", "must be an integer"));
    }

    @Test
    void anExponentForAnIntegerFieldIsAWrongType() {
        assertThat(violation(ndjson(featureRequest("status=2e2")))).isEqualTo(new Violation(0, "status", "must be an integer"));
    }

    @Test
    void aStringForAnIntegerFieldIsAWrongType() {
        assertThat(violation(ndjson(featureRequest("status=\"200\"")))).isEqualTo(new Violation(0, "status", "must be an integer"));
    }

    @Test
    void twoToTheSixtyIsOutOfRangeForAnIntegerField() {
        assertThat(violation(ndjson(streamBatch("input_rows", "1152921504606846976")))).isEqualTo(
                new Violation(0, "input_rows", "must be between 0 and 9007199254740992"));
    }

    @Test
    void twoToTheFiftyThreeIsTheLargestIntegerAccepted() {
        assertThat(accepted(ndjson(streamBatch("input_rows", "9007199254740992")))).hasSize(1);
        assertThat(violation(ndjson(streamBatch("input_rows", "9007199254740993")))).isEqualTo(
                new Violation(0, "input_rows", "must be between 0 and 9007199254740992"));
    }

    @Test
    void anIntegerBeyondALongIsOutOfRangeNotAnError() {
        assertThat(violation(ndjson(streamBatch("min_event_time", "-" + "9".repeat(400))))).isEqualTo(
                new Violation(0, "min_event_time", "must be between -9007199254740992 and 9007199254740992"));
    }

    @Test
    void aFloatTimeIsInvalid() {
        assertThat(violation(ndjson(featureRequest("time=1699999999000.0")))).isEqualTo(
                new Violation(0, "time", "must be a non-negative integer (epoch milliseconds)"));
    }

    @Test
    void aStringTimeIsInvalid() {
        assertThat(violation(ndjson(featureRequest("time=\"2023-11-14T22:13:20Z\"")))).isEqualTo(
                new Violation(0, "time", "must be a non-negative integer (epoch milliseconds)"));
    }

    @Test
    void aNegativeTimeIsInvalid() {
        assertThat(violation(ndjson(featureRequest("time=-1")))).isEqualTo(
                new Violation(0, "time", "must be a non-negative integer (epoch milliseconds)"));
    }

    @Test
    void aTimeBeyondTheAllowedSkewIsInvalid() {
        assertThat(violation(ndjson(featureRequest("time=" + (NOW + 60_001))))).isEqualTo(
                new Violation(0, "time", "60001 ms in the future; more than the allowed clock skew of 60000 ms"));
    }

    @Test
    void aTimeAtTheAllowedSkewIsAccepted() {
        assertThat(single(ndjson(featureRequest("time=" + (NOW + 60_000)))).timeMillis()).isEqualTo(NOW + 60_000);
    }

    @Test
    void aLateTimeIsNotTheDecodersConcern() {
        assertThat(single(ndjson(featureRequest("time=0"))).timeMillis()).isZero();
    }

    @Test
    void aTimeBeyondALongIsTooFarInTheFuture() {
        assertThat(violation(ndjson(featureRequest("time=" + "9".repeat(30))))).isEqualTo(
                new Violation(0, "time", "too far in the future; more than the allowed clock skew of 60000 ms"));
    }

    @Test
    void writesThatAreNoArrayAreAWrongType() {
        assertThat(violation(ndjson(INGEST + WRITE + "}"))).isEqualTo(new Violation(0, "writes", "must be an array"));
    }

    @Test
    void aWriteThatIsNoObjectIsNamedByItsIndex() {
        assertThat(violation(ndjson(INGEST + "[" + WRITE + ",\"w\"]}"))).isEqualTo(new Violation(0, "writes[1]", "must be a JSON object"));
    }

    @Test
    void anInvalidFieldOfAWriteIsNamedByItsPath() {
        String bad = WRITE.replace("\"online_rows\":1", "\"online_rows\":-1");

        assertThat(violation(ndjson(INGEST + "[" + WRITE + "," + bad + "]}"))).isEqualTo(
                new Violation(0, "writes[1].online_rows", "must be >= 0"));
    }

    @Test
    void aMissingFieldOfAWriteIsRequired() {
        String bad = WRITE.replace("\"workspace\":\"w\",", "");

        assertThat(violation(ndjson(INGEST + "[" + bad + "]}"))).isEqualTo(new Violation(0, "writes[0].workspace", "required"));
    }

    @Test
    void moreWritesThanTheLimitAreInvalid() {
        String writes = IntStream.range(0, EventDecoder.MAX_ARRAY_ITEMS + 1).mapToObj(i -> "{}").collect(Collectors.joining(",", "[", "]"));

        assertThat(violation(ndjson(INGEST + writes + "}"))).isEqualTo(new Violation(0, "writes", "must have at most 10000 items"));
    }

    @Test
    void aLineThatIsNoObjectIsNoEvent() {
        assertThat(violation(ndjson(featureRequest("") + "\n[1,2]\n"))).isEqualTo(new Violation(1, null, "an event must be a JSON object"));
    }

    @Test
    void anArrayElementThatIsNoObjectIsNoEvent() {
        assertThat(violation(jsonArray("[" + featureRequest("") + ",\"event\"]"))).isEqualTo(
                new Violation(1, null, "an event must be a JSON object"));
    }

    @Test
    void everyBrokenRuleOfAnEventIsReportedInDeclarationOrder() {
        DecodeResult.Rejected rejected = rejected(ndjson(featureRequest("time=-5;aws_region=<absent>;status=99")));

        assertThat(rejected.violations()).containsExactly(
                new Violation(0, "time", "must be a non-negative integer (epoch milliseconds)"),
                new Violation(0, "aws_region", "required"),
                new Violation(0, "status", "must be between 100 and 599"));
        assertThat(rejected.error()).isEqualTo("batch rejected: 1 invalid event");
    }

    @Test
    void oneBadEventAmongGoodOnesRejectsTheBatchAndNamesOnlyItsIndex() {
        String body = featureRequest("") + "\n" + featureRequest("status=600") + "\n" + featureRequest("");

        DecodeResult.Rejected rejected = rejected(ndjson(body));

        assertThat(rejected.violations()).containsExactly(new Violation(1, "status", "must be between 100 and 599"));
        assertThat(rejected.error()).isEqualTo("batch rejected: 1 invalid event");
    }

    @Test
    void scanningGoesOnAfterAnInvalidEvent() {
        String body = "[" + featureRequest("status=600") + "," + featureRequest("") + "," + featureRequest("type=\"x\";status=200") + "]";

        DecodeResult.Rejected rejected = rejected(jsonArray(body));

        assertThat(rejected.violations()).extracting(Violation::index, Violation::field)
                .containsExactly(tuple(0, "status"), tuple(2, "type"));
        assertThat(rejected.error()).isEqualTo("batch rejected: 2 invalid events");
    }

    @Test
    void atMostTheConfiguredNumberOfViolationsIsReported() {
        EventDecoder decoder = new EventDecoder(Decoding.SCHEMAS, Decoding.SKEW_MILLIS, 2);
        String body = IntStream.range(0, 5).mapToObj(i -> featureRequest("status=1")).collect(Collectors.joining("\n"));

        DecodeResult.Rejected rejected = rejected(decoder.decode(body.getBytes(StandardCharsets.UTF_8), BodyFormat.NDJSON, NOW));

        assertThat(rejected.violations()).extracting(Violation::index).containsExactly(0, 1);
        assertThat(rejected.error()).isEqualTo("batch rejected: 5 invalid events (first 2 of 5 problems reported)");
    }

    @Test
    void aJsonBodyThatIsNoArrayIsRejectedAsAWhole() {
        DecodeResult.Rejected rejected = rejected(jsonArray(featureRequest("")));

        assertThat(rejected.violations()).containsExactly(new Violation(-1, null, "the body must be a JSON array of events"));
        assertThat(rejected.error()).isEqualTo("batch rejected: the body must be a JSON array of events");
    }

    @Test
    void contentAfterTheClosingBracketIsRejectedAsAWhole() {
        DecodeResult.Rejected rejected = rejected(jsonArray("[" + featureRequest("") + "]\n{}"));

        assertThat(rejected.violations()).containsExactly(new Violation(-1, null, "unexpected content after the closing bracket of the array"));
    }

    private static String streamBatch(String field, String jsonValue) {
        String body = "{\"type\":\"stream_batch\",\"workspace\":\"w\",\"feature_view_name\":\"n\",\"feature_view_id\":\"i\","
                + "\"input_rows\":1,\"processed_rows\":1,\"online_store_rows\":1,\"min_event_time\":1,\"avg_event_time\":2}";
        return body.replaceFirst("\"" + field + "\":\\d+", "\"" + field + "\":" + jsonValue);
    }
}
