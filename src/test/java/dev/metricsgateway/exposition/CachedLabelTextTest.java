package dev.metricsgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.SeriesLabels;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.testing.TestEvents;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The label text the writer keeps with a core series (so later scrapes skip escaping) is the
 * text client_java writes, on the first scrape and on the next, in both formats, for values
 * that need escaping (up to 200 escaped bytes) and for values of a gauge and a summary sharing
 * label values.
 */
class CachedLabelTextTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final String CATALOG = """
            event_types:
              upload:
                fields: {zone: {type: label}, bucket: {type: label}, size: {type: number, min: 0}}
            metrics:
              upload_rate: {type: gauge, stage: GA, help: h, event_type: upload, labels: [zone, bucket], aggregation: rate, field: size}
              upload_sizes: {type: summary, stage: GA, help: h, event_type: upload, labels: [zone, bucket], aggregation: summary, field: size}
            """;

    @Test
    void laterScrapesWriteTheSameLabelTextAsClientJava() {
        AggregationEngine engine = new AggregationEngine(
                CatalogLoader.load(List.of(new CatalogSource("cache.yaml", CATALOG))), WindowSettings.defaults());
        // the last pair: values whose escaped form needs more than one length byte (> 127 bytes)
        String[][] labels = {{"eu \"west\"", "a\\b"}, {"us\nnorth", "é€😀"}, {"plain", "x"},
                {"\"".repeat(100), "é".repeat(128)}};
        for (String[] pair : labels) {
            engine.apply(List.of(TestEvents.event(engine.schemas(), "upload", T0, Map.of("zone", pair[0], "bucket", pair[1], "size", 3.0))), T0);
        }
        ExpositionWriter writer = new ExpositionWriter(true);
        for (int scrape = 0; scrape < 3; scrape++) {
            GatewaySnapshot snapshot = engine.snapshot(T0 + scrape);
            assertThat(snapshot.families().get(0).samples().get(0).labelValues()).isInstanceOf(SeriesLabels.class);
            for (ExpositionFormat format : ExpositionFormat.values()) {
                assertThat(new String(writer.write(snapshot, format), StandardCharsets.UTF_8)).as("scrape %d, %s", scrape, format)
                        .isEqualTo(new String(writer.writeWithClientJava(snapshot, format), StandardCharsets.UTF_8));
            }
            SeriesLabels first = (SeriesLabels) snapshot.families().get(0).samples().get(0).labelValues();
            assertThat(first.rendering()).as("kept after a scrape").isNotNull();
            assertThat(first).isEqualTo(List.of(first.get(0), first.get(1)));
        }
    }
}
