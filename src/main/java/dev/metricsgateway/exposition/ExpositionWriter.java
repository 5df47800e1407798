package dev.metricsgateway.exposition;

import dev.metricsgateway.core.GatewaySnapshot;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;

/**
 * Renders snapshots in either text format with client_java's writers.
 *
 * <p>Both writers are built explicitly (CONFORMANCE.md item 2): the Prometheus text writer with
 * millisecond timestamps, as text 0.0.4 requires ({@code ExpositionFormats.init()} would default
 * to seconds), and neither writer emits created timestamps. Immutable and thread-safe.
 */
public final class ExpositionWriter {

    // Deprecated in client_java 1.5 because milliseconds became the builder's default; we still
    // say so explicitly, so that no change of default can silently turn our stamps into seconds.
    @SuppressWarnings("deprecation")
    private final ExpositionFormatWriter prometheusText = PrometheusTextFormatWriter.builder()
            .setTimestampsInMs(true)
            .setIncludeCreatedTimestamps(false)
            .build();
    private final ExpositionFormatWriter openMetricsText = OpenMetricsTextFormatWriter.builder()
            .setCreatedTimestampsEnabled(false)
            .setExemplarsOnAllMetricTypesEnabled(false)
            .build();
    private final boolean withTimestamps;

    /** @param withTimestamps whether samples carry the snapshot time (the contract's default: on) */
    public ExpositionWriter(boolean withTimestamps) {
        this.withTimestamps = withTimestamps;
    }

    /**
     * The catalog's metrics of {@code snapshot} in {@code format}: written directly by
     * {@link TextExposition}, the same bytes client_java writes, when every name allows (always
     * for catalogs whose names are legacy Prometheus names); else through client_java.
     */
    public byte[] write(GatewaySnapshot snapshot, ExpositionFormat format) {
        return render(snapshot, format, Runnable::run).toByteArray();
    }

    /**
     * As {@link #write(GatewaySnapshot, ExpositionFormat)}, in parts rendered by {@code executor}
     * (the calling thread waits for them): a large scrape on several cores, without copying the
     * body into one array.
     */
    public Rendering render(GatewaySnapshot snapshot, ExpositionFormat format, Executor executor) {
        if (TextExposition.supports(snapshot)) {
            return TextExposition.write(snapshot, format, withTimestamps, executor);
        }
        return Rendering.of(writeWithClientJava(snapshot, format));
    }

    /** {@code snapshot} through {@link SnapshotConverter} and client_java's writer: the reference {@link TextExposition} is held to. */
    byte[] writeWithClientJava(GatewaySnapshot snapshot, ExpositionFormat format) {
        return write(SnapshotConverter.convert(snapshot, withTimestamps), format);
    }

    /** Any client_java snapshots (the gateway's own metrics) in {@code format}. */
    public byte[] write(MetricSnapshots snapshots, ExpositionFormat format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writerFor(format).write(out, snapshots, EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** The writer's own Content-Type, for tests that hold it to {@link ExpositionFormat#contentType()}. */
    String writerContentType(ExpositionFormat format) {
        return writerFor(format).getContentType();
    }

    private ExpositionFormatWriter writerFor(ExpositionFormat format) {
        return format == ExpositionFormat.OPENMETRICS_TEXT ? openMetricsText : prometheusText;
    }
}
