package dev.metricsgateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.GaugeSample;
import dev.metricsgateway.core.SeriesSample;
import dev.metricsgateway.core.SummarySample;
import java.util.List;
import org.assertj.core.data.Percentage;

/** Comparing two snapshots of the same events aggregated two ways (merged, or spread over cluster members). */
public final class SnapshotAssertions {

    private SnapshotAssertions() {
    }

    /**
     * Same series with the same values: counts and quantiles exactly (histograms merge exactly),
     * sums of doubles up to rounding (the addition order differs), NaN where the other is NaN.
     */
    public static void assertSameSnapshots(GatewaySnapshot actual, GatewaySnapshot expected) {
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
}
