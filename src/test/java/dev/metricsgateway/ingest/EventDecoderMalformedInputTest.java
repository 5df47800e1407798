package dev.metricsgateway.ingest;

import static dev.metricsgateway.ingest.Decoding.NOW;
import static dev.metricsgateway.ingest.Decoding.featureRequest;
import static dev.metricsgateway.ingest.Decoding.jsonArray;
import static dev.metricsgateway.ingest.Decoding.ndjson;
import static dev.metricsgateway.ingest.Decoding.rejected;
import static dev.metricsgateway.ingest.Decoding.violation;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Bodies Jackson refuses become one violation at the event being read, never an exception. */
class EventDecoderMalformedInputTest {

    @Test
    void aDuplicateKeyIsAViolationOfThatKey() {
        DecodeResult.Rejected rejected = rejected(ndjson(featureRequest("") + "\n" + featureRequest("").replace("}", ",\"status\":201}")));

        assertThat(rejected.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.index()).isEqualTo(1);
            assertThat(violation.field()).isEqualTo("status");
            assertThat(violation.message()).startsWith("duplicate key (line 2, column ");
        });
        assertThat(rejected.error()).isEqualTo("batch rejected: duplicate key \"status\" in event 1");
    }

    @Test
    void aDuplicateKeyInAWriteIsNamedByItsPath() {
        String body = "[{},{\"type\":\"ingest_request\",\"writes\":[{},{\"online_rows\":1,\"online_rows\":2}]}]";

        Violation violation = violation(jsonArray(body));

        assertThat(violation.index()).isEqualTo(1);
        assertThat(violation.field()).isEqualTo("writes[1].online_rows");
    }

    @Test
    void aDuplicateKeyInAnUndeclaredFieldIsAViolationToo() {
        Violation violation = violation(ndjson(featureRequest("extra={\"a\":1,\"a\":2}")));

        assertThat(violation.field()).isEqualTo("extra.a");
    }

    @Test
    void aNaNLiteralIsMalformedJson() {
        DecodeResult.Rejected rejected = rejected(ndjson(featureRequest("latency_seconds=NaN")));

        assertThat(rejected.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.index()).isZero();
            assertThat(violation.field()).isNull();
            assertThat(violation.message()).startsWith("Non-standard token 'NaN'").contains("(line 1, column ");
        });
        assertThat(rejected.error()).startsWith("malformed JSON at line 1, column ").contains(": Non-standard token 'NaN'");
    }

    @Test
    void anInfinityLiteralIsMalformedJson() {
        assertThat(violation(ndjson(featureRequest("latency_seconds=-Infinity"))).message()).contains("'-Infinity'");
    }

    @Test
    void invalidUtf8IsMalformedJsonNamingTheEventLineAndColumn() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(featureRequest("").getBytes(StandardCharsets.UTF_8));
        body.writeBytes("\n{\"type\":\"feature_request\",\"aws_region\":\"".getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        body.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));

        DecodeResult.Rejected rejected = rejected(Decoding.DECODER.decode(body.toByteArray(), BodyFormat.NDJSON, NOW));

        assertThat(rejected.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.index()).isEqualTo(1);
            assertThat(violation.field()).isNull();
            assertThat(violation.message()).isEqualTo("invalid UTF-8: incomplete sequence (lead byte 0xC3) (line 2, column 41)");
        });
        assertThat(rejected.error()).isEqualTo("malformed JSON at line 2, column 41: invalid UTF-8: incomplete sequence (lead byte 0xC3)");
    }

    @Test
    void nestingDeeperThan64IsMalformed() {
        Violation violation = violation(ndjson(featureRequest("extra=" + "[".repeat(70) + "]".repeat(70))));

        assertThat(violation.index()).isZero();
        assertThat(violation.message()).startsWith("Document nesting depth (65) exceeds the maximum allowed (64");
    }

    @Test
    void nestingOf64IsAccepted() {
        // the event object is level 1, so 63 arrays reach exactly 64
        assertThat(Decoding.accepted(ndjson(featureRequest("extra=" + "[".repeat(63) + "]".repeat(63))))).hasSize(1);
    }

    @Test
    void aTruncatedEventIsMalformedAtItsIndex() {
        DecodeResult.Rejected rejected = rejected(ndjson(featureRequest("") + "\n" + "{\"type\":\"feature_request\",\"aws_region\":\"us"));

        assertThat(rejected.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.index()).isEqualTo(1);
            assertThat(violation.message()).startsWith("Unexpected end-of-input").doesNotContain("Source");
        });
    }

    @Test
    void aTruncatedArrayIsMalformedWithoutTheSourceExcerpt() {
        Violation violation = violation(jsonArray("[" + featureRequest("")));

        assertThat(violation.index()).isEqualTo(1);
        assertThat(violation.message()).isEqualTo("Unexpected end-of-input: expected close marker for Array (line 1, column 158)");
    }

    @Test
    void malformedJsonAfterInvalidEventsIsTheOneViolationReported() {
        Violation violation = violation(ndjson(featureRequest("status=1") + "\n" + featureRequest("") + "\n{\"type\": tru}"));

        assertThat(violation.index()).isEqualTo(2);
        assertThat(violation.message()).startsWith("Unrecognized token 'tru'").endsWith("(line 3, column 10)");
    }

    @Test
    void garbageAfterTheClosingBracketIsMalformedForTheWholeBody() {
        assertThat(violation(jsonArray("[]x")).index()).isEqualTo(-1);
    }

    @Test
    void aMessageQuotesLittleOfALongBadToken() {
        Violation violation = violation(ndjson("{\"type\":" + "x".repeat(10_000) + "}"));

        assertThat(violation.message()).hasSizeLessThan(200).doesNotContain("x".repeat(101));
    }

    @Test
    void controlCharactersInAQuotedKeyAreReplaced() {
        Violation violation = violation(ndjson("{\"a\\nb\":1,\"a\\nb\":2}"));

        assertThat(violation.field()).isEqualTo("a?b");
    }

    @Test
    void aUtf32BodyIsRefusedAsNotUtf8() {
        DecodeResult.Rejected rejected = rejected(Decoding.DECODER.decode(new byte[] {0, 0x7b, 0, 0, 0x7d}, BodyFormat.NDJSON, NOW));

        assertThat(rejected.error()).isEqualTo("malformed JSON at line 1, column 1: invalid UTF-8: "
                + "a zero byte at offset 0: the body must be UTF-8 JSON, not UTF-16 or UTF-32");
        assertThat(rejected.violations()).singleElement().extracting(Violation::index).isEqualTo(-1);
    }

    @Test
    void aFailingStreamIsAnUnreadableBody() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Corrupt GZIP trailer");
            }
        };

        DecodeResult.Rejected rejected = rejected(Decoding.DECODER.decode(failing, BodyFormat.JSON_ARRAY, NOW));

        assertThat(rejected.error()).isEqualTo("unreadable body: Corrupt GZIP trailer");
    }

    @Test
    void anEnormousNumberIsMalformedNotAnError() {
        Violation violation = violation(ndjson(featureRequest("latency_seconds=" + "1".repeat(5000))));

        assertThat(violation.message()).startsWith("Number value length (");
    }
}
