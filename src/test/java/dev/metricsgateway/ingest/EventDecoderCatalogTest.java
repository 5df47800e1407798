package dev.metricsgateway.ingest;

import static dev.metricsgateway.ingest.Decoding.NOW;
import static dev.metricsgateway.ingest.Decoding.accepted;
import static dev.metricsgateway.ingest.Decoding.items;
import static dev.metricsgateway.ingest.Decoding.jsonArray;
import static dev.metricsgateway.ingest.Decoding.label;
import static dev.metricsgateway.ingest.Decoding.ndjson;
import static dev.metricsgateway.ingest.Decoding.number;
import static dev.metricsgateway.ingest.Decoding.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.core.Event;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every event type of the default catalog decodes into exactly the slot values it carries. */
class EventDecoderCatalogTest {

    @Test
    void aFeatureRequestDecodesWithEveryValueInItsSlot() {
        Event event = single(ndjson("""
                {"type":"feature_request","time":1699999999000,"aws_region":"us-west-2","feature_service_id":"fs-1",\
                "feature_service_name":"fraud_detection","latency_seconds":0.25,"status":200}"""));

        assertThat(event.schema()).isSameAs(Decoding.SCHEMAS.get("feature_request"));
        assertThat(event.timeMillis()).isEqualTo(1_699_999_999_000L);
        assertThat(label(event, "aws_region")).isEqualTo("us-west-2");
        assertThat(label(event, "feature_service_id")).isEqualTo("fs-1");
        assertThat(label(event, "feature_service_name")).isEqualTo("fraud_detection");
        assertThat(number(event, "latency_seconds")).isEqualTo(0.25);
        assertThat(number(event, "status")).isEqualTo(200);
    }

    @Test
    void aServerUtilizationDecodesWithEveryValueInItsSlot() {
        Event event = single(ndjson("""
                {"type":"server_utilization","time":1699999998000,"aws_region":"eu-west-1","instance":"i-0abc","utilization_percent":73.5}"""));

        assertThat(event.schema()).isSameAs(Decoding.SCHEMAS.get("server_utilization"));
        assertThat(event.timeMillis()).isEqualTo(1_699_999_998_000L);
        assertThat(label(event, "aws_region")).isEqualTo("eu-west-1");
        assertThat(label(event, "instance")).isEqualTo("i-0abc");
        assertThat(number(event, "utilization_percent")).isEqualTo(73.5);
    }

    @Test
    void aStreamBatchDecodesWithEveryValueInItsSlot() {
        Event event = single(ndjson("""
                {"type":"stream_batch","time":1700000000000,"workspace":"prod","feature_view_name":"user_clicks",\
                "feature_view_id":"fv-9","input_rows":1000,"processed_rows":990,"online_store_rows":980,\
                "min_event_time":1699999990000,"avg_event_time":1699999995000,"max_event_time":1699999999500}"""));

        assertThat(event.schema()).isSameAs(Decoding.SCHEMAS.get("stream_batch"));
        assertThat(label(event, "workspace")).isEqualTo("prod");
        assertThat(label(event, "feature_view_name")).isEqualTo("user_clicks");
        assertThat(label(event, "feature_view_id")).isEqualTo("fv-9");
        assertThat(number(event, "input_rows")).isEqualTo(1000);
        assertThat(number(event, "processed_rows")).isEqualTo(990);
        assertThat(number(event, "online_store_rows")).isEqualTo(980);
        assertThat(number(event, "min_event_time")).isEqualTo(1_699_999_990_000d);
        assertThat(number(event, "avg_event_time")).isEqualTo(1_699_999_995_000d);
        assertThat(number(event, "max_event_time")).isEqualTo(1_699_999_999_500d);
    }

    @Test
    void anAbsentOptionalNumberIsNaN() {
        Event event = single(ndjson("""
                {"type":"stream_batch","workspace":"prod","feature_view_name":"user_clicks","feature_view_id":"fv-9",\
                "input_rows":1,"processed_rows":1,"online_store_rows":1,"min_event_time":1,"avg_event_time":2}"""));

        assertThat(number(event, "max_event_time")).isNaN();
    }

    @Test
    void aNullOptionalNumberIsNaN() {
        Event event = single(ndjson("""
                {"type":"stream_batch","workspace":"prod","feature_view_name":"user_clicks","feature_view_id":"fv-9",\
                "input_rows":1,"processed_rows":1,"online_store_rows":1,"min_event_time":1,"avg_event_time":2,"max_event_time":null}"""));

        assertThat(number(event, "max_event_time")).isNaN();
    }

    @Test
    void aServedFeatureDecodesWithEveryValueInItsSlot() {
        Event event = single(ndjson("""
                {"type":"served_feature","time":1700000000000,"workspace":"prod","feature_view_name":"user_clicks",\
                "feature_view_id":"fv-9","feature_time":1699999940000}"""));

        assertThat(event.schema()).isSameAs(Decoding.SCHEMAS.get("served_feature"));
        assertThat(label(event, "workspace")).isEqualTo("prod");
        assertThat(label(event, "feature_view_name")).isEqualTo("user_clicks");
        assertThat(label(event, "feature_view_id")).isEqualTo("fv-9");
        assertThat(number(event, "feature_time")).isEqualTo(1_699_999_940_000d);
    }

