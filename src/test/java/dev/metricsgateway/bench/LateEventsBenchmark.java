package dev.metricsgateway.bench;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.ApplyResult;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.ingest.EventDecoder;
import java.nio.charset.StandardCharsets;
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
 * Record cost per feature_request event when some events carry a {@code time} one to three
 * seconds before the batch arrives, as they do from senders that batch their events: the latency
 * summaries (one of them takes every request) then get values of several seconds interleaved.
 * 1,000-event batches over 100 feature services; {@link #latePercent} of the events are late.
 * ns per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(FleetEvents.BATCH_EVENTS)
public class LateEventsBenchmark {

    private static final int BATCHES = 32;
    private static final int SERVICES = 100;

    @Param({"0", "25"})
    public int latePercent;

    private AggregationEngine engine;
    private final List<List<Event>> batches = new ArrayList<>();
    private int next;

    @Setup
    public void setUp() {
        engine = Engines.engine(Engines.catalogWith(Set.of()));
        EventDecoder decoder = Engines.decoder(engine);
        SplittableRandom random = new SplittableRandom(7);
        for (int b = 0; b < BATCHES; b++) {
            StringBuilder ndjson = new StringBuilder();
            for (int i = 0; i < FleetEvents.BATCH_EVENTS; i++) {
                long time = random.nextInt(100) < latePercent ? HotPathBenchmark.NOW - 1000L * (1 + random.nextInt(3)) : HotPathBenchmark.NOW;
                int service = random.nextInt(SERVICES);
                ndjson.append("{\"type\":\"feature_request\",\"time\":").append(time)
                        .append(",\"aws_region\":\"us-west-2\",\"feature_service_id\":\"fs-").append(service)
                        .append("\",\"feature_service_name\":\"service_").append(service)
                        .append("\",\"latency_seconds\":").append(0.001 + random.nextDouble() * 0.1)
                        .append(",\"status\":200}\n");
            }
            List<Event> events = Engines.decode(decoder, ndjson.toString().getBytes(StandardCharsets.UTF_8), HotPathBenchmark.NOW);
            Engines.apply(engine, events, HotPathBenchmark.NOW); // the series exist before measuring
            batches.add(events);
        }
    }

    @Benchmark
    public ApplyResult record() {
        next = (next + 1) % BATCHES;
        return engine.apply(batches.get(next), HotPathBenchmark.NOW);
    }
}
