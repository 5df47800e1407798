package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.perf.LegacyCheckpointFixture;
import dev.metricsgateway.exposition.ExpositionFormat;
import dev.metricsgateway.exposition.ExpositionWriter;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint written by the gateway before its windows became compact (commit 0eb0666: rings of
 * W slots, slots written in slot order, PackedHistograms per second) restores into today's
 * windows and serves, byte for byte, the scrape the old gateway served from it. The format
 * version stayed 1: the layout is the same, only the order of a window's seconds differs.
 * Fixture: {@link LegacyCheckpointFixture}.
 */
class LegacyCheckpointTest {

    @Test
    void aCheckpointOfTheRingWindowsRestoresToTheSameScrape() throws Exception {
        AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        try (InputStream in = resource("legacy-v1.checkpoint")) {
            CheckpointRestore restored = engine.restoreCheckpoint(in, LegacyCheckpointFixture.SCRAPED_AT);
            assertThat(restored.seriesRestored()).isPositive();
            assertThat(restored.changedMetrics()).isEmpty();
        }
        String expected;
        try (InputStream in = resource("legacy-v1.scrape.prom")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String served = new String(new ExpositionWriter(false).write(engine.snapshot(LegacyCheckpointFixture.SCRAPED_AT),
                ExpositionFormat.PROMETHEUS_TEXT), StandardCharsets.UTF_8);

        assertThat(served).isEqualTo(expected);
    }

    private static InputStream resource(String name) {
        return LegacyCheckpointTest.class.getResourceAsStream("/checkpoint/" + name);
    }
}
