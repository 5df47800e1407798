package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

/** Reads families and series out of a {@link GatewaySnapshot} by name and label values. */
final class SnapshotReader {

    private final GatewaySnapshot snapshot;

    SnapshotReader(GatewaySnapshot snapshot) {
        this.snapshot = snapshot;
    }

    MetricFamilySnapshot family(String metricName) {
        return snapshot.families().stream()
                .filter(family -> family.spec().name().equals(metricName))
                .findFirst()
                .orElseThrow(() -> new AssertionError(metricName + ": no such family in the snapshot"));
    }

    /** The label values of every series of {@code metricName}, in snapshot order. */
    List<List<String>> series(String metricName) {
        return family(metricName).samples().stream().map(SeriesSample::labelValues).toList();
    }

    Optional<SeriesSample> find(String metricName, String... labelValues) {
        List<String> wanted = List.of(labelValues);
        return family(metricName).samples().stream().filter(s -> s.labelValues().equals(wanted)).findFirst();
    }

    boolean has(String metricName, String... labelValues) {
        return find(metricName, labelValues).isPresent();
    }

    double gauge(String metricName, String... labelValues) {
        SeriesSample sample = find(metricName, labelValues)
                .orElseThrow(() -> new AssertionError(metricName + List.of(labelValues) + ": no such series"));
        assertThat(sample).as(metricName).isInstanceOf(GaugeSample.class);
        return ((GaugeSample) sample).value();
    }

    SummarySample summary(String metricName, String... labelValues) {
        SeriesSample sample = find(metricName, labelValues)
                .orElseThrow(() -> new AssertionError(metricName + List.of(labelValues) + ": no such series"));
        assertThat(sample).as(metricName).isInstanceOf(SummarySample.class);
        return (SummarySample) sample;
    }

    /** Total number of series over every family. */
    int seriesCount() {
        return snapshot.families().stream().mapToInt(family -> family.samples().size()).sum();
    }
}
