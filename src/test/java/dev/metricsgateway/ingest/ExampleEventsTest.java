package dev.metricsgateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.core.WindowSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The examples are executable (STYLE.md item 12): every event file in {@code examples/events/}
 * and every example body the OpenAPI spec gives for {@code POST /api/v1/events} decodes, in full,
 * with the decoder and default catalog the gateway serves with; and every event type of the
 * default catalog has an example file.
 *
 * <p>The files are read as {@code send.sh} posts them: {@code *.ndjson} as
 * {@code application/x-ndjson}, {@code *.json} as {@code application/json}, each
 * {@code "__NOW_MINUS_<ms>__"} (quotes included) replaced by the integer now − ms.
 */
class ExampleEventsTest {

    private static final Path EXAMPLES = Path.of("examples", "events");
    private static final Path SPEC_FILE = Path.of("openapi", "metrics-gateway.yaml");
    /** The arrival time of every decoded example: 2023-11-14T22:13:20Z. */
    private static final long NOW_MILLIS = 1_700_000_000_000L;
    /** What send.sh's sed replaces: the quoted placeholder, digits required. */
    private static final Pattern NOW_MINUS = Pattern.compile("\"__NOW_MINUS_([0-9]+)__\"");
    private static final Map<String, BodyFormat> FORMAT_BY_EXTENSION = Map.of(
            "ndjson", BodyFormat.fromContentType("application/x-ndjson").orElseThrow(),
            "json", BodyFormat.fromContentType("application/json").orElseThrow());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventDecoder DECODER = new EventDecoder(
            new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults()).schemas(), 60_000, 100);

    @TestFactory
    Stream<DynamicTest> everyExampleFileDecodesInFullIntoEventsOfItsType() throws IOException {
        List<Path> files = exampleFiles();
        assertThat(files).as("event files in %s", EXAMPLES.toAbsolutePath()).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            byte[] body = render(Files.readString(file, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            BodyFormat format = FORMAT_BY_EXTENSION.get(extension(file));

            List<Event> events = assertAccepted(DECODER.decode(body, format, NOW_MILLIS), expectedEvents(body, format), file.toString());

            assertThat(events).as("%s holds at least one event", file).isNotEmpty();
            assertThat(events).as("the events of %s are all of type %s", file, baseName(file))
                    .allSatisfy(event -> assertThat(event.schema().name()).isEqualTo(baseName(file)));
        }));
    }

    @Test
    void everyEventTypeOfTheDefaultCatalogHasAnExampleFile() throws IOException {
        Set<String> typesWithAFile = exampleFiles().stream().map(ExampleEventsTest::baseName).collect(Collectors.toCollection(TreeSet::new));

        assertThat(typesWithAFile).containsAll(CatalogLoader.loadDefault().eventTypes().keySet());
    }

    @TestFactory
    Stream<DynamicTest> everyExampleBodyOfTheSpecsIngestOperationDecodesInFull() throws IOException {
        JsonNode content = new YAMLMapper().readTree(SPEC_FILE.toFile())
                .path("paths").path("/api/v1/events").path("post").path("requestBody").path("content");
        assertThat(content.isEmpty()).as("request body content types of POST /api/v1/events in %s", SPEC_FILE).isFalse();
        List<DynamicTest> tests = new ArrayList<>();
        content.properties().forEach(media -> {
            String contentType = media.getKey();
            List<Map.Entry<String, JsonNode>> examples = new ArrayList<>();
            if (media.getValue().has("example")) {
                examples.add(Map.entry("example", media.getValue().get("example")));
            }
            media.getValue().path("examples").properties().forEach(named ->
                    examples.add(Map.entry("examples." + named.getKey(), named.getValue().path("value"))));
            tests.add(DynamicTest.dynamicTest(contentType + " has an example", () -> assertThat(examples).isNotEmpty()));
            for (Map.Entry<String, JsonNode> example : examples) {
                tests.add(DynamicTest.dynamicTest(contentType + " " + example.getKey(), () -> {
                    BodyFormat format = BodyFormat.fromContentType(contentType).orElseThrow(() ->
                            new AssertionError(contentType + ": the spec documents a content type the gateway does not take"));
                    JsonNode value = example.getValue();
                    if (format == BodyFormat.NDJSON) {
                        assertThat(value.isTextual()).as("an NDJSON example is a string: %s", value).isTrue();
                    }
                    byte[] body = value.isTextual() ? value.asText().getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(value);

                    assertAccepted(DECODER.decode(body, format, NOW_MILLIS), expectedEvents(body, format), contentType + " " + example.getKey());
                }));
            }
        });
        return tests.stream();
    }

    /** Asserts that {@code result} accepted exactly {@code expected} events, and returns them. */
    private static List<Event> assertAccepted(DecodeResult result, int expected, String what) {
        assertThat(result).as("%s decodes without violations", what).isInstanceOf(DecodeResult.Accepted.class);
        List<Event> events = ((DecodeResult.Accepted) result).events();
        assertThat(events).as("%s: one event per line or array element", what).hasSize(expected);
        return events;
    }

    /** The number of events a body holds, counted independently of the decoder. */
    private static int expectedEvents(byte[] body, BodyFormat format) throws IOException {
        if (format == BodyFormat.NDJSON) {
            return (int) new String(body, StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).count();
        }
        JsonNode array = JSON.readTree(body);
        assertThat(array.isArray()).as("a JSON example is an array of events").isTrue();
        return array.size();
    }

    /** What send.sh posts: each quoted "__NOW_MINUS_<ms>__" becomes the integer now − ms. */
    private static String render(String text) {
        Matcher placeholder = NOW_MINUS.matcher(text);
        StringBuilder rendered = new StringBuilder();
        while (placeholder.find()) {
            placeholder.appendReplacement(rendered, Long.toString(NOW_MILLIS - Long.parseLong(placeholder.group(1))));
        }
        String result = placeholder.appendTail(rendered).toString();
        assertThat(result).as("placeholders send.sh would leave in place").doesNotContain("__NOW_MINUS_");
        return result;
    }

    /** The event files send.sh posts: {@code *.ndjson} and {@code *.json}, sorted by name. */
    private static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(file -> FORMAT_BY_EXTENSION.containsKey(extension(file))).sorted().toList();
        }
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
