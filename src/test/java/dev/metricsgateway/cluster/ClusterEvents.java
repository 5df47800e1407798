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
import java.util.Random;
import org.assertj.core.data.Percentage;

/** Random events of every Tecton type, and the oracle comparison of two snapshots. */
final class ClusterEvents {

    private static final String[] REGIONS = {"us-west-2", "eu-west-1"};

    private ClusterEvents() {
    }

    /** One event drawn from {@code random}, built with {@code engine}'s schemas. */
    static Event random(AggregationEngine engine, Random random, long time) {
        String region = REGIONS[random.nextInt(REGIONS.length)];
        return switch (random.nextInt(5)) {
            case 0 -> TestEvents.event(engine.schemas(), "feature_request", time, Map.of("aws_region", region,
                    "feature_service_id", "fs-" + random.nextInt(3), "feature_service_name", "svc",
                    "latency_seconds", random.nextInt(1_000_000) / 1e6, "status", random.nextBoolean() ? 200 : 500 + random.nextInt(4)));
            case 1 -> TestEvents.event(engine.schemas(), "server_utilization", time, Map.of("aws_region", region,
                    "instance", "i-" + random.nextInt(4), "utilization_percent", random.nextInt(100)));
            case 2 -> TestEvents.event(engine.schemas(), "stream_batch", time, Map.of("workspace", "prod",
                    "feature_view_name", "fv", "feature_view_id", "fv-" + random.nextInt(2), "input_rows", random.nextInt(100),
                    "processed_rows", random.nextInt(100), "online_store_rows", random.nextInt(100),
                    "min_event_time", time - random.nextInt(60_000), "avg_event_time", time - random.nextInt(30_000)));
            case 3 -> TestEvents.event(engine.schemas(), "served_feature", time, Map.of("workspace", "prod",
                    "feature_view_name", "fv", "feature_view_id", "fv-" + random.nextInt(2), "feature_time", time - random.nextInt(20_000)));
            default -> TestEvents.event(engine.schemas(), "ingest_request", time, Map.of("aws_region", region,
                    "latency_seconds", random.nextInt(1_000_000) / 1e6, "status", 200 + 100 * random.nextInt(4),
                    "writes", List.of(Map.of("workspace", "prod", "feature_view_name", "fv", "feature_view_id", "fv-1",
                            "online_rows", random.nextInt(50), "offline_rows", random.nextInt(50)))));
        };
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
