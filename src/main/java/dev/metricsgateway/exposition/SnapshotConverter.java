package dev.metricsgateway.exposition;

import dev.metricsgateway.catalog.LabelSpec;
import dev.metricsgateway.catalog.MetricSpec;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.GaugeSample;
import dev.metricsgateway.core.MetricFamilySnapshot;
import dev.metricsgateway.core.Quantiles;
import dev.metricsgateway.core.SeriesSample;
import dev.metricsgateway.core.SummarySample;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Core snapshots to client_java snapshots. Every data point carries the snapshot's single
 * computation time as its timestamp unless timestamps are switched off; no created timestamps are
 * set, so no {@code _created} line is ever written. Families with no series are left out (a TYPE
 * line without samples helps no consumer). Stateless.
 */
final class SnapshotConverter {

    private SnapshotConverter() {
    }

    static MetricSnapshots convert(GatewaySnapshot snapshot, boolean withTimestamps) {
        List<MetricSnapshot> families = new ArrayList<>(snapshot.families().size());
        Long timestamp = withTimestamps ? snapshot.computedAtMillis() : null;
        for (MetricFamilySnapshot family : snapshot.families()) {
            if (!family.samples().isEmpty()) {
                families.add(convert(family, timestamp));
            }
        }
        return new MetricSnapshots(families);
    }

    private static MetricSnapshot convert(MetricFamilySnapshot family, Long timestamp) {
        MetricSpec spec = family.spec();
        String[] labelNames = spec.labels().stream().map(LabelSpec::name).toArray(String[]::new);
        return switch (spec.type()) {
            case GAUGE -> {
                GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(spec.name()).help(spec.helpWithStage());
                for (SeriesSample sample : family.samples()) {
                    GaugeDataPointSnapshot.Builder point = GaugeDataPointSnapshot.builder()
                            .labels(labels(labelNames, sample))
                            .value(((GaugeSample) sample).value());
                    if (timestamp != null) {
                        point.scrapeTimestampMillis(timestamp);
                    }
                    gauge.dataPoint(point.build());
                }
                yield gauge.build();
            }
            case SUMMARY -> {
                SummarySnapshot.Builder summary = SummarySnapshot.builder().name(spec.name()).help(spec.helpWithStage());
                for (SeriesSample sample : family.samples()) {
                    summary.dataPoint(summaryPoint(labels(labelNames, sample), (SummarySample) sample, timestamp));
                }
                yield summary.build();
            }
        };
    }

    private static SummaryDataPointSnapshot summaryPoint(Labels labels, SummarySample sample, Long timestamp) {
        List<Quantile> quantiles = new ArrayList<>(Quantiles.count());
        for (int i = 0; i < Quantiles.count(); i++) {
            quantiles.add(new Quantile(Quantiles.at(i), sample.quantileValue(i)));
        }
        SummaryDataPointSnapshot.Builder point = SummaryDataPointSnapshot.builder()
                .labels(labels)
                .quantiles(io.prometheus.metrics.model.snapshots.Quantiles.of(quantiles))
                .count(sample.count());
        point.sum(sample.sum());
        if (timestamp != null) {
            point.scrapeTimestampMillis(timestamp);
        }
        return point.build();
    }

    private static Labels labels(String[] names, SeriesSample sample) {
        return names.length == 0 ? Labels.EMPTY : Labels.of(names, sample.labelValues().toArray(String[]::new));
    }
}
