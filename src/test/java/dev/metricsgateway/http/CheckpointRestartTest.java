package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.checkpoint.CheckpointStore;
import dev.metricsgateway.testing.SampleEvents;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aggregation state across a restart of the server on the same data dir: a graceful close writes
 * the final state and the next start serves it again; what cannot be restored is set aside, not
 * lost and not fatal; a second server on the same data dir leaves the first one's checkpoint alone.
 */
@ExtendWith(VertxExtension.class)
class CheckpointRestartTest {

    private static final String OPENMETRICS = "application/openmetrics-text";

    @TempDir
    Path dataDir;

    private Path checkpoint() {
        return dataDir.resolve(CheckpointStore.FILE_NAME);
    }

    private List<Path> setAside(String kind) throws IOException {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.filter(file -> file.getFileName().toString().startsWith(CheckpointStore.FILE_NAME + "." + kind + "-")).toList();
        }
    }

    @Test
    void afterAGracefulRestartTheScrapeIsTheSameInBothFormats(Vertx vertx) throws Exception {
        String text;
        String openMetrics;
        try (TestGateway before = TestGateway.start(vertx, dataDir, Map.of())) {
            assertThat(before.postEvents(before.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS)).status()).isEqualTo(202);
            assertThat(before.postEvents(before.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS - 5_000)).status()).isEqualTo(202);
            text = before.scrape(null).text();
            openMetrics = before.scrape(OPENMETRICS).text();
        }
        assertThat(checkpoint()).exists();

        try (TestGateway after = TestGateway.start(vertx, dataDir, Map.of())) {
            // Both gateways' manual clocks read START_MILLIS: even the timestamps are the same.
            assertThat(after.scrape(null).text()).isEqualTo(text).contains("feature_service_total_latency_count 6 ");
            assertThat(after.scrape(OPENMETRICS).text()).isEqualTo(openMetrics);
        }
    }

    @Test
    void restoredTotalsKeepCountingAndRestoredWindowsKeepSliding(Vertx vertx) throws Exception {
        try (TestGateway before = TestGateway.start(vertx, dataDir, Map.of())) {
            before.postEvents(before.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS));
        }
        try (TestGateway after = TestGateway.start(vertx, dataDir, Map.of())) {
            after.clock.advanceMillis(301_000); // the restored events leave the window; the totals stay
            after.postEvents(after.writerKey, "application/x-ndjson", SampleEvents.everyType(after.clock.millis()));

            String body = after.scrape(null).text();
            assertThat(body).contains("feature_service_total_latency_count 6 ")
                    .contains("feature_service_requests_total_rate{aws_region=\"eu-west-1\"} 0.0033333333333333335 ");
        }
    }

    @Test
    void aCorruptCheckpointIsMovedAsideAndTheGatewayStartsEmptyAndWritesAfresh(Vertx vertx) throws Exception {
        Files.createDirectories(dataDir);
        byte[] garbage = "this is not a checkpoint".getBytes(StandardCharsets.UTF_8);
        Files.write(checkpoint(), garbage);

        try (TestGateway gateway = TestGateway.start(vertx, dataDir, Map.of())) {
            assertThat(setAside("corrupt")).singleElement().satisfies(aside ->
                    assertThat(Files.readAllBytes(aside)).as("kept as it was").isEqualTo(garbage));
            assertThat(checkpoint()).doesNotExist();
            assertThat(gateway.scrape(null).text()).doesNotContain("feature_service_total_latency_count");
            assertThat(gateway.postEvents(gateway.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS)).status())
                    .isEqualTo(202);
        }

        assertThat(checkpoint()).exists();
        try (TestGateway restarted = TestGateway.start(vertx, dataDir, Map.of())) {
            assertThat(restarted.scrape(null).text()).contains("feature_service_total_latency_count 3 ");
            assertThat(setAside("corrupt")).as("the set-aside file is never touched again").hasSize(1);
        }
    }

    @Test
    void aCheckpointOfAnotherWindowIsMovedAsideAsIncompatible(Vertx vertx) throws Exception {
        try (TestGateway fiveMinutes = TestGateway.start(vertx, dataDir, Map.of())) {
            fiveMinutes.postEvents(fiveMinutes.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS));
        }

        try (TestGateway oneMinute = TestGateway.start(vertx, dataDir, Map.of("METRICS_GATEWAY_WINDOW_SECONDS", "60"))) {
            assertThat(setAside("incompatible")).hasSize(1);
            assertThat(oneMinute.scrape(null).text()).doesNotContain("feature_service_total_latency_count");
        }
    }

    @Test
    void withIntervalZeroNothingIsWrittenOrRestored(Vertx vertx) throws Exception {
        Map<String, String> inMemory = Map.of("METRICS_GATEWAY_CHECKPOINT_INTERVAL_SECONDS", "0");
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, inMemory)) {
            gateway.postEvents(gateway.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS));
        }
        assertThat(checkpoint()).doesNotExist();
        assertThat(dataDir.resolve(CheckpointStore.LOCK_FILE_NAME)).doesNotExist();
    }

    @Test
    void aSecondServerOnTheSameDataDirNeitherRestoresNorOverwritesTheFirstOnesCheckpoint(Vertx vertx) throws Exception {
        TestGateway first = TestGateway.start(vertx, dataDir, Map.of());
        try {
            first.postEvents(first.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS));
            try (TestGateway second = TestGateway.start(vertx, dataDir, Map.of())) {
                assertThat(second.scrape(null).text()).doesNotContain("feature_service_total_latency_count");
                second.postEvents(second.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS));
                second.postEvents(second.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS));
            }
        } finally {
            first.close();
        }

        try (TestGateway restarted = TestGateway.start(vertx, dataDir, Map.of())) {
            assertThat(restarted.scrape(null).text()).as("the first server's state, not the second's")
                    .contains("feature_service_total_latency_count 3 ");
        }
    }

    @Test
    void periodicCheckpointsAreCountedInTheGatewaysOwnMetrics(Vertx vertx) throws Exception {
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, Map.of("METRICS_GATEWAY_CHECKPOINT_INTERVAL_SECONDS", "1"))) {
            gateway.postEvents(gateway.writerKey, "application/x-ndjson", SampleEvents.everyType(TestGateway.START_MILLIS));
            // The timer runs on Vert.x's real clock: ask until the first checkpoint shows, at most 10 s.
            Pattern written = Pattern.compile("metrics_gateway_checkpoints_written_total [1-9]");
            String own = "";
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!written.matcher(own).find() && System.nanoTime() - deadline < 0) {
                own = gateway.get("/metrics", Map.of("Authorization", "Tecton-key " + gateway.readerKey)).text();
            }
            assertThat(own).containsPattern(written)
                    .contains("metrics_gateway_checkpoints_failed_total 0.0")
                    .contains("metrics_gateway_checkpoint_last_success_timestamp_seconds 1.7E9")
                    .containsPattern("metrics_gateway_checkpoint_size_bytes [1-9]")
                    .containsPattern("metrics_gateway_checkpoint_duration_seconds \\d");
            assertThat(checkpoint()).exists();
        }
    }
}
