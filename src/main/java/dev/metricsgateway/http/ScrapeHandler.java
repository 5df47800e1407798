package dev.metricsgateway.http;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.exposition.ExpositionFormat;
import dev.metricsgateway.exposition.ExpositionWriter;
import dev.metricsgateway.exposition.GatewayMetrics;
import dev.metricsgateway.exposition.Rendering;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Serves a rendering in the negotiated format with its exact Content-Type and
 * {@code Vary: Accept, Accept-Encoding}; the server gzips it when Accept-Encoding allows.
 * A scrape runs off the event loops: a worker thread waits while the scrape pool (one thread
 * per core) snapshots and renders it, since a scrape of many series takes milliseconds to
 * seconds, too long for an event loop. Stateless.
 */
final class ScrapeHandler implements Handler<RoutingContext> {

    static final String VARY = "Accept, Accept-Encoding";

    /**
     * Snapshots and renders the parts of a large scrape, one thread per core: a scrape of 1M
     * series then takes about half the time on an idle machine, and under ingest load it gets a
     * fairer share of the cores next to the busy event loops. Daemon threads, shared by every
     * server of the process; the worker thread that serves the scrape waits for them.
     */
    private static final ForkJoinPool SCRAPE_POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), pool -> {
        ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        thread.setName("metrics-gateway-scrape-" + thread.getPoolIndex());
        return thread;
    }, null, false);

    private final BiFunction<Vertx, ExpositionFormat, Future<Rendering>> render;

    private ScrapeHandler(BiFunction<Vertx, ExpositionFormat, Future<Rendering>> render) {
        this.render = render;
    }

    /** Renders on a worker thread. */
    private static ScrapeHandler blocking(Function<ExpositionFormat, Rendering> render) {
        return new ScrapeHandler((vertx, format) -> vertx.executeBlocking(() -> render.apply(format), false));
    }

    /** The catalog metrics, stamped with one time per scrape. */
    static ScrapeHandler catalogMetrics(AggregationEngine engine, ExpositionWriter writer, GatewayMetrics metrics, ScrapeClock clock) {
        return blocking(format -> {
            long started = System.nanoTime();
            Rendering body = writer.render(engine.snapshot(clock.nextMillis(), SCRAPE_POOL), format, SCRAPE_POOL);
            metrics.scrapeServed((System.nanoTime() - started) / 1e9);
            return body;
        });
    }

    /**
     * The catalog metrics of the whole cluster: the hooks gather and merge every member's state
     * (off the event loop), then the merged snapshot is rendered on a worker thread.
     */
    static ScrapeHandler globalMetrics(ClusterHooks cluster, ExpositionWriter writer, GatewayMetrics metrics, ScrapeClock clock) {
        return new ScrapeHandler((vertx, format) -> {
            long started = System.nanoTime();
            return cluster.globalSnapshot(clock.nextMillis())
                    .compose(snapshot -> vertx.executeBlocking(() -> {
                        Rendering body = writer.render(snapshot, format, SCRAPE_POOL);
                        metrics.scrapeServed((System.nanoTime() - started) / 1e9);
                        return body;
                    }, false));
        });
    }

    /** The gateway's own metrics, unstamped (they are read at scrape time like any exporter's). */
    static ScrapeHandler gatewayMetrics(AggregationEngine engine, ExpositionWriter writer, GatewayMetrics metrics) {
        return blocking(format -> Rendering.of(writer.write(metrics.snapshot(engine.seriesCountByMetric()), format)));
    }

    /** The rendering's parts wrapped, not copied (Buffer.buffer(byte[]) would copy up to 134 MB per scrape of 1M series). */
    private static Buffer asBuffer(Rendering rendering) {
        return BufferInternal.buffer(Unpooled.wrappedBuffer(rendering.parts().toArray(ByteBuffer[]::new)));
    }

    @Override
    public void handle(RoutingContext ctx) {
        ExpositionFormat format = ExpositionFormat.negotiate(ctx.request().getHeader(HttpHeaders.ACCEPT));
        render.apply(ctx.vertx(), format).onComplete(rendered -> {
            if (rendered.failed()) {
                ctx.fail(rendered.cause());
                return;
            }
            ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, format.contentType())
                    .putHeader(HttpHeaders.VARY, VARY)
                    .end(asBuffer(rendered.result()));
        });
    }
}
