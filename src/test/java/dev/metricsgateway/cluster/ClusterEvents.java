package dev.metricsgateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.GaugeSample;
import dev.metricsgateway.core.SeriesSample;
import dev.metricsgateway.core.SummarySample;
import dev.metricsgateway.testing.TestEvents;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Percentage;

/** Events of one fixed series, and the oracle comparison of two snapshots. */
final class ClusterEvents {

    private ClusterEvents() {
    }

    /** A feature_request of one fixed series (fs-1), the summary {@code feature_service_latency}'s. */
    static Event request(AggregationEngine engine, long time, double latencySeconds) {
        return TestEvents.event(engine.schemas(), "feature_request", time, Map.of("aws_region", "us-west-2",
                "feature_service_id", "fs-1", "feature_service_name", "svc", "latency_seconds", latencySeconds, "status", 200));
    }

    /**
     * Same series with the same values: counts and quantiles exactly (histograms merge exactly),
     * sums of doubles up to rounding (the addition order differs).
     */
    static void assertSameSnapshots(GatewaySnapshot actual, GatewaySnapshot expected) {
        assertThat(actual.families()).hasSameSizeAs(expected.families());
        for (int f = 0; f < expected.families().size(); f++) {
            List<SeriesSample> want = expected.families().get(f).samples();
            List<SeriesSample> got = actual.families().get(f).samples();
            String metric = expected.families().get(f).spec().name();
            assertThat(got).as(metric).hasSameSizeAs(want);
            for (int s = 0; s < want.size(); s++) {
                assertThat(got.get(s).labelValues()).as(metric).isEqualTo(want.get(s).labelValues());
                if (want.get(s) instanceof GaugeSample gauge) {
                    double value = ((GaugeSample) got.get(s)).value();
                    if (Double.isNaN(gauge.value())) {
                        assertThat(value).as(metric).isNaN();
                    } else {
                        assertThat(value).as(metric + got.get(s).labelValues()).isCloseTo(gauge.value(), Percentage.withPercentage(1e-9));
                    }
                } else {
                    SummarySample summary = (SummarySample) want.get(s);
                    SummarySample merged = (SummarySample) got.get(s);
                    assertThat(merged.count()).as(metric).isEqualTo(summary.count());
                    assertThat(merged.sum()).as(metric).isCloseTo(summary.sum(), Percentage.withPercentage(1e-9));
                    assertThat(merged.quantileValues()).as(metric).containsExactly(summary.quantileValues());
                }
            }
        }
    }

    /** The {@code _count} of {@code metric}'s series with {@code labels}, or -1 when it is not served. */
    static long count(GatewaySnapshot snapshot, String metric, List<String> labels) {
        return snapshot.families().stream().filter(family -> family.spec().name().equals(metric))
                .flatMap(family -> family.samples().stream())
                .filter(sample -> sample.labelValues().equals(labels))
                .mapToLong(sample -> ((SummarySample) sample).count())
                .findFirst().orElse(-1);
    }

    /** The {@code _sum} of the summary {@code metric}'s series {@code labels}, NaN when it is not served. */
    static double sum(GatewaySnapshot snapshot, String metric, List<String> labels) {
        return snapshot.families().stream().filter(family -> family.spec().name().equals(metric))
                .flatMap(family -> family.samples().stream())
                .filter(sample -> sample.labelValues().equals(labels))
                .mapToDouble(sample -> ((SummarySample) sample).sum())
                .findFirst().orElse(Double.NaN);
    }
}