    @Test
    void anIngestRequestDecodesWithItsWritesAsItemsSharingItsTime() {
        Event event = single(ndjson("""
                {"type":"ingest_request","time":1699999999000,"aws_region":"us-east-1","latency_seconds":0.004,"status":201,
                 "writes":[{"workspace":"prod","feature_view_name":"clicks","feature_view_id":"fv-1","online_rows":10,"offline_rows":12},
                           {"workspace":"dev","feature_view_name":"views","feature_view_id":"fv-2","online_rows":0,"offline_rows":3}]}"""));

        assertThat(label(event, "aws_region")).isEqualTo("us-east-1");
        assertThat(number(event, "latency_seconds")).isEqualTo(0.004);
        assertThat(number(event, "status")).isEqualTo(201);
        Event[] writes = items(event, "writes");
        assertThat(writes).hasSize(2);
        assertThat(writes[0].schema()).isSameAs(event.schema().itemSchema(event.schema().slot("writes")));
        assertThat(writes[0].timeMillis()).isEqualTo(1_699_999_999_000L);
        assertThat(label(writes[0], "workspace")).isEqualTo("prod");
        assertThat(label(writes[0], "feature_view_name")).isEqualTo("clicks");
        assertThat(label(writes[0], "feature_view_id")).isEqualTo("fv-1");
        assertThat(number(writes[0], "online_rows")).isEqualTo(10);
        assertThat(number(writes[0], "offline_rows")).isEqualTo(12);
        assertThat(label(writes[1], "workspace")).isEqualTo("dev");
        assertThat(number(writes[1], "online_rows")).isZero();
        assertThat(number(writes[1], "offline_rows")).isEqualTo(3);
    }

    @Test
    void anIngestRequestWithoutWritesHasNoItems() {
        Event event = single(ndjson("""
                {"type":"ingest_request","aws_region":"us-east-1","latency_seconds":0.004,"status":201}"""));

        assertThat(items(event, "writes")).isEmpty();
    }

    @Test
    void anEmptyWritesArrayHasNoItems() {
        Event event = single(ndjson("""
                {"type":"ingest_request","aws_region":"us-east-1","latency_seconds":0.004,"status":201,"writes":[]}"""));

        assertThat(items(event, "writes")).isEmpty();
    }

    @Test
    void fieldsMayComeInAnyOrderWithTheTypeLast() {
        Event event = single(ndjson("""
                {"status":404,"latency_seconds":1.5,"feature_service_name":"n","time":1699999999999,"feature_service_id":"i",\
                "aws_region":"r","type":"feature_request"}"""));

        assertThat(label(event, "aws_region")).isEqualTo("r");
        assertThat(number(event, "status")).isEqualTo(404);
        assertThat(number(event, "latency_seconds")).isEqualTo(1.5);
        assertThat(event.timeMillis()).isEqualTo(1_699_999_999_999L);
    }

    @Test
    void anEventWithoutTimeGetsTheArrivalTime() {
        Event event = single(ndjson(Decoding.featureRequest("")));

        assertThat(event.timeMillis()).isEqualTo(NOW);
    }

    @Test
    void aNullTimeMeansTheArrivalTime() {
        Event event = single(ndjson(Decoding.featureRequest("time=null")));

        assertThat(event.timeMillis()).isEqualTo(NOW);
    }

    @Test
    void undeclaredFieldsAreIgnoredWhateverTheyHold() {
        Event event = single(ndjson(Decoding.featureRequest(
                "extra={\"deep\":[1,{\"x\":null}],\"s\":\"t\"};note=\"hello\";instance=5;writes=[{\"online_rows\":-1}]")));

        assertThat(label(event, "aws_region")).isEqualTo("us-west-2");
    }

    @Test
    void anIntegerIsAcceptedForANumberField() {
        Event event = single(ndjson(Decoding.featureRequest("latency_seconds=2")));

        assertThat(number(event, "latency_seconds")).isEqualTo(2.0);
    }

    @Test
    void aLabelOf128CodePointsOutsideTheBmpIsAccepted() {
        String emoji = "\uD83D\uDE00".repeat(128); // 128 code points, 256 UTF-16 units

        Event event = single(ndjson(Decoding.featureRequest("aws_region=\"" + emoji + "\"")));

        assertThat(label(event, "aws_region")).isEqualTo(emoji);
    }

    @Test
    void ndjsonLinesSeparatedByBlankLinesDecodeInOrder() {
        String body = "\n" + Decoding.featureRequest("status=200") + "\n\n   \n"
                + Decoding.featureRequest("status=201") + "\r\n" + Decoding.featureRequest("status=202") + "\n\n";

        List<Event> events = accepted(ndjson(body));

        assertThat(events).extracting(event -> number(event, "status")).containsExactly(200.0, 201.0, 202.0);
    }

    @Test
    void aJsonArrayDecodesInOrder() {
        String body = "[\n" + Decoding.featureRequest("status=200") + ",\n" + Decoding.featureRequest("status=503") + "\n]\n";

        List<Event> events = accepted(jsonArray(body));

        assertThat(events).extracting(event -> number(event, "status")).containsExactly(200.0, 503.0);
    }

    @Test
    void anEmptyBodyIsAnEmptyBatch() {
        assertThat(accepted(ndjson(""))).isEmpty();
        assertThat(accepted(ndjson("\n \n"))).isEmpty();
        assertThat(accepted(jsonArray(""))).isEmpty();
    }

    @Test
    void anEmptyJsonArrayIsAnEmptyBatch() {
        assertThat(accepted(jsonArray(" [ ] "))).isEmpty();
    }

    @Test
    void aStreamBodyDecodesLikeAByteBody() {
        byte[] body = (Decoding.featureRequest("") + "\n" + Decoding.featureRequest("status=500")).getBytes(StandardCharsets.UTF_8);

        DecodeResult result = Decoding.DECODER.decode(new ByteArrayInputStream(body), BodyFormat.NDJSON, NOW);

        assertThat(accepted(result)).extracting(event -> number(event, "status")).containsExactly(200.0, 500.0);
    }
}
