package dev.metricsgateway.bench;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.exposition.ExpositionFormat;
import dev.metricsgateway.exposition.ExpositionWriter;
import dev.metricsgateway.ingest.EventDecoder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One scrape's work in process, per scrape (JmhMain divides by the series count): the engine's
 * snapshot, and snapshot + rendering in each text format. Shapes: {@code gauges}, exactly
 * {@link #series} gauge series (stream_batch feature views); {@code fleet}, what 64 fleet-mix
 * batches leave (feature services with their summaries, feature views, regions; about 40k series).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SnapshotBenchmark {

    @Param({"gauges", "fleet"})
    public String shape;

    @Param({"100000"})
    public int series;

    private AggregationEngine engine;
    private final ExpositionWriter writer = new ExpositionWriter(true);

    @Setup
    public void setUp() {
        engine = build(shape, series);
    }

    /** The engine of a shape; {@code series} counts only for {@code gauges}. */
    static AggregationEngine build(String shape, int series) {
        AggregationEngine engine = Engines.engine(Engines.catalogWith(Set.of()));
        EventDecoder decoder = Engines.decoder(engine);
        if (shape.equals("gauges")) {
            Engines.createViewSeries(engine, decoder, FleetEvents.viewsFor(series), HotPathBenchmark.NOW);
        } else {
            List<byte[]> batches = FleetEvents.mixedBatches(64, FleetEvents.BATCH_EVENTS, 2);
            for (byte[] batch : batches) {
                Engines.apply(engine, Engines.decode(decoder, batch, HotPathBenchmark.NOW), HotPathBenchmark.NOW);
            }
        }
        return engine;
    }

    @Benchmark
    public GatewaySnapshot snapshot() {
        return engine.snapshot(HotPathBenchmark.NOW);
    }

    @Benchmark
    public byte[] snapshotAndText() {
        return writer.write(engine.snapshot(HotPathBenchmark.NOW), ExpositionFormat.PROMETHEUS_TEXT);
    }

    @Benchmark
    public byte[] snapshotAndOpenMetrics() {
        return writer.write(engine.snapshot(HotPathBenchmark.NOW), ExpositionFormat.OPENMETRICS_TEXT);
    }
}
