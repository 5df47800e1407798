package dev.metricsgateway.bench;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.ingest.EventDecoder;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The ingest hot path in CPU nanoseconds per event, for comparing two versions of the code on a
 * machine other work shares (JMH's wall-clock scores swing with the load; threads' CPU time much
 * less). Each round decodes every fleet-mix batch afresh and applies it, as the gateway does for
 * every request: fresh label strings per batch, into series that exist already. With two threads
 * (the gateway's two event loops on this machine) both apply to one engine at once, so the
 * figure includes what they cost each other (shared hot series, monitors).
 *
 * <pre>
 * bench/run.sh cpu [--rounds 7] [--seconds 2] [--threads 1]
 * </pre>
 *
 * Prints per round, and the median: decode ns/event (one thread), decode+apply ns/event (all
 * threads' CPU time divided by all their events).
 */
public final class IngestCpu {

    private static final long NOW = HotPathBenchmark.NOW;
    /** The HotSpot interface: it also counts the bytes a thread allocates. */
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private IngestCpu() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    public static int run(String[] argv, PrintStream out) {
        Args args = new Args(argv);
        if (args.flag("help")) {
            out.println("cpu [--rounds 7] [--seconds 2] [--threads 1]   (thread-CPU ns per event; compare versions back to back)");
            return 0;
        }
        int rounds = args.integer("rounds", 7);
        double seconds = args.decimal("seconds", 2);
        int threads = args.integer("threads", 1);
        AggregationEngine engine = Engines.engine(Engines.catalogWith(Set.of()));
        EventDecoder decoder = Engines.decoder(engine);
        List<byte[]> batches = FleetEvents.mixedBatches(32, FleetEvents.BATCH_EVENTS, 1);
        for (byte[] batch : batches) {
            Engines.apply(engine, Engines.decode(decoder, batch, NOW), NOW);
        }
        out.printf(Locale.ROOT, "| ingest CPU per event (%d thread%s, fleet batches decoded afresh) | decode ns/event | decode+apply ns/event"
                + " | decode bytes allocated/event | decode+apply bytes allocated/event |%n", threads, threads == 1 ? "" : "s");
        out.println("|---|---|---|---|---|");
        double[] decodeOnly = new double[rounds];
        double[] decodeApply = new double[rounds];
        Cost decode = null;
        Cost both = null;
        for (int round = -2; round < rounds; round++) { // two warm-up rounds
            decode = perEvent(batches, seconds, 1, batch -> Engines.decode(decoder, batch, NOW));
            both = perEvent(batches, seconds, threads, batch -> Engines.apply(engine, Engines.decode(decoder, batch, NOW), NOW));
            if (round >= 0) {
                decodeOnly[round] = decode.cpuNanos();
                decodeApply[round] = both.cpuNanos();
                out.printf(Locale.ROOT, "| round %d | %,.0f | %,.0f | %,.0f | %,.0f |%n",
                        round + 1, decode.cpuNanos(), both.cpuNanos(), decode.allocatedBytes(), both.allocatedBytes());
            }
        }
        out.printf(Locale.ROOT, "| **median** | **%,.0f** | **%,.0f** | | |%n", median(decodeOnly), median(decodeApply));
        return 0;
    }

    /** Per event: CPU nanoseconds, and bytes allocated (garbage to collect, which the CPU time leaves out). */
    private record Cost(double cpuNanos, double allocatedBytes) {
    }

    /** The cost of {@code work} over the batches, run by {@code threads} threads for {@code seconds}. */
    private static Cost perEvent(List<byte[]> batches, double seconds, int threads, Consumer<byte[]> work) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<CompletableFuture<long[]>> runs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * batches.size() / threads;
            runs.add(CompletableFuture.supplyAsync(() -> {
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                long allocatedStart = THREADS.getCurrentThreadAllocatedBytes();
                long events = 0;
                for (int i = first; System.nanoTime() < deadline; i = (i + 1) % batches.size()) {
                    work.accept(batches.get(i));
                    events += FleetEvents.BATCH_EVENTS;
                }
                return new long[] {THREADS.getCurrentThreadCpuTime() - cpuStart, events,
                        THREADS.getCurrentThreadAllocatedBytes() - allocatedStart};
            }, runnable -> new Thread(runnable).start()));
        }
        long cpu = 0;
        long events = 0;
        long allocated = 0;
        for (CompletableFuture<long[]> run : runs) {
            long[] result = run.join();
            cpu += result[0];
            events += result[1];
            allocated += result[2];
        }
        return new Cost(cpu / (double) events, allocated / (double) events);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
