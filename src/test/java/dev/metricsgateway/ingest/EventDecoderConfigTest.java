package dev.metricsgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.metricsgateway.catalog.EventSchema;
import dev.metricsgateway.catalog.EventTypeSpec;
import dev.metricsgateway.catalog.FieldSpec;
import dev.metricsgateway.catalog.FieldType;
import dev.metricsgateway.core.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EventDecoderConfigTest {

    @Test
    void aSchemaDeclaringAReservedFieldIsRefused() {
        EventSchema schema = EventSchema.compile(new EventTypeSpec("odd", List.of(
                new FieldSpec("time", FieldType.NUMBER, false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, List.of()))));

        assertThatThrownBy(() -> new EventDecoder(Map.of("odd", schema), 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("odd: field \"time\" is reserved");
    }

    @Test
    void aNegativeSkewIsRefused() {
        assertThatThrownBy(() -> new EventDecoder(Decoding.SCHEMAS, -1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportingNoViolationsIsRefused() {
        assertThatThrownBy(() -> new EventDecoder(Decoding.SCHEMAS, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFieldThatIsAnArrayInOneTypeAndANumberInAnotherIsReadForBoth() {
        FieldSpec item = new FieldSpec("n", FieldType.INTEGER, false, 0, 10, List.of());
        Map<String, EventSchema> schemas = Map.of(
                "a", EventSchema.compile(new EventTypeSpec("a", List.of(new FieldSpec("x", FieldType.ARRAY, false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, List.of(item))))),
                "b", EventSchema.compile(new EventTypeSpec("b", List.of(new FieldSpec("x", FieldType.NUMBER, false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, List.of())))));
        EventDecoder decoder = new EventDecoder(schemas, 0, 10);
        byte[] body = "{\"type\":\"a\",\"x\":[{\"n\":3}]}\n{\"x\":7,\"type\":\"b\"}".getBytes(StandardCharsets.UTF_8);

        List<Event> events = Decoding.accepted(decoder.decode(body, BodyFormat.NDJSON, 0));

        assertThat(events.get(0).items(0)[0].number(0)).isEqualTo(3);
        assertThat(events.get(1).number(0)).isEqualTo(7);
    }

    @Test
    void oneDecoderServesManyThreadsAtOnce() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            body.append(Decoding.featureRequest("status=" + (200 + i))).append('\n');
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Double>> sums = new ArrayList<>();
            for (int task = 0; task < 32; task++) {
                sums.add(pool.submit(() -> {
                    double sum = 0;
                    for (int round = 0; round < 50; round++) {
                        for (Event event : Decoding.accepted(Decoding.DECODER.decode(bytes, BodyFormat.NDJSON, Decoding.NOW))) {
                            sum += Decoding.number(event, "status");
                        }
                    }
                    return sum;
                }));
            }
            double expected = 50 * (200 * 200 + 199 * 200 / 2.0);
            for (Future<Double> sum : sums) {
                assertThat(sum.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
