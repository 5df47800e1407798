package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.testing.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Live series stay within their limits; a batch beyond them is refused whole. */
class CardinalityLimitTest {

    private static final long NOW = 1_700_000_000_000L;

    @Test
    void aBatchThatWouldCreateOneSeriesTooManyIsRefusedNamingTheMetricAndEvent() {
        AggregationEngine engine = engine(3, 1_000);
        assertThat(engine.apply(List.of(request(engine, 1), request(engine, 2), request(engine, 3)), NOW).isApplied()).isTrue();

        ApplyResult refused = engine.apply(List.of(request(engine, 1), request(engine, 4)), NOW);

        assertThat(refused.isApplied()).isFalse();
        // feature_service_requests_rate is the first metric of feature_request in catalog order to run out.
        assertThat(refused.rejection()).isEqualTo(new CardinalityRejection(1, "feature_service_requests_rate", 3));
        assertThat(refused.rejection().message()).isEqualTo("would create a series of feature_service_requests_rate beyond its limit of 3 series");
        assertThat(totalLatencyCount(engine)).as("nothing of the refused batch was applied").isEqualTo(3);
    }

    @Test
    void existingSeriesKeepWorkingAtTheLimit() {
        AggregationEngine engine = engine(3, 1_000);
        engine.apply(List.of(request(engine, 1), request(engine, 2), request(engine, 3)), NOW);
        engine.apply(List.of(request(engine, 4)), NOW);

        ApplyResult result = engine.apply(List.of(request(engine, 1), request(engine, 2), request(engine, 3), request(engine, 1)), NOW);

        assertThat(result.isApplied()).isTrue();
        assertThat(totalLatencyCount(engine)).isEqualTo(7);
    }

    @Test
    void aBatchNearTheLimitIsCountedExactlyAndAdmittedWhenItFits() {
        AggregationEngine engine = engine(3, 1_000);
        engine.apply(List.of(request(engine, 1), request(engine, 2)), NOW);
        List<Event> tenForOneNewService = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tenForOneNewService.add(request(engine, 3));
        }

        assertThat(engine.apply(tenForOneNewService, NOW).isApplied()).isTrue();
        assertThat(engine.seriesCountByMetric()).containsEntry("feature_service_latency", 3);
    }

    @Test
    void theLimitOverAllMetricsIsEnforcedToo() {
        AggregationEngine engine = engine(1_000, 7);
        // Two services with status 200: one series each of the two per-service metrics and one of
        // each of the two region-wide and service-wide ones: 6 series.
        assertThat(engine.apply(List.of(request(engine, 1), request(engine, 2)), NOW).isApplied()).isTrue();

        ApplyResult refused = engine.apply(List.of(request(engine, 3)), NOW);

        assertThat(refused.rejection()).isEqualTo(new CardinalityRejection(0, null, 7));
        assertThat(refused.rejection().message()).contains("over all metrics");
    }

    @Test
    void lateEventsNeedNoRoom() {
        AggregationEngine engine = engine(1, 1_000);
        engine.apply(List.of(request(engine, 1)), NOW);
        Event late = TestEvents.event(engine.schemas(), "feature_request", NOW - 400_000, requestFields(2));

        ApplyResult result = engine.apply(List.of(late), NOW);

        assertThat(result.isApplied()).isTrue();
        assertThat(result.late()).isEqualTo(1);
    }

    @Test
    void seriesPastTheirTtlMakeRoomAgain() {
        AggregationEngine engine = engine(1, 1_000);
        engine.apply(List.of(request(engine, 1)), NOW);
        long later = NOW + WindowSettings.DEFAULT_SERIES_TTL_MILLIS;
        engine.snapshot(later);

        Event fresh = TestEvents.event(engine.schemas(), "feature_request", later, requestFields(2));
        assertThat(engine.apply(List.of(fresh), later).isApplied()).isTrue();
    }

    @Test
    void concurrentBatchesNeverTakeTheSeriesBeyondTheLimit() throws Exception {
        AggregationEngine engine = engine(100, 1_000_000);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger applied = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int b = 0; b < 50; b++) {
                    List<Event> batch = List.of(request(engine, thread * 1_000 + b), request(engine, thread * 1_000 + b + 500));
                    if (engine.apply(batch, NOW).isApplied()) {
                        applied.addAndGet(batch.size());
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(engine.seriesCountByMetric().get("feature_service_latency")).isEqualTo(100);
        assertThat(totalLatencyCount(engine)).as("every applied event counted, no refused one").isEqualTo(applied.get());
    }

    private static AggregationEngine engine(int perMetric, long total) {
        return new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults(), new SeriesLimits(perMetric, total));
    }

    private static Event request(AggregationEngine engine, int service) {
        return TestEvents.event(engine.schemas(), "feature_request", NOW, requestFields(service));
    }

    private static Map<String, Object> requestFields(int service) {
        return Map.of("aws_region", "us-west-2", "feature_service_id", "fs-" + service, "feature_service_name", "svc-" + service,
                "latency_seconds", 0.01, "status", 200);
    }

    private static long totalLatencyCount(AggregationEngine engine) {
        return engine.snapshot(NOW).families().stream()
                .filter(family -> family.spec().name().equals("feature_service_total_latency"))
                .flatMap(family -> family.samples().stream())
                .mapToLong(sample -> ((SummarySample) sample).count())
                .sum();
    }
}
