package dev.metricsgateway.ingest;

import static dev.metricsgateway.ingest.Decoding.NOW;
import static dev.metricsgateway.ingest.Decoding.featureRequest;
import static dev.metricsgateway.ingest.Decoding.ndjson;
import static dev.metricsgateway.ingest.Decoding.rejected;
import static dev.metricsgateway.ingest.Decoding.violation;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What Jackson alone would accept but the contract (UTF-8 JSON, one NDJSON event per line,
 * unique keys) does not: each is refused with its place, from a byte array and from a stream.
 */
class EventDecoderStrictInputTest {

    /** A valid event whose {@code aws_region} holds {@code raw} between "us" and "west". */
    private static byte[] withRawBytesInALabel(int... raw) {
        return concat("{\"type\":\"feature_request\",\"aws_region\":\"us".getBytes(StandardCharsets.UTF_8), bytes(raw),
                "west\",\"feature_service_id\":\"fs-1\",\"feature_service_name\":\"n\",\"latency_seconds\":0.1,\"status\":200}\n"
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** Decodes {@code body} both ways and checks both refuse it with a message containing {@code reason}. */
    private static Violation refusedBothWays(byte[] body, String reason) {
        Violation fromBytes = violation(Decoding.DECODER.decode(body, BodyFormat.NDJSON, NOW));
        Violation fromStream = violation(Decoding.DECODER.decode(new ByteArrayInputStream(body), BodyFormat.NDJSON, NOW));
        assertThat(fromBytes.message()).contains(reason);
        assertThat(fromStream.message()).contains(reason);
        return fromBytes;
    }

    @Test
    void wellFormedMultiByteCharactersAreAccepted() {
        String text = "é€😀"; // 2-, 3- and 4-byte sequences
        assertThat(Decoding.label(Decoding.single(ndjson(featureRequest("aws_region=\"" + text + "\""))), "aws_region")).isEqualTo(text);
    }

    @Test
    void anOverlongEncodingIsRefused() {
        Violation violation = refusedBothWays(withRawBytesInALabel(0xC0, 0xAF), "invalid UTF-8: overlong encoding (lead byte 0xC0)");
        assertThat(violation.index()).isZero();
        int column = "{\"type\":\"feature_request\",\"aws_region\":\"us".length() + 1;
        assertThat(violation.message()).endsWith("(line 1, column " + column + ")");
    }

    @Test
    void aThreeByteOverlongEncodingIsRefused() {
        refusedBothWays(withRawBytesInALabel(0xE0, 0x80, 0xAF), "overlong encoding");
    }

    @Test
    void aCodePointAboveU10FFFFIsRefused() {
        refusedBothWays(withRawBytesInALabel(0xF4, 0x90, 0x80, 0x80), "code point above U+10FFFF");
        refusedBothWays(withRawBytesInALabel(0xF5, 0x80, 0x80, 0x80), "code point above U+10FFFF");
    }

    @Test
    void anEncodedSurrogateInAnUndeclaredFieldIsRefused() {
        byte[] body = concat(featureRequest("").replace("}", ",\"note\":\"").getBytes(StandardCharsets.UTF_8),
                bytes(0xED, 0xA0, 0x80), "\"}\n".getBytes(StandardCharsets.UTF_8));
        refusedBothWays(body, "UTF-8-encoded surrogate");
    }

    @Test
    void aFfByteInAKeyIsRefusedEvenWhereJacksonWouldReadTheKnownKey() {
        // Jackson pads a key's last 4-byte group with 0xFF bytes when it looks it up: this key would
        // read as latency_seconds once that key has been seen.
        byte[] body = concat((featureRequest("") + "\n").getBytes(StandardCharsets.UTF_8),
                featureRequest("latency_seconds=<absent>").replace("}", ",\"latency_seco").getBytes(StandardCharsets.UTF_8),
                bytes(0xFF), "nds\":0.5}\n".getBytes(StandardCharsets.UTF_8));

        Violation violation = refusedBothWays(body, "byte 0xFF never occurs in UTF-8");

        assertThat(violation.index()).isEqualTo(1);
        assertThat(violation.message()).contains("(line 2, column ");
    }

    @Test
    void aBodyEndingInsideASequenceIsRefused() {
        byte[] body = concat(featureRequest("").getBytes(StandardCharsets.UTF_8), bytes(0xE2, 0x82));

        assertThat(violation(Decoding.DECODER.decode(body, BodyFormat.NDJSON, NOW)).message()).contains("incomplete sequence");
        // A stream hands Jackson the last bytes before it sees the end: Jackson refuses them first.
        rejected(Decoding.DECODER.decode(new ByteArrayInputStream(body), BodyFormat.NDJSON, NOW));
    }

    @Test
    void utf16BodiesWithAndWithoutAByteOrderMarkAreRefused() {
        String event = featureRequest("");
        refusedBothWays(event.getBytes(StandardCharsets.UTF_16BE), "not UTF-16 or UTF-32");
        refusedBothWays(event.getBytes(StandardCharsets.UTF_16LE), "not UTF-16 or UTF-32");
        refusedBothWays(event.getBytes(StandardCharsets.UTF_16), "not UTF-16 or UTF-32"); // with a byte order mark
    }

    @Test
    void aUtf32BodyIsRefused() {
        refusedBothWays(featureRequest("").getBytes(java.nio.charset.Charset.forName("UTF-32LE")), "not UTF-16 or UTF-32");
    }

    @Test
    void aUtf8ByteOrderMarkAtTheStartIsIgnored() {
        byte[] body = concat(bytes(0xEF, 0xBB, 0xBF), featureRequest("").getBytes(StandardCharsets.UTF_8));
        assertThat(Decoding.accepted(Decoding.DECODER.decode(body, BodyFormat.NDJSON, NOW))).hasSize(1);
    }

    @Test
    void twoEventsOnOneLineAreRefusedNamingTheSecond() {
        DecodeResult.Rejected rejected = rejected(ndjson(featureRequest("") + " " + featureRequest("")));

        assertThat(rejected.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.index()).isEqualTo(1);
            assertThat(violation.message()).startsWith("a second JSON value on one line: NDJSON takes one event per line (line 1, column ");
        });
    }

