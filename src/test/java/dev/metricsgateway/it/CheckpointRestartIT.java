package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.testing.SampleEvents;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregation state survives a restart of the packaged jar on the same data dir. After SIGTERM
 * the restarted gateway serves the same samples (timestamps aside); after {@code kill -9} no
 * cumulative {@code _count}/{@code _sum} is below what was served before the last checkpoint
 * began, and none is above what was served before the kill.
 */
class CheckpointRestartIT {

    private static final String KEY = "checkpoint-restart-it-admin-key-0123456789";
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern CHECKPOINTS_WRITTEN = Pattern.compile("(?m)^metrics_gateway_checkpoints_written_total (\\S+)$");

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    private JarProcess serve(Map<String, String> settings) {
        Map<String, String> environment = new LinkedHashMap<>(settings);
        environment.put("METRICS_GATEWAY_BOOTSTRAP_KEY", KEY);
        environment.put("METRICS_GATEWAY_SHUTDOWN_DRAIN_SECONDS", "0");
        return children.start(workDir, environment, "serve", "--port", "0", "--data-dir", workDir.resolve("data").toString());
    }

    private static Map<Map<String, String>, Double> scrape(GatewayClient client) {
        HttpResponse<String> response = client.get(GatewayClient.SCRAPE, KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return PrometheusExposition.parse(response.body(), PrometheusExposition.Format.TEXT).valuesBySeries();
    }

    private static void ingest(GatewayClient client) {
        HttpResponse<String> response = client.postEvents(KEY, SampleEvents.everyType(System.currentTimeMillis()));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** The cumulative samples: every {@code _count} and {@code _sum} of the catalog's summaries. */
    private static Map<Map<String, String>, Double> totals(Map<Map<String, String>, Double> samples) {
        Map<Map<String, String>, Double> totals = new LinkedHashMap<>();
        samples.forEach((series, value) -> {
            String name = series.get("__name__");
            if (name.endsWith("_count") || name.endsWith("_sum")) {
                totals.put(series, value);
            }
        });
        return totals;
    }

    private static double checkpointsWritten(GatewayClient client) {
        String own = client.get("/metrics", KEY).body();
        Matcher matcher = CHECKPOINTS_WRITTEN.matcher(own);
        assertThat(matcher.find()).as(own).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    /** Asks the gateway's own metrics until {@code count} checkpoints are written; fails after the bound. */
    private static void awaitCheckpoints(GatewayClient client, double count) {
        long deadline = System.nanoTime() + CHECKPOINT_TIMEOUT.toNanos();
        while (checkpointsWritten(client) < count) {
            assertThat(System.nanoTime() - deadline).as("%s checkpoints within %s", count, CHECKPOINT_TIMEOUT).isNegative();
        }
    }

    @Test
    void afterSigtermTheRestartedGatewayServesTheSameSamples() {
        JarProcess first = serve(Map.of());
        GatewayClient before = new GatewayClient(first.awaitListening());
        ingest(before);
        ingest(before);
        Map<Map<String, String>, Double> served = scrape(before);
        assertThat(totals(served)).as("the sample events feed every summary").hasSizeGreaterThan(4);

        first.terminate();
        assertThat(first.awaitExit(EXIT_TIMEOUT)).as(first.transcripts()).isZero();

        JarProcess second = serve(Map.of());
        GatewayClient after = new GatewayClient(second.awaitListening());
        assertThat(scrape(after)).isEqualTo(served);
    }

    @Test
    void afterKillDashNineNoTotalIsBelowWhatWasServedBeforeTheLastCheckpoint() {
        Map<String, String> everySecond = Map.of("METRICS_GATEWAY_CHECKPOINT_INTERVAL_SECONDS", "1");
        JarProcess first = serve(everySecond);
        GatewayClient before = new GatewayClient(first.awaitListening());
        ingest(before);
        Map<Map<String, String>, Double> servedBeforeCheckpoint = totals(scrape(before));
        // One more than the count now: a checkpoint that began after the scrape has completed.
        awaitCheckpoints(before, checkpointsWritten(before) + 2);
        ingest(before); // not necessarily in any checkpoint: may be lost, never invented
        Map<Map<String, String>, Double> servedBeforeKill = totals(scrape(before));

        first.destroyForcibly();

        JarProcess second = serve(everySecond);
        GatewayClient after = new GatewayClient(second.awaitListening());
        Map<Map<String, String>, Double> restored = totals(scrape(after));
        assertThat(restored.keySet()).containsAll(servedBeforeCheckpoint.keySet());
        servedBeforeCheckpoint.forEach((series, value) -> {
            assertThat(restored.get(series)).as("%s", series).isGreaterThanOrEqualTo(value);
            assertThat(restored.get(series)).as("%s", series).isLessThanOrEqualTo(servedBeforeKill.get(series));
        });
    }
}
