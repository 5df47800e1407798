package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.it.SoakIT.LoadedGateway;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backpressure under overload: the packaged jar with a 256 MB heap and an in-flight limit of
 * {@value #MAX_INFLIGHT} ingest requests, hammered by {@value #CLIENTS} concurrent clients that
 * send batches of {@value LoadedGateway#BATCH_EVENTS} events for {@value #LOAD_SECONDS} s and
 * retry at once on 429 (ignoring Retry-After, as a misbehaving fleet would). Asserts that the
 * gateway sheds load with 429 + {@code Retry-After} instead of queueing, that nothing else goes
 * wrong (no 5xx, no connection error, the process never dies of OutOfMemoryError), that the
 * heap after GC stays bounded, and that every event of every 202 is counted, in the gateway's own
 * counter and in the catalog's cumulative counts.
 */
class OverloadIT {

    static final int MAX_INFLIGHT = 8;
    static final int CLIENTS = 64;
    static final int LOAD_SECONDS = 12;
    /** Heap after GC may grow by the aggregation state of the load, not by what was queued. */
    static final long MAX_HEAP_GROWTH_KB = 64 * 1024;
    private static final int MAX_ERRORS_LISTED = 10;

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    @Test
    void overloadIsShedWith429AndEvery202dEventIsCounted() throws Exception {
        LoadedGateway gateway = LoadedGateway.start(children, workDir, "-Xmx256m",
                Map.of("METRICS_GATEWAY_MAX_INFLIGHT_INGEST_REQUESTS", Integer.toString(MAX_INFLIGHT)));
        long heapBeforeKb = gateway.heapAfterGcKb();
        long rssBeforeKb = gateway.rssKb();

        AtomicLong acceptedEvents = new AtomicLong();
        AtomicLong batches202 = new AtomicLong();
        AtomicLong shed = new AtomicLong();
        Map<String, Long> retryAfter = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        long startedNanos = System.nanoTime();
        long deadline = startedNanos + TimeUnit.SECONDS.toNanos(LOAD_SECONDS);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(SoakIT.daemon("overload-" + i, () -> {
                while (System.nanoTime() < deadline) {
                    try {
                        HttpResponse<String> answer = gateway.postBatch();
                        if (answer.statusCode() == 202) {
                            batches202.incrementAndGet();
                            acceptedEvents.addAndGet(Long.parseLong(answer.body().replaceAll(".*\"accepted\":(\\d+).*", "$1")));
                        } else if (answer.statusCode() == 429) {
                            shed.incrementAndGet();
                            retryAfter.merge(answer.headers().firstValue("Retry-After").orElse("<none>"), 1L, Long::sum);
                        } else {
                            errors.add("answered " + answer.statusCode() + ": " + answer.body());
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.add("request failed: " + e);
                    }
                }
            }));
        }
        clients.forEach(Thread::start);
        long heapPeakKb = 0;
        long rssPeakKb = 0;
        List<String> samples = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(Math.max(0, Math.min(2000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            assertThat(gateway.isAlive()).as("the gateway survives the overload\n%s", gateway.transcripts()).isTrue();
            long heapKb = gateway.heapAfterGcKb();
            long rssKb = gateway.rssKb();
            heapPeakKb = Math.max(heapPeakKb, heapKb);
            rssPeakKb = Math.max(rssPeakKb, rssKb);
            samples.add(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos) + "s: " + heapKb + "/" + rssKb);
        }
        for (Thread client : clients) {
            client.join(TimeUnit.SECONDS.toMillis(30));
        }
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        assertThat(gateway.isAlive()).as("the gateway survives the overload\n%s", gateway.transcripts()).isTrue();
        long heapAfterKb = gateway.heapAfterGcKb();

        String own = gateway.ownMetrics();
        String scrape = gateway.scrape(false).body();
        long counted = (long) LoadedGateway.sum(own, "metrics_gateway_events_accepted_total");
        long overloaded = (long) LoadedGateway.sum(own, "metrics_gateway_batches_rejected_total{reason=\"overloaded\"}");
        long featureRequests = (long) LoadedGateway.sum(scrape, "feature_service_total_latency_count");
        System.out.printf("overload: %d clients, in-flight limit %d, %.1f s: %d batches 202 (%d events, %.0f events/s), %d shed with 429 %s,"
                        + " %d errors %s%n  events_accepted_total %d, batches_rejected_total{overloaded} %d, feature_service_total_latency_count %d%n"
                        + "  heap after GC (KB): before %d, peak during load %d, after %d; RSS (KB): before %d, peak %d; samples (heap/RSS KB) %s%n",
                CLIENTS, MAX_INFLIGHT, seconds, batches202.get(), acceptedEvents.get(), acceptedEvents.get() / seconds, shed.get(), retryAfter,
                errors.size(), errors.stream().limit(MAX_ERRORS_LISTED).toList(), counted, overloaded, featureRequests,
                heapBeforeKb, heapPeakKb, heapAfterKb, rssBeforeKb, rssPeakKb, samples);

        assertThat(errors).as("no 5xx, no other status, no connection error").isEmpty();
        assertThat(shed.get()).as("overload was shed with 429").isPositive();
        assertThat(retryAfter).as("every 429 carries Retry-After: 1").containsOnlyKeys("1");
        assertThat(overloaded).as("each 429 is counted as an overloaded batch").isEqualTo(shed.get());
        assertThat(batches202.get()).as("the gateway kept accepting while shedding").isPositive();
        assertThat(acceptedEvents.get()).isEqualTo(batches202.get() * LoadedGateway.BATCH_EVENTS);
        assertThat(counted).as("metrics_gateway_events_accepted_total = Σ accepted over the 202s").isEqualTo(acceptedEvents.get());
        assertThat(featureRequests).as("feature_service_total_latency_count = feature requests in the 202'd batches")
                .isEqualTo(batches202.get() * LoadedGateway.FEATURE_REQUESTS_PER_BATCH);
        assertThat(heapPeakKb).as("heap after GC stays bounded under overload").isLessThanOrEqualTo(heapBeforeKb + MAX_HEAP_GROWTH_KB);
    }
}