    @Test
    void adjacentEventsWithoutWhitespaceAreRefused() {
        assertThat(violation(ndjson(featureRequest("") + featureRequest(""))).message()).startsWith("a second JSON value on one line");
    }

    @Test
    void anEventSpreadOverLinesAndLineEndingsOfEveryKindAreAccepted() {
        String spread = featureRequest("").replace(",", ",\n  ");
        assertThat(Decoding.accepted(ndjson(spread + "\r\n" + featureRequest("") + "\r" + featureRequest("") + "\n\n"))).hasSize(3);
    }

    @Test
    void aDuplicateUndeclaredKeyIsRefused() {
        Violation violation = violation(ndjson(featureRequest("note=1") + "\n" + featureRequest("note=1").replace("}", ",\"note\":2}")));

        assertThat(violation.index()).isEqualTo(1);
        assertThat(violation.field()).isEqualTo("note");
        assertThat(violation.message()).startsWith("duplicate key (line 2, column ");
    }

    @Test
    void aDuplicateTypeIsRefused() {
        assertThat(violation(ndjson(featureRequest("").replace("}", ",\"type\":\"feature_request\"}"))).field()).isEqualTo("type");
    }

    @Test
    void aDuplicateUndeclaredKeyOfAWriteIsNamedByItsPath() {
        String body = "{\"type\":\"ingest_request\",\"aws_region\":\"r\",\"latency_seconds\":1,\"status\":200,"
                + "\"writes\":[{\"x\":1,\"x\":2}]}";
        assertThat(violation(ndjson(body)).field()).isEqualTo("writes[0].x");
    }

    @Test
    void theSameUndeclaredKeyInSiblingObjectsIsNoDuplicate() {
        String body = "{\"type\":\"ingest_request\",\"aws_region\":\"r\",\"latency_seconds\":1,\"status\":200,\"x\":{\"y\":{\"x\":1}},"
                + "\"writes\":[{\"workspace\":\"w\",\"feature_view_name\":\"v\",\"feature_view_id\":\"i\",\"online_rows\":1,\"offline_rows\":1,\"x\":1},"
                + "{\"workspace\":\"w\",\"feature_view_name\":\"v\",\"feature_view_id\":\"i\",\"online_rows\":1,\"offline_rows\":1,\"x\":1}]}";
        assertThat(Decoding.accepted(ndjson(body + "\n" + body))).hasSize(2);
    }
}
