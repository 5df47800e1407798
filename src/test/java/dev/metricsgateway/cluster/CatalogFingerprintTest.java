package dev.metricsgateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Members agree when they run the same catalog and window, and only then. */
class CatalogFingerprintTest {

    @Test
    void theSameCatalogAndWindowGiveTheSameFingerprint() {
        assertThat(CatalogFingerprint.of(CatalogLoader.loadDefault(), 300))
                .isEqualTo(CatalogFingerprint.of(CatalogLoader.loadDefault(), 300))
                .hasSize(64);
    }

    @Test
    void anotherWindowGivesAnotherFingerprint() {
        assertThat(CatalogFingerprint.of(CatalogLoader.loadDefault(), 120)).isNotEqualTo(CatalogFingerprint.of(CatalogLoader.loadDefault(), 300));
    }

    @Test
    void aUserCatalogChangingOneMetricGivesAnotherFingerprint() {
        String user = """
                metrics:
                  feature_service_requests_rate:
                    type: gauge
                    stage: GA
                    help: Requests per second per feature service, redefined.
                    event_type: feature_request
                    labels: [feature_service_id]
                    aggregation: rate
                """;
        var changed = CatalogLoader.load(List.of(CatalogLoader.defaultSource(), new CatalogSource("user.yaml", user)));

        assertThat(CatalogFingerprint.of(changed, 300)).isNotEqualTo(CatalogFingerprint.of(CatalogLoader.loadDefault(), 300));
    }
}
