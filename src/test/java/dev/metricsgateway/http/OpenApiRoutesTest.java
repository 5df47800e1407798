package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.metricsgateway.testing.HttpReply;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI spec is executable (STYLE.md item 12). For every operation of
 * {@code openapi/metrics-gateway.yaml} this checks that it is routed (neither the router's
 * 404 fallback nor a 405), and for every response status the operation documents it drives a
 * request from {@link #RECIPES} that must produce exactly that status, every response header
 * the spec declares for it (with a value its schema allows), a documented media type, and a
 * body that satisfies the documented JSON schema.
 *
 * <p>The spec drives the test, not the table: a documented (method, path, status) without a
 * recipe is a failing check, so a new spec entry forces a new check; a recipe for something the
 * spec no longer documents fails as well.
 *
 * <p>One gateway serves the recipes (a body limit of 4096 bytes). Load shedding gets a gateway
 * of its own with one in-flight slot, so holding that slot cannot disturb the other checks.
 */
@ExtendWith(VertxExtension.class)
class OpenApiRoutesTest {

    private static final Path SPEC_FILE = Path.of("openapi", "metrics-gateway.yaml");
    private static final JsonNode SPEC = readSpec();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

    private static final String EVENTS = "/api/v1/events";
    private static final String SCRAPE = "/api/v1/observability/metrics";
    private static final String ACCOUNTS = "/api/v1/service-accounts";
    private static final String ACCOUNT = "/api/v1/service-accounts/{id}";
    private static final String KEYS = "/api/v1/service-accounts/{id}/keys";
    private static final String KEY = "/api/v1/service-accounts/{id}/keys/{keyId}";
    /** A well-formed key id (the spec's pattern) that no key has. */
    private static final String UNKNOWN_KEY_ID = "0123456789abcdef";
    /** A well-formed account id (the spec's pattern) that no account has. */
    private static final String UNKNOWN_ACCOUNT_ID = "0123456789abcdef0123456789abcdef";
    /** Values for the path templates' parameters when a recipe needs no particular one. */
    private static final Map<String, String> PATH_PARAMETER_SAMPLES = Map.of("id", UNKNOWN_ACCOUNT_ID, "keyId", UNKNOWN_KEY_ID);

    private static final String NDJSON = "application/x-ndjson";
    private static final String OPENMETRICS_100 = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final String FEATURE_REQUEST = "{\"type\":\"feature_request\",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-1\","
            + "\"feature_service_name\":\"fraud\",\"latency_seconds\":0.25,\"status\":200}";
    private static final int MAX_BODY_BYTES = 4096;

    /** How each documented answer is produced, and what it must carry beyond what the spec says. */
    private static final Map<Documented, Recipe> RECIPES = recipes();

    @TempDir
    static Path dataDir;
    private static Vertx vertx;
    private static TestGateway gateway;
    /** What the router answers for a path it does not know: the reply a routed operation must never give. */
    private static HttpReply fallback;

    @BeforeAll
    static void startGateway(Vertx testVertx) throws Exception {
        vertx = testVertx;
        gateway = TestGateway.start(vertx, dataDir, Map.of("METRICS_GATEWAY_MAX_BODY_BYTES", String.valueOf(MAX_BODY_BYTES)));
        fallback = send(HttpMethod.GET, "/no/such/route", Map.of(), null);
        assertThat(fallback.status()).isEqualTo(404);
    }

    @AfterAll
    static void stopGateway() throws Exception {
        gateway.close();
    }

    @TestFactory
    Stream<DynamicNode> everyDocumentedOperationIsRoutedAndAnswersEachDocumentedStatus() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Operation operation : operations()) {
            List<DynamicNode> checks = new ArrayList<>();
            checks.add(DynamicTest.dynamicTest("is routed", () -> assertRouted(operation)));
            for (Iterator<String> statuses = operation.node().path("responses").fieldNames(); statuses.hasNext(); ) {
                String status = statuses.next();
                Documented documented = new Documented(operation.method(), operation.path(), statusCode(status));
                Recipe recipe = RECIPES.get(documented);
                String name = "answers " + status + (recipe == null ? " (no recipe)" : ": " + recipe.how());
                checks.add(DynamicTest.dynamicTest(name, () -> assertAnswers(documented, recipe, operation.node().path("responses").path(status))));
            }
            nodes.add(DynamicContainer.dynamicContainer(operation.method() + " " + operation.path(), checks));
        }
        nodes.add(DynamicTest.dynamicTest("every recipe checks a status the spec documents", () -> {
            Set<Documented> documented = new TreeSet<>();
            for (Operation operation : operations()) {
                operation.node().path("responses").fieldNames().forEachRemaining(status ->
                        documented.add(new Documented(operation.method(), operation.path(), statusCode(status))));
            }
            assertThat(RECIPES.keySet()).as("recipes for answers the spec does not document").isSubsetOf(documented);
        }));
        return nodes.stream();
    }

    private static void assertRouted(Operation operation) throws Exception {
        HttpReply reply = send(HttpMethod.valueOf(operation.method()), concretePath(operation.path()), Map.of(), null);
        assertThat(reply.status()).as("%s %s without key or body", operation.method(), operation.path()).isNotEqualTo(405);
        assertNotTheFallback(reply);
    }

    private static void assertNotTheFallback(HttpReply reply) {
        assertThat(reply.status() == fallback.status() && reply.text().equals(fallback.text()))
                .as("the router's fallback answer (%s %s): the path is not routed", reply.status(), reply.text())
                .isFalse();
    }

    private static void assertAnswers(Documented documented, Recipe recipe, JsonNode documentedResponse) throws Exception {
        if (recipe == null) {
            fail("the spec documents %s but %s has no recipe for it: add one to RECIPES", documented, OpenApiRoutesTest.class.getSimpleName());
        }
        HttpReply reply = recipe.request().send();
        assertThat(reply.status()).as("%s: status (body %s)", documented, reply.text()).isEqualTo(documented.status());
        assertNotTheFallback(reply);
        JsonNode response = resolve(documentedResponse);
        assertDeclaredHeaders(documented, response, reply);
        byte[] body = decodedBody(reply);
        assertDocumentedBody(documented, response, reply, body);
        recipe.check().check(reply, body);
    }

    // ---- The spec's side: operations, headers, bodies --------------------------------------------

    /** One operation of the spec: {@code method} upper-case, {@code path} as templated in the spec. */
    private record Operation(String method, String path, JsonNode node) {
    }

    /** One documented answer: what a recipe must produce. Sorted by its text, method first. */
    private record Documented(String method, String path, int status) implements Comparable<Documented> {
        @Override
        public int compareTo(Documented other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public String toString() {
            return method + " " + path + " " + status;
        }
    }

    private static List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        SPEC.path("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            if (HTTP_METHODS.contains(entry.getKey())) {
                operations.add(new Operation(entry.getKey().toUpperCase(Locale.ROOT), path.getKey(), entry.getValue()));
            }
        }));
        assertThat(operations).as("operations in %s", SPEC_FILE).isNotEmpty();
        return operations;
    }

    /** A documented response key as a status; {@code default} or {@code 4XX} would need recipes of another kind. */
    private static int statusCode(String responseKey) {
        assertThat(responseKey).as("a response key this test can drive").matches("[1-5][0-9][0-9]");
        return Integer.parseInt(responseKey);
    }

    private static String concretePath(String template) {
        Matcher parameter = Pattern.compile("\\{([^}]+)}").matcher(template);
        StringBuilder path = new StringBuilder();
        while (parameter.find()) {
            String sample = PATH_PARAMETER_SAMPLES.get(parameter.group(1));
            assertThat(sample).as("a sample value for path parameter %s of %s", parameter.group(1), template).isNotNull();
            parameter.appendReplacement(path, sample);
        }
        return parameter.appendTail(path).toString();
    }

    /** Every header the response declares as required is present; every declared header present has a value its schema allows. */
    private static void assertDeclaredHeaders(Documented documented, JsonNode response, HttpReply reply) {
        response.path("headers").properties().forEach(header -> {
            String value = reply.header(header.getKey());
            if (value == null && !resolve(header.getValue()).path("required").asBoolean(false)) {
                return;
            }
            assertThat(value).as("%s: declared header %s", documented, header.getKey()).isNotNull();
            JsonNode schema = resolve(resolve(header.getValue()).path("schema"));
            JsonNode asJson = schema.path("type").asText().equals("integer") && value.strip().matches("-?\\d+")
                    ? LongNode.valueOf(Long.parseLong(value.strip()))
                    : TextNode.valueOf(value);
            assertThat(violations(schema, asJson, header.getKey())).as("%s: header %s: %s", documented, header.getKey(), value).isEmpty();
            if (schema.path("format").asText().equals("uri-reference")) {
                assertThat(URI.create(value).isAbsolute()).as("%s: %s is a relative reference", documented, header.getKey()).isFalse();
            }
        });
    }

    /**
     * A response without {@code content} has an empty body; otherwise the Content-Type is one the
     * spec lists (exactly, or by media type when the listed one has no parameters), and a JSON
     * body satisfies that media type's schema.
     */
    private static void assertDocumentedBody(Documented documented, JsonNode response, HttpReply reply, byte[] body) throws IOException {
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            assertThat(body).as("%s: a response without documented content", documented).isEmpty();
            return;
        }
        String contentType = reply.header("Content-Type");
        assertThat(contentType).as("%s: Content-Type", documented).isNotNull();
        String mediaType = mediaType(contentType);
        String listed = null;
        for (Iterator<String> types = content.fieldNames(); types.hasNext(); ) {
            String candidate = types.next();
            boolean exact = candidate.equalsIgnoreCase(contentType);
            boolean byMediaType = !candidate.contains(";") && candidate.equalsIgnoreCase(mediaType);
            if (exact || byMediaType) {
                listed = candidate;
            }
        }
        assertThat(listed).as("%s: Content-Type %s is one of %s", documented, contentType, iterable(content.fieldNames())).isNotNull();
        JsonNode schema = content.path(listed).path("schema");
        JsonNode value = mediaType.equals("application/json") || mediaType.endsWith("+json")
                ? JSON.readTree(body)
                : TextNode.valueOf(new String(body, StandardCharsets.UTF_8));
        assertThat(violations(schema, value, "body")).as("%s: body %s against the schema of %s", documented, value, listed).isEmpty();
    }

    // ---- A small validator for the JSON Schema keywords the spec's responses use ------------------

    /** What {@code value} breaks of {@code schema}: $ref, allOf, oneOf, type, const, enum, bounds, required, properties, items. */
    private static List<String> violations(JsonNode schema, JsonNode value, String at) {
        List<String> problems = new ArrayList<>();
        validate(schema, value, at, problems);
        return problems;
    }

    private static void validate(JsonNode schema, JsonNode value, String at, List<String> problems) {
        if (schema.has("$ref")) {
            validate(resolve(schema), value, at, problems);
            return;
        }
        schema.path("allOf").forEach(part -> validate(part, value, at, problems));
        if (schema.has("oneOf")) {
            long matching = stream(schema.get("oneOf")).filter(option -> violations(option, value, at).isEmpty()).count();
            if (matching != 1) {
                problems.add(at + ": matches " + matching + " of the oneOf schemas, not exactly one");
            }
        }
        if (schema.has("type") && stream(schema.get("type")).noneMatch(type -> hasType(value, type.asText()))) {
            problems.add(at + ": " + value + " is not of type " + schema.get("type"));
            return;
        }
        if (schema.has("const") && !sameValue(schema.get("const"), value)) {
            problems.add(at + ": " + value + " is not " + schema.get("const"));
        }
        if (schema.has("enum") && stream(schema.get("enum")).noneMatch(option -> sameValue(option, value))) {
            problems.add(at + ": " + value + " is not one of " + schema.get("enum"));
        }
        if (value.isNumber()) {
            if (schema.has("minimum") && value.decimalValue().compareTo(schema.get("minimum").decimalValue()) < 0) {
                problems.add(at + ": " + value + " is below " + schema.get("minimum"));
            }
            if (schema.has("maximum") && value.decimalValue().compareTo(schema.get("maximum").decimalValue()) > 0) {
                problems.add(at + ": " + value + " is above " + schema.get("maximum"));
            }
        }
        if (value.isTextual()) {
            int length = value.asText().codePointCount(0, value.asText().length());
            if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
                problems.add(at + ": " + value + " is shorter than " + schema.get("minLength"));
            }
            if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
                problems.add(at + ": " + value + " is longer than " + schema.get("maxLength"));
            }
            if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(value.asText()).find()) {
                problems.add(at + ": " + value + " does not match " + schema.get("pattern"));
            }
        }
        if (value.isObject()) {
            schema.path("required").forEach(name -> {
                if (!value.has(name.asText())) {
                    problems.add(at + ": required property " + name.asText() + " is missing from " + value);
                }
            });
            schema.path("properties").properties().forEach(property -> {
                if (value.has(property.getKey())) {
                    validate(property.getValue(), value.get(property.getKey()), at + "." + property.getKey(), problems);
                }
            });
        }
        if (value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
                problems.add(at + ": fewer than " + schema.get("minItems") + " items");
            }
            if (schema.path("uniqueItems").asBoolean() && stream(value).distinct().count() != value.size()) {
                problems.add(at + ": items are not unique");
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    validate(schema.get("items"), value.get(i), at + "[" + i + "]", problems);
                }
            }
        }
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue()));
            default -> throw new IllegalArgumentException(type + ": not a JSON Schema type");
        };
    }

    /** JSON equality, with numbers compared by value (Jackson's IntNode(1) does not equal LongNode(1)). */
    private static boolean sameValue(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    /** Follows a local {@code $ref} (any number of hops); anything else is returned as it is. */
    private static JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current.has("$ref"); hops++) {
            String ref = current.get("$ref").asText();
            assertThat(ref).as("only local references are supported").startsWith("#/");
            assertThat(hops).as("reference cycle at %s", ref).isLessThan(20);
            current = SPEC.at(ref.substring(1));
            assertThat(current.isMissingNode()).as("%s resolves", ref).isFalse();
        }
        return current;
    }

    private static Stream<JsonNode> stream(JsonNode node) {
        if (!node.isArray()) {
            return Stream.of(node);
        }
        List<JsonNode> items = new ArrayList<>();
        node.forEach(items::add);
        return items.stream();
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    private static String mediaType(String contentType) {
        return contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    private static byte[] decodedBody(HttpReply reply) throws IOException {
        byte[] raw = reply.body().getBytes();
        if (!"gzip".equalsIgnoreCase(reply.header("Content-Encoding"))) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
            return in.readAllBytes();
        }
    }

    /** The examples the spec gives for a request body, by content type (both {@code example} and {@code examples}). */
    private static String exampleRequestBody(String path, String method, String contentType) {
        JsonNode media = SPEC.path("paths").path(path).path(method).path("requestBody").path("content").path(contentType);
        JsonNode example = media.has("example") ? media.get("example") : media.path("examples").elements().next().path("value");
        assertThat(example.isMissingNode()).as("the spec's example of a %s %s %s body", method, path, contentType).isFalse();
        try {
            return example.isTextual() ? example.asText() : JSON.writeValueAsString(example);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readSpec() {
        try {
            return new YAMLMapper().readTree(SPEC_FILE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(SPEC_FILE.toAbsolutePath() + ": cannot read the OpenAPI spec", e);
        }
    }

    // ---- The recipes ------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Request {
        HttpReply send() throws Exception;
    }

    @FunctionalInterface
    private interface ReplyCheck {
        /** @param body the body, gunzipped when the reply was gzip-encoded */
        void check(HttpReply reply, byte[] body) throws Exception;
    }

    /** @param how what the request is, for the test's name */
    private record Recipe(String how, Request request, ReplyCheck check) {
    }

    private static Map<Documented, Recipe> recipes() {
        Map<Documented, Recipe> recipes = new LinkedHashMap<>();
        ReplyCheck nothingMore = (reply, body) -> { };
        String badStatus = FEATURE_REQUEST.replace("\"status\":200", "\"status\":700");
        String overTheLimit = (FEATURE_REQUEST + "\n").repeat(MAX_BODY_BYTES / FEATURE_REQUEST.length() + 1);
        String someAccount = "{\"name\":\"x\",\"roles\":[\"admin\"]}";

        // Health
        recipes.put(new Documented("GET", "/healthz", 200), new Recipe("without a key",
                () -> send(HttpMethod.GET, "/healthz", Map.of(), null), nothingMore));
        recipes.put(new Documented("GET", "/readyz", 200), new Recipe("without a key, while serving",
                () -> send(HttpMethod.GET, "/readyz", Map.of(), null), nothingMore));
        recipes.put(new Documented("GET", "/readyz", 503), new Recipe("while the gateway drains for shutdown",
                OpenApiRoutesTest::readinessWhileDraining, nothingMore));

        // Ingest
        recipes.put(new Documented("POST", EVENTS, 202), new Recipe("the spec's own NDJSON example, as an event-writer",
                () -> send(HttpMethod.POST, EVENTS, key(gateway.writerKey, "Content-Type", NDJSON), exampleRequestBody(EVENTS, "post", NDJSON)),
                (reply, body) -> {
                    long events = exampleRequestBody(EVENTS, "post", NDJSON).lines().filter(line -> !line.isBlank()).count();
                    assertThat(JSON.readTree(body).path("accepted").asLong()).isEqualTo(events);
                }));
        recipes.put(new Documented("POST", EVENTS, 400), new Recipe("an event whose status is 700",
                () -> send(HttpMethod.POST, EVENTS, key(gateway.writerKey, "Content-Type", NDJSON), badStatus),
                (reply, body) -> {
                    JsonNode detail = JSON.readTree(body).path("details").path(0);
                    assertThat(detail.path("index").asInt()).isZero();
                    assertThat(detail.path("field").asText()).isEqualTo("status");
                }));
        recipes.put(new Documented("POST", EVENTS, 401), new Recipe("a valid batch without a key",
                () -> send(HttpMethod.POST, EVENTS, Map.of("Content-Type", NDJSON), FEATURE_REQUEST), nothingMore));
        recipes.put(new Documented("POST", EVENTS, 403), new Recipe("a valid batch from a metrics-reader",
                () -> send(HttpMethod.POST, EVENTS, key(gateway.readerKey, "Content-Type", NDJSON), FEATURE_REQUEST), nothingMore));
        recipes.put(new Documented("POST", EVENTS, 413), new Recipe("valid events over METRICS_GATEWAY_MAX_BODY_BYTES=" + MAX_BODY_BYTES,
                () -> send(HttpMethod.POST, EVENTS, key(gateway.writerKey, "Content-Type", NDJSON), overTheLimit), nothingMore));
        recipes.put(new Documented("POST", EVENTS, 415), new Recipe("a valid event as text/plain",
                () -> send(HttpMethod.POST, EVENTS, key(gateway.writerKey, "Content-Type", "text/plain"), FEATURE_REQUEST), nothingMore));
        recipes.put(new Documented("POST", EVENTS, 409), new Recipe("a second, different batch under an Idempotency-Key already applied",
                () -> {
                    Map<String, String> headers = key(gateway.writerKey, "Content-Type", NDJSON, "Idempotency-Key", "openapi-409");
                    assertThat(send(HttpMethod.POST, EVENTS, headers, FEATURE_REQUEST).status()).isEqualTo(202);
                    return send(HttpMethod.POST, EVENTS, headers, FEATURE_REQUEST + "\n" + FEATURE_REQUEST);
                }, nothingMore));
        recipes.put(new Documented("POST", EVENTS, 429), new Recipe("a batch while another holds the only in-flight slot",
                OpenApiRoutesTest::ingestWhileTheOnlySlotIsHeld, nothingMore));

        // Scrapes
        recipes.put(new Documented("GET", SCRAPE, 200), new Recipe("Prometheus' Accept and Accept-Encoding: gzip, as a metrics-reader",
                () -> send(HttpMethod.GET, SCRAPE, key(gateway.readerKey, "Accept", PROMETHEUS_ACCEPT, "Accept-Encoding", "gzip"), null),
                (reply, body) -> {
                    assertThat(reply.header("Content-Type")).isEqualTo(OPENMETRICS_100);
                    assertThat(new String(body, StandardCharsets.UTF_8)).endsWith("# EOF\n");
                }));
        recipes.put(new Documented("GET", SCRAPE, 401), new Recipe("without a key",
                () -> send(HttpMethod.GET, SCRAPE, Map.of(), null), nothingMore));
        recipes.put(new Documented("GET", SCRAPE, 403), new Recipe("as an event-writer",
                () -> send(HttpMethod.GET, SCRAPE, key(gateway.writerKey), null), nothingMore));
        recipes.put(new Documented("GET", "/metrics", 200), new Recipe("no Accept and Accept-Encoding: gzip, as a metrics-reader",
                () -> send(HttpMethod.GET, "/metrics", key(gateway.readerKey, "Accept-Encoding", "gzip"), null),
                (reply, body) -> {
                    assertThat(reply.header("Content-Type")).isEqualTo(TEXT_004);
                    assertThat(new String(body, StandardCharsets.UTF_8)).contains("# TYPE metrics_gateway_events_accepted_total counter");
                }));
        recipes.put(new Documented("GET", "/metrics", 401), new Recipe("without a key",
                () -> send(HttpMethod.GET, "/metrics", Map.of(), null), nothingMore));
        recipes.put(new Documented("GET", "/metrics", 403), new Recipe("as an event-writer",
                () -> send(HttpMethod.GET, "/metrics", key(gateway.writerKey), null), nothingMore));

        // Service accounts
        recipes.put(new Documented("GET", ACCOUNTS, 200), new Recipe("as an admin",
                () -> send(HttpMethod.GET, ACCOUNTS, key(gateway.adminKey), null),
                (reply, body) -> assertThat(JSON.readTree(body).findValuesAsText("name")).contains("admin", "reader", "writer")));
        recipes.put(new Documented("GET", ACCOUNTS, 401), new Recipe("without a key",
                () -> send(HttpMethod.GET, ACCOUNTS, Map.of(), null), nothingMore));
        recipes.put(new Documented("GET", ACCOUNTS, 403), new Recipe("as a metrics-reader",
                () -> send(HttpMethod.GET, ACCOUNTS, key(gateway.readerKey), null), nothingMore));
        recipes.put(new Documented("POST", ACCOUNTS, 201), new Recipe("the spec's own example, as an admin",
                () -> createAccount(exampleRequestBody(ACCOUNTS, "post", "application/json")),
                (reply, body) -> {
                    JsonNode created = JSON.readTree(body);
                    assertThat(reply.header("Location")).isEqualTo(ACCOUNTS + "/" + created.path("id").asText());
                    // The example asks for an event-writer: its key works at once.
                    HttpReply ingest = send(HttpMethod.POST, EVENTS, key(created.path("api_key").asText(), "Content-Type", NDJSON), FEATURE_REQUEST);
                    assertThat(ingest.status()).as("an ingest with the new key").isEqualTo(202);
                }));
        recipes.put(new Documented("POST", ACCOUNTS, 400), new Recipe("an unknown role",
                () -> createAccount("{\"name\":\"scraper\",\"roles\":[\"metrics-reader\",\"reader\"]}"),
                (reply, body) -> assertThat(JSON.readTree(body).path("details").path(0).path("field").asText()).isEqualTo("roles[1]")));
        recipes.put(new Documented("POST", ACCOUNTS, 401), new Recipe("without a key",
                () -> send(HttpMethod.POST, ACCOUNTS, Map.of("Content-Type", "application/json"), someAccount), nothingMore));
        recipes.put(new Documented("POST", ACCOUNTS, 403), new Recipe("as an event-writer",
                () -> send(HttpMethod.POST, ACCOUNTS, key(gateway.writerKey, "Content-Type", "application/json"), someAccount), nothingMore));
        recipes.put(new Documented("POST", ACCOUNTS, 413), new Recipe("a description of 70 000 characters (over 64 KiB)",
                () -> createAccount("{\"name\":\"big\",\"description\":\"" + "d".repeat(70_000) + "\",\"roles\":[\"admin\"]}"), nothingMore));
        recipes.put(new Documented("POST", ACCOUNTS, 415), new Recipe("a valid request as text/plain",
                () -> send(HttpMethod.POST, ACCOUNTS, key(gateway.adminKey, "Content-Type", "text/plain"), someAccount), nothingMore));
        recipes.put(new Documented("DELETE", ACCOUNT, 204), new Recipe("an account just created, as an admin",
                OpenApiRoutesTest::deleteAFreshScraper,
                (reply, body) -> assertThat(send(HttpMethod.GET, SCRAPE, key(lastDeletedKey), null).status())
                        .as("a scrape with the deleted account's key").isEqualTo(401)));
        recipes.put(new Documented("DELETE", ACCOUNT, 404), new Recipe("an id no account has, as an admin",
                () -> send(HttpMethod.DELETE, ACCOUNTS + "/" + UNKNOWN_ACCOUNT_ID, key(gateway.adminKey), null), nothingMore));
        recipes.put(new Documented("DELETE", ACCOUNT, 401), new Recipe("without a key",
                () -> send(HttpMethod.DELETE, ACCOUNTS + "/" + UNKNOWN_ACCOUNT_ID, Map.of(), null), nothingMore));
        recipes.put(new Documented("DELETE", ACCOUNT, 403), new Recipe("as a metrics-reader",
                () -> send(HttpMethod.DELETE, ACCOUNTS + "/" + UNKNOWN_ACCOUNT_ID, key(gateway.readerKey), null), nothingMore));

        // Keys of an account
        recipes.put(new Documented("POST", KEYS, 201), new Recipe("the spec's own example for a fresh account, as an admin",
                () -> issueKey(freshScraper(), exampleRequestBody(KEYS, "post", "application/json")),
                (reply, body) -> {
                    JsonNode issued = JSON.readTree(body);
                    assertThat(reply.header("Location")).isEqualTo(
                            ACCOUNTS + "/" + issued.path("service_account_id").asText() + "/keys/" + issued.path("key_id").asText());
                    assertThat(send(HttpMethod.GET, SCRAPE, key(issued.path("api_key").asText()), null).status())
                            .as("a scrape with the new key").isEqualTo(200);
                }));
        recipes.put(new Documented("POST", KEYS, 400), new Recipe("an expires_in that is no duration",
                () -> issueKey(freshScraper(), "{\"expires_in\":\"soon\"}"),
                (reply, body) -> assertThat(JSON.readTree(body).path("details").path(0).path("field").asText()).isEqualTo("expires_in")));
        recipes.put(new Documented("POST", KEYS, 401), new Recipe("without a key",
                () -> send(HttpMethod.POST, ACCOUNTS + "/" + UNKNOWN_ACCOUNT_ID + "/keys", Map.of(), null), nothingMore));
        recipes.put(new Documented("POST", KEYS, 403), new Recipe("as a metrics-reader",
                () -> send(HttpMethod.POST, ACCOUNTS + "/" + UNKNOWN_ACCOUNT_ID + "/keys", key(gateway.readerKey), null), nothingMore));
        recipes.put(new Documented("POST", KEYS, 404), new Recipe("an id no account has, as an admin",
                () -> send(HttpMethod.POST, ACCOUNTS + "/" + UNKNOWN_ACCOUNT_ID + "/keys", key(gateway.adminKey), null), nothingMore));
        recipes.put(new Documented("POST", KEYS, 409), new Recipe("a third key for an account holding two",
                () -> {
                    JsonNode account = freshScraper();
                    assertThat(issueKey(account, null).status()).as("the second key").isEqualTo(201);
                    return issueKey(account, null);
                }, nothingMore));
        recipes.put(new Documented("POST", KEYS, 413), new Recipe("a body of 70 000 characters (over 64 KiB)",
                () -> issueKey(freshScraper(), "{\"expires_in\":\"1d\",\"padding\":\"" + "p".repeat(70_000) + "\"}"), nothingMore));
        recipes.put(new Documented("POST", KEYS, 415), new Recipe("a valid body as text/plain",
                () -> send(HttpMethod.POST, ACCOUNTS + "/" + freshScraper().path("id").asText() + "/keys",
                        key(gateway.adminKey, "Content-Type", "text/plain"), "{\"expires_in\":\"1d\"}"), nothingMore));
        recipes.put(new Documented("DELETE", KEY, 204), new Recipe("the first key of an account that holds two, as an admin",
                () -> {
                    JsonNode account = freshScraper();
                    assertThat(issueKey(account, null).status()).as("the second key").isEqualTo(201);
                    return send(HttpMethod.DELETE, keyPath(account), key(gateway.adminKey), null);
                }, nothingMore));
        recipes.put(new Documented("DELETE", KEY, 401), new Recipe("without a key",
                () -> send(HttpMethod.DELETE, ACCOUNTS + "/" + UNKNOWN_ACCOUNT_ID + "/keys/" + UNKNOWN_KEY_ID, Map.of(), null), nothingMore));
        recipes.put(new Documented("DELETE", KEY, 403), new Recipe("as a metrics-reader",
                () -> send(HttpMethod.DELETE, ACCOUNTS + "/" + UNKNOWN_ACCOUNT_ID + "/keys/" + UNKNOWN_KEY_ID, key(gateway.readerKey), null),
                nothingMore));
        recipes.put(new Documented("DELETE", KEY, 404), new Recipe("a key id the account does not have, as an admin",
                () -> send(HttpMethod.DELETE, ACCOUNTS + "/" + freshScraper().path("id").asText() + "/keys/" + UNKNOWN_KEY_ID,
                        key(gateway.adminKey), null), nothingMore));
        recipes.put(new Documented("DELETE", KEY, 409), new Recipe("the only key of an account, as an admin",
                () -> send(HttpMethod.DELETE, keyPath(freshScraper()), key(gateway.adminKey), null), nothingMore));
        return Map.copyOf(recipes);
    }

    /** A new metrics-reader account, as the create answer shows it (id, key_id, api_key, ...). */
    private static JsonNode freshScraper() throws Exception {
        HttpReply created = createAccount("{\"name\":\"rotating\",\"roles\":[\"metrics-reader\"]}");
        assertThat(created.status()).as("creating the account").isEqualTo(201);
        return JSON.readTree(created.text());
    }

    /** {@code POST .../keys} for {@code account} as an admin, with a JSON body or none. */
    private static HttpReply issueKey(JsonNode account, String json) throws Exception {
        String path = ACCOUNTS + "/" + account.path("id").asText() + "/keys";
        return json == null
                ? send(HttpMethod.POST, path, key(gateway.adminKey), null)
                : send(HttpMethod.POST, path, key(gateway.adminKey, "Content-Type", "application/json"), json);
    }

    /** The path of the key the account was created with. */
    private static String keyPath(JsonNode account) {
        return ACCOUNTS + "/" + account.path("id").asText() + "/keys/" + account.path("key_id").asText();
    }

    /** {@code Authorization: Tecton-key <key>} plus the given header names and values. */
    private static Map<String, String> key(String apiKey, String... moreHeaders) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Tecton-key " + apiKey);
        for (int i = 0; i < moreHeaders.length; i += 2) {
            headers.put(moreHeaders[i], moreHeaders[i + 1]);
        }
        return headers;
    }

    private static HttpReply createAccount(String json) throws Exception {
        return send(HttpMethod.POST, ACCOUNTS, key(gateway.adminKey, "Content-Type", "application/json"), json);
    }

    /** The key of the account {@link #deleteAFreshScraper} deleted last. */
    private static volatile String lastDeletedKey;

    private static HttpReply deleteAFreshScraper() throws Exception {
        HttpReply created = createAccount("{\"name\":\"short-lived\",\"roles\":[\"metrics-reader\"]}");
        assertThat(created.status()).as("creating the account to delete").isEqualTo(201);
        lastDeletedKey = created.json().getString("api_key");
        assertThat(send(HttpMethod.GET, SCRAPE, key(lastDeletedKey), null).status()).as("a scrape with its key, before").isEqualTo(200);
        return send(HttpMethod.DELETE, ACCOUNTS + "/" + created.json().getString("id"), key(gateway.adminKey), null);
    }

    /**
     * {@code 429}: a gateway with one in-flight ingest slot, held by a raw connection that sent
     * its headers with {@code Expect: 100-continue}. The gateway writes {@code 100 Continue} only
     * once the request is past authentication and admission, i.e. holds the slot, so the second
     * batch is shed without any waiting or polling. Then the held batch completes normally.
     */
    private static HttpReply ingestWhileTheOnlySlotIsHeld() throws Exception {
        Path sheddingDir = Files.createDirectories(dataDir.resolve("shedding"));
        try (TestGateway shedding = TestGateway.start(vertx, sheddingDir, Map.of("METRICS_GATEWAY_MAX_INFLIGHT_INGEST_REQUESTS", "1"));
             Socket held = new Socket("127.0.0.1", shedding.port())) {
            byte[] body = FEATURE_REQUEST.getBytes(StandardCharsets.UTF_8);
            OutputStream out = held.getOutputStream();
            InputStream in = held.getInputStream();
            held.setSoTimeout(30_000);
            out.write(("POST " + EVENTS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Tecton-key " + shedding.writerKey
                    + "\r\nContent-Type: " + NDJSON + "\r\nContent-Length: " + body.length + "\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readHead(in)).as("the held request is admitted").startsWith("HTTP/1.1 100");

            HttpReply shed = shedding.call(HttpMethod.POST, EVENTS, key(shedding.writerKey, "Content-Type", NDJSON), Buffer.buffer(FEATURE_REQUEST));

            out.write(body);
            out.flush();
            assertThat(readHead(in)).as("the held request, once its body arrives").startsWith("HTTP/1.1 202");
            return shed;
        }
    }

    /** Reads one response head (status line and headers) from a raw HTTP/1.1 connection. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("connection closed after " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(next);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** {@code 503}: a gateway of its own, put into the draining state SIGTERM starts with. */
    private static HttpReply readinessWhileDraining() throws Exception {
        try (TestGateway draining = TestGateway.start(vertx, Files.createDirectories(dataDir.resolve("draining")), Map.of())) {
            draining.startDraining();
            return draining.get("/readyz", Map.of());
        }
    }

    /** One request to the shared gateway. */
    private static HttpReply send(HttpMethod method, String path, Map<String, String> headers, String body) throws Exception {
        return gateway.call(method, path, headers, body == null ? null : Buffer.buffer(body));
    }
}
