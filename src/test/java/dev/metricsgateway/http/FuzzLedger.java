package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.ExternalTool;
import dev.metricsgateway.testing.HttpReply;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a fuzzed gateway must hold after every request: the sum of {@code accepted} over the 202
 * answers that applied a batch equals {@code metrics_gateway_events_accepted_total}, and a request
 * that applied nothing left the scrape byte for byte as it was. The gateway runs on a manual
 * clock that never moves, so an unchanged state renders identically, timestamps included.
 *
 * <p>Confined to the test thread.
 */
final class FuzzLedger {

    private static final String ACCEPTED_TOTAL = "metrics_gateway_events_accepted_total ";

    private final TestGateway gateway;
    private long acceptedEvents;
    private String scrape;

    FuzzLedger(TestGateway gateway) throws Exception {
        this.gateway = gateway;
        this.scrape = scrape();
    }

    long acceptedEvents() {
        return acceptedEvents;
    }

    /** After a request that applied a batch of {@code events} (possibly none, or all late). */
    void applied(int events) throws Exception {
        acceptedEvents += events;
        scrape = scrape();
        assertCounter("after a 202");
    }

    /** After the clock moved on: expired series left the scrape legitimately; the counter did not move. */
    void resync() throws Exception {
        scrape = scrape();
        assertCounter("after the clock moved");
    }

    /**
     * After a request that must have applied nothing.
     *
     * @return null, or what changed although nothing should have
     */
    String unchanged() throws Exception {
        String now = scrape();
        if (!now.equals(scrape)) {
            String before = scrape;
            scrape = now; // report once, then carry on from the new state
            return "the scrape changed (" + before.length() + " -> " + now.length() + " bytes): " + firstDifference(before, now);
        }
        long counted = acceptedTotal();
        if (counted != acceptedEvents) {
            String problem = "metrics_gateway_events_accepted_total is " + counted + ", the 202s add up to " + acceptedEvents;
            acceptedEvents = counted;
            return problem;
        }
        return null;
    }

    void assertCounter(String when) throws Exception {
        assertThat(acceptedTotal()).as("metrics_gateway_events_accepted_total %s", when).isEqualTo(acceptedEvents);
    }

    long acceptedTotal() throws Exception {
        HttpReply own = gateway.get("/metrics", Map.of("Authorization", "Tecton-key " + gateway.readerKey));
        assertThat(own.status()).isEqualTo(200);
        for (String line : own.text().split("\n")) {
            if (line.startsWith(ACCEPTED_TOTAL)) {
                return (long) Double.parseDouble(line.substring(ACCEPTED_TOTAL.length()).trim());
            }
        }
        throw new AssertionError("no " + ACCEPTED_TOTAL + "in /metrics:\n" + own.text());
    }

    private String scrape() throws Exception {
        HttpReply reply = gateway.scrape(null);
        assertThat(reply.status()).as("scrape").isEqualTo(200);
        return reply.text();
    }

    /**
     * The scrape in both formats must still be read by the consumers' own parsers: promtool and
     * the Prometheus Python client (text 0.0.4 and OpenMetrics), as the conformance tests run them.
     */
    static void assertConsumersParse(TestGateway gateway, Path scratch) throws Exception {
        HttpReply text = gateway.scrape("text/plain");
        HttpReply openMetrics = gateway.scrape("application/openmetrics-text; version=1.0.0");
        assertThat(text.status()).isEqualTo(200);
        assertThat(openMetrics.status()).isEqualTo(200);
        assertThat(openMetrics.text()).endsWith("# EOF\n");

        ExternalTool.requirePromtool();
        ExternalTool.Result promtool = ExternalTool.run(List.of("/usr/bin/promtool", "check", "metrics"), text.body().getBytes());
        assertThat(promtool.exitCode()).as("promtool check metrics: %s%s", promtool.stdout(), promtool.stderr()).isZero();

        ExternalTool.requirePythonClient();
        Path script = scratch.resolve("parse_exposition.py");
        try (InputStream in = FuzzLedger.class.getResourceAsStream("/conformance/parse_exposition.py")) {
            Files.write(script, in.readAllBytes());
        }
        for (Map.Entry<String, HttpReply> format : Map.of("text", text, "openmetrics", openMetrics).entrySet()) {
            ExternalTool.Result python = ExternalTool.run(List.of("/usr/bin/python3", script.toString(), format.getKey()),
                    format.getValue().body().getBytes());
            assertThat(python.exitCode()).as("python %s parser: %s", format.getKey(), python.stderr()).isZero();
            assertThat(new JsonObject(python.stdout()).fieldNames()).as("families parsed (%s)", format.getKey()).isNotEmpty();
        }
    }

    private static String firstDifference(String before, String after) {
        int at = 0;
        while (at < before.length() && at < after.length() && before.charAt(at) == after.charAt(at)) {
            at++;
        }
        int lineStart = Math.max(before.lastIndexOf('\n', Math.max(0, at - 1)) + 1, 0);
        return "first difference in line \"" + excerpt(before, lineStart) + "\" -> \"" + excerpt(after, lineStart) + "\"";
    }

    private static String excerpt(String text, int from) {
        if (from >= text.length()) {
            return "<end>";
        }
        int end = text.indexOf('\n', from);
        return text.substring(from, Math.min(end < 0 ? text.length() : end, from + 200));
    }
}
