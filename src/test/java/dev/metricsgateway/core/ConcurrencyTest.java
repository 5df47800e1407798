package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.metricsgateway.catalog.CatalogLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link AggregationEngine} under concurrent {@code apply} and {@code snapshot}: no event is lost
 * or counted twice, and cumulative counts never go down while writers run. All threads use the
 * same {@code nowMillis}, so the expected values are exact.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final int W = 300;
    private static final int WRITERS = 4;
    private static final int EVENTS_PER_WRITER = 50_000;
    private static final int BATCH = 500;
    private static final String REGION = "us-west-2";

    private final AggregationEngine engine = new AggregationEngine(CatalogLoader.loadDefault(),
            new WindowSettings(W, 600_000, 60_000));
    private final TectonEvents events = new TectonEvents(engine);
    private final ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Writer {@code w} alternates between the shared feature service and its own; every tenth event
     * has status 500; latencies are 1/4 s or 1/2 s, so sums are exact in binary.
     */
    private List<List<Event>> batchesOf(int writer) {
        List<List<Event>> batches = new ArrayList<>();
        List<Event> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < EVENTS_PER_WRITER; i++) {
            boolean shared = i % 2 == 0;
            String serviceId = shared ? "fs-shared" : "fs-own-" + writer;
            long timeMillis = NOW - (i % 200) * 1000L - (i % 1000);
            batch.add(events.request(timeMillis, REGION, serviceId, serviceId, shared ? 0.25 : 0.5, i % 10 == 0 ? 500 : 200));
            if (batch.size() == BATCH) {
                batches.add(batch);
                batch = new ArrayList<>(BATCH);
            }
        }
        return batches;
    }

    @Test
    void concurrentWritersAndSnapshotsLoseNoEvent() throws Exception {
        List<List<List<Event>>> work = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            work.add(batchesOf(w));
        }
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            List<List<Event>> batches = work.get(w);
            writers.add(pool.submit(() -> {
                start.await();
                int applied = 0;
                for (List<Event> batch : batches) {
                    ApplyResult result = engine.apply(batch, NOW);
                    assertThat(result.late()).isZero();
                    applied += result.applied();
                }
                return applied;
            }));
        }
        Future<Integer> reader = pool.submit(snapshotsUntil(start, writing));

        start.countDown();
        for (Future<Integer> writer : writers) {
            assertThat(writer.get()).isEqualTo(EVENTS_PER_WRITER);
        }
        writing.set(false);
        assertThat(reader.get()).as("snapshots taken").isPositive();

        SnapshotReader snapshot = new SnapshotReader(engine.snapshot(NOW));
        int total = WRITERS * EVENTS_PER_WRITER;
        SummarySample all = snapshot.summary("feature_service_total_latency");
        assertThat(all.count()).isEqualTo(total);
        assertThat(all.sum()).isEqualTo(total / 2 * 0.25 + total / 2 * 0.5);
        assertThat(snapshot.gauge("feature_service_requests_total_rate", REGION) * W).isCloseTo(total, within(1e-6));
        SummarySample shared = snapshot.summary("feature_service_latency", "fs-shared", "fs-shared");
        assertThat(shared.count()).isEqualTo(total / 2);
        assertThat(shared.sum()).isEqualTo(total / 2 * 0.25);
        assertThat(snapshot.gauge("feature_service_requests_rate", REGION, "fs-shared", "fs-shared") * W)
                .isCloseTo(total / 2, within(1e-6));
        for (int w = 0; w < WRITERS; w++) {
            String own = "fs-own-" + w;
            assertThat(snapshot.summary("feature_service_latency", own, own).count()).as(own).isEqualTo(EVENTS_PER_WRITER / 2);
            assertThat(snapshot.gauge("feature_service_requests_rate", REGION, own, own) * W).as(own)
                    .isCloseTo(EVENTS_PER_WRITER / 2, within(1e-6));
        }
        assertThat(snapshot.gauge("feature_server_errors_rate", "500")).isCloseTo(10.0, within(1e-9));
    }

    /** Takes snapshots until {@code writing} turns false, checking that cumulative counts never go down. */
    private Callable<Integer> snapshotsUntil(CountDownLatch start, AtomicBoolean writing) {
        return () -> {
            start.await();
            int snapshots = 0;
            long previousCount = 0;
            do {
                SnapshotReader snapshot = new SnapshotReader(engine.snapshot(NOW));
                long count = snapshot.find("feature_service_total_latency")
                        .map(sample -> ((SummarySample) sample).count()).orElse(0L);
                assertThat(count).isGreaterThanOrEqualTo(previousCount);
                previousCount = count;
                snapshots++;
            } while (writing.get());
            return snapshots;
        };
    }
}
