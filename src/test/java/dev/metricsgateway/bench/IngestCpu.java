package dev.metricsgateway.bench;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.ingest.EventDecoder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * BENCH_NO_BUILD=1 bench/run.sh cpu [rounds] [seconds per round] [threads]
 * </pre>
 *
 * Prints per round, and the median: decode ns/event (one thread), decode+apply ns/event (all
 * threads' CPU time divided by all their events).
 */
public final class IngestCpu {

    private static final long NOW = HotPathBenchmark.NOW;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private IngestCpu() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        AggregationEngine engine = Engines.engine(Engines.catalogWith(Set.of()));
        EventDecoder decoder = Engines.decoder(engine);
        List<byte[]> batches = FleetEvents.mixedBatches(32, FleetEvents.BATCH_EVENTS, 1);
        for (byte[] batch : batches) {
            Engines.apply(engine, Engines.decode(decoder, batch, NOW), NOW);
        }
        double[] decodeOnly = new double[rounds];
        double[] decodeApply = new double[rounds];
        for (int round = -2; round < rounds; round++) { // two warm-up rounds
            double decodeNs = perEvent(batches, seconds, 1, batch -> Engines.decode(decoder, batch, NOW));
            double bothNs = perEvent(batches, seconds, threads, batch -> Engines.apply(engine, Engines.decode(decoder, batch, NOW), NOW));
            if (round >= 0) {
                decodeOnly[round] = decodeNs;
                decodeApply[round] = bothNs;
                System.out.printf(Locale.ROOT, "round %d: decode %5.0f ns/event, decode+apply %5.0f ns/event (thread CPU, %d threads)%n",
                        round + 1, decodeNs, bothNs, threads);
            }
        }
        System.out.printf(Locale.ROOT, "median: decode %5.0f ns/event, decode+apply %5.0f ns/event (thread CPU, %d threads)%n",
                median(decodeOnly), median(decodeApply), threads);
    }

    /** CPU ns per event of {@code work} over the batches, run by {@code threads} threads for {@code seconds}. */
    private static double perEvent(List<byte[]> batches, double seconds, int threads, Consumer<byte[]> work) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        List<CompletableFuture<long[]>> runs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t * batches.size() / threads;
            runs.add(CompletableFuture.supplyAsync(() -> {
                long cpuStart = THREADS.getCurrentThreadCpuTime();
                long events = 0;
                for (int i = first; System.nanoTime() < deadline; i = (i + 1) % batches.size()) {
                    work.accept(batches.get(i));
                    events += FleetEvents.BATCH_EVENTS;
                }
                return new long[] {THREADS.getCurrentThreadCpuTime() - cpuStart, events};
            }, runnable -> new Thread(runnable).start()));
        }
        long cpu = 0;
        long events = 0;
        for (CompletableFuture<long[]> run : runs) {
            long[] result = run.join();
            cpu += result[0];
            events += result[1];
        }
        return cpu / (double) events;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
