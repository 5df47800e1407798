package dev.metricsgateway.bench;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.ApplyResult;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.ingest.EventDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Record cost per event against the number of live series: the engine holds exactly
 * {@link #liveSeries} gauge series (liveSeries / 5 feature views), and each measured batch is
 * 1,000 stream_batch events for feature views drawn uniformly from all of them, so a bigger state
 * shows as cache and hash-table misses. ns per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(FleetEvents.BATCH_EVENTS)
public class SeriesScalingBenchmark {

    private static final int BATCHES = 32;

    @Param({"1000", "10000", "100000", "1000000"})
    public int liveSeries;

    private AggregationEngine engine;
    private final List<List<Event>> batches = new ArrayList<>();
    private int next;

    @Setup
    public void setUp() {
        engine = Engines.engine(Engines.catalogWith(Set.of()));
        EventDecoder decoder = Engines.decoder(engine);
        int views = FleetEvents.viewsFor(liveSeries);
        Engines.createViewSeries(engine, decoder, views, HotPathBenchmark.NOW);
        if (Engines.series(engine) != liveSeries) {
            throw new IllegalStateException("expected " + liveSeries + " series, found " + Engines.series(engine));
        }
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < BATCHES; i++) {
            batches.add(Engines.decode(decoder, FleetEvents.randomViewBatch(views, FleetEvents.BATCH_EVENTS, random), HotPathBenchmark.NOW));
        }
    }

    @Benchmark
    public ApplyResult record() {
        next = (next + 1) % BATCHES;
        return engine.apply(batches.get(next), HotPathBenchmark.NOW);
    }
}
