package dev.metricsgateway.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.ApplyResult;
import dev.metricsgateway.core.Event;
import dev.metricsgateway.ingest.BodyFormat;
import dev.metricsgateway.ingest.DecodeResult;
import dev.metricsgateway.ingest.EventDecoder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ingest hot path per event, over 1,000-event NDJSON batches of the fleet mix (32 distinct
 * batches, cycled): decode (EventDecoder: parse + validate into Events), record
 * (AggregationEngine.apply of decoded events into series that already exist, as in steady state),
 * both, and the parse-only limit: Jackson's streaming parser over the same bytes doing nothing
 * but reading every token. Scores are ns per event. All events fall in one second ({@link #NOW}):
 * the cost of opening a new second's buckets is left to the HTTP benchmarks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(FleetEvents.BATCH_EVENTS)
public class HotPathBenchmark {

    static final long NOW = 1_800_000_000_000L;
    private static final int BATCHES = 32;

    private final JsonFactory plainJson = new JsonFactory();
    private List<byte[]> batches;
    private List<List<Event>> decoded;
    private EventDecoder decoder;
    private AggregationEngine engine;
    private int next;

    @Setup
    public void setUp() {
        engine = Engines.engine(Engines.catalogWith(Set.of()));
        decoder = Engines.decoder(engine);
        batches = FleetEvents.mixedBatches(BATCHES, FleetEvents.BATCH_EVENTS, 1);
        decoded = new ArrayList<>();
        for (byte[] batch : batches) {
            List<Event> events = Engines.decode(decoder, batch, NOW);
            decoded.add(events);
            Engines.apply(engine, events, NOW); // the series exist before measuring
        }
    }

    private int nextIndex() {
        next = (next + 1) % BATCHES;
        return next;
    }

    @Benchmark
    public DecodeResult decode() {
        return decoder.decode(batches.get(nextIndex()), BodyFormat.NDJSON, NOW);
    }

    @Benchmark
    public ApplyResult record() {
        return engine.apply(decoded.get(nextIndex()), NOW);
    }

    @Benchmark
    public ApplyResult decodeAndRecord() {
        DecodeResult result = decoder.decode(batches.get(nextIndex()), BodyFormat.NDJSON, NOW);
        return engine.apply(((DecodeResult.Accepted) result).events(), NOW);
    }

    /** The limit: every token of the same bytes read by Jackson's streaming parser, nothing else. */
    @Benchmark
    public int parseOnly() throws IOException {
        int tokens = 0;
        try (JsonParser parser = plainJson.createParser(batches.get(nextIndex()))) {
            while (parser.nextToken() != null) {
                tokens++;
            }
        }
        return tokens;
    }
}
