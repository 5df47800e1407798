package dev.metricsgateway.http;

import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.TectonKeyAuthenticationProvider;
import dev.metricsgateway.exposition.GatewayMetrics.BatchRejection;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The routes of the contract, in one place:
 * <pre>
 *   GET  /healthz, /readyz                    no key
 *   POST /api/v1/events                       event-writer
 *   GET  /api/v1/observability/metrics        metrics-reader
 *   GET  /metrics                             metrics-reader (the gateway's own metrics)
 *   GET/POST /api/v1/service-accounts, DELETE /api/v1/service-accounts/{id}   admin
 * </pre>
 */
final class GatewayRouter {

    static final String EVENTS_PATH = "/api/v1/events";
    static final String SCRAPE_PATH = "/api/v1/observability/metrics";
    static final String OWN_METRICS_PATH = "/metrics";
    /** How often each event loop measures its lag (see {@link LoopLag}). */
    private static final long LAG_TICK_MILLIS = 20;
    /** How long an overloaded loop keeps shedding after its last congested tick: long enough to drain what queued meanwhile. */
    private static final long LAG_HOLD_MILLIS = 100;
    /**
     * Congested ticks in a row before a loop sheds: with the 250 ms default limit, at least 0.5 s
     * of lagging without ever catching up, where a GC pause or a warm-up stall is one late tick.
     * Not more: under overload one tick comes per loop iteration, and an iteration over hundreds
     * of queued batches lasts about a second (3 ticks let the queue grow for ~3 s before shedding).
     */
    private static final int LAG_CONGESTED_TICKS = 2;
    /**
     * Ingest requests between two ticks that make a late tick congested: a queue of requests, not
     * one slow thing (a single batch, a scrape, a pause). Fewer connections per loop, each with one
     * request at a time, cannot queue much (a 16-connection closed-loop benchmark on a CPU-starved
     * machine did make 8); overload comes from hundreds of senders at once.
     */
    private static final int LAG_MIN_REQUESTS = 32;
    /**
     * How long after shedding one congested tick sheds again: under sustained overload the queue
     * is back within a few hundred ms of the hold's end, and waiting for a whole new run each time
     * would let it grow for about 2 s more per cycle.
     */
    private static final long LAG_REENTRY_MILLIS = 1_000;

    private GatewayRouter() {
    }

    static Router create(Vertx vertx, GatewayServices services) {
        Router router = Router.router(vertx);
        TectonKeyAuthenticationProvider provider = new TectonKeyAuthenticationProvider(services.accounts());
        TectonKeyAuthHandler authenticate = services.authFailures()
                .map(throttle -> new TectonKeyAuthHandler(provider, throttle, services.clock()))
                .orElseGet(() -> new TectonKeyAuthHandler(provider));

        router.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
        router.get("/readyz").handler(ctx -> {
            boolean ready = services.ready().get();
            json(ctx, ready ? 200 : 503, new JsonObject().put("status", ready ? "READY" : "DRAINING"));
        });

        // Two routes for one path: Vert.x refuses a BodyHandler after an authentication handler
        // on the same route. Everything that can refuse the request runs before the body is read.
        router.post(EVENTS_PATH)
                // A body sent too slowly (slow loris) cannot hold an in-flight slot for ever.
                // (Vert.x wants its platform handlers before the user handlers of a route.)
                .handler(TimeoutHandler.create(TimeUnit.SECONDS.toMillis(services.config().requestTimeoutSeconds()), 408))
                .handler(authenticate)
                .handler(TectonKeyAuthHandler.requireRole(Role.EVENT_WRITER))
                .handler(IngestHandler.requireEventContentType(services.metrics()))
                .handler(admitIngest(vertx, services));
        router.post(EVENTS_PATH)
                .handler(new IngestBodyHandler(services.config().maxBodyBytes()))
                .handler(new IngestHandler(services.decoder(), services.engine(), services.idempotency(), services.metrics(),
                        services.clock(), services.config().maxDecompressedBytes(), services.cluster()))
                // The body reader fails a request whose body stream breaks (the client closing
                // mid-body), as Vert.x Web's BodyHandler does, with status 200, which the router would
                // send as "200 OK": an ingest request must be answered 202 or 4xx.
                .failureHandler(ctx -> {
                    if (ctx.statusCode() >= 400) {
                        ctx.next();
                        return;
                    }
                    services.metrics().batchRejected(BatchRejection.INVALID);
                    ErrorResponses.send(ctx, 400, "malformed request body", new io.vertx.core.json.JsonArray().add(new JsonObject()
                            .put("index", -1).putNull("field").put("message", "the request body could not be read")));
                });

        router.get(SCRAPE_PATH)
                .handler(authenticate)
                .handler(TectonKeyAuthHandler.requireRole(Role.METRICS_READER))
                .handler(services.cluster()
                        .map(cluster -> ScrapeHandler.globalMetrics(cluster, services.writer(), services.metrics(), services.scrapeClock()))
                        .orElseGet(() -> ScrapeHandler.catalogMetrics(services.engine(), services.writer(), services.metrics(), services.scrapeClock())));

        router.get(OWN_METRICS_PATH)
                .handler(authenticate)
                .handler(TectonKeyAuthHandler.requireRole(Role.METRICS_READER))
                .handler(ScrapeHandler.gatewayMetrics(services.engine(), services.writer(), services.metrics()));

        ServiceAccountRoutes.mount(router, authenticate, services.accountStore(), services.accounts()::reload);

        // No catch-all route: the router itself tells 404 (no such path) from 405 (path exists,
        // method does not) and the error handlers below render both as JSON.
        router.errorHandler(413, ctx -> {
            services.metrics().batchRejected(BatchRejection.TOO_LARGE);
            ErrorResponses.send(ctx, 413, "request body is over the limit of " + services.config().maxBodyBytes() + " bytes");
        });
        router.errorHandler(405, ctx -> {
            ctx.response().putHeader(HttpHeaders.ALLOW, allowedMethods(router, ctx.request().path()));
            ErrorResponses.handleFailure(ctx);
        });
        router.errorHandler(408, ctx -> {
            // The client is still sending: answer and close rather than read the rest.
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close").endHandler(sent -> ctx.request().connection().close());
            ErrorResponses.send(ctx, 408, "request not completed within " + services.config().requestTimeoutSeconds() + " s");
        });
        // 417: the ingest body reader refuses an Expect header other than 100-continue.
        for (int status : new int[] {400, 404, 415, 417, 500}) {
            router.errorHandler(status, ErrorResponses::handleFailure);
        }
        return router;
    }

    /**
     * Sheds load before the body is read: beyond the in-flight limit, or while this event loop
     * is overloaded (it has lagged, with requests queued, for several ticks in a row: too busy
     * applying batches to read its sockets, see {@link LoopLag}), the answer is 429 with
     * {@code Retry-After}, so a client backs off instead of the gateway queueing without bound.
     */
    private static Handler<RoutingContext> admitIngest(Vertx vertx, GatewayServices services) {
        int limit = services.config().maxInflightIngestRequests();
        // One per router, i.e. per verticle and event loop; the timer is the verticle's and ends with it.
        LoopLag lag = new LoopLag(LAG_TICK_MILLIS, services.config().maxEventLoopLagMillis(), LAG_HOLD_MILLIS,
                LAG_CONGESTED_TICKS, LAG_MIN_REQUESTS, LAG_REENTRY_MILLIS, System::nanoTime);
        if (lag.enabled()) {
            tickAfterDelay(vertx, lag);
        }
        return ctx -> {
            lag.requestArrived();
            if (lag.overloaded()) {
                services.metrics().batchRejected(BatchRejection.OVERLOADED);
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
                ErrorResponses.send(ctx, 429, "the gateway is shedding load; retry after 1 s");
                return;
            }
            if (services.inflightIngest().incrementAndGet() > limit) {
                services.inflightIngest().decrementAndGet();
                services.metrics().batchRejected(BatchRejection.OVERLOADED);
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
                ErrorResponses.send(ctx, 429, "the gateway is shedding load; retry after 1 s");
                return;
            }
            ctx.addEndHandler(done -> services.inflightIngest().decrementAndGet());
            ctx.next();
        };
    }

    /** Ticks {@code lag} one period after the previous tick ended (fixed delay: see {@link LoopLag}). */
    private static void tickAfterDelay(Vertx vertx, LoopLag lag) {
        vertx.setTimer(lag.periodMillis(), id -> {
            lag.tick();
            tickAfterDelay(vertx, lag);
        });
    }

    /** The methods routed for {@code path}, for the {@code Allow} header a 405 must carry (RFC 9110). */
    private static String allowedMethods(Router router, String path) {
        return router.getRoutes().stream()
                .filter(route -> route.getPath() != null && route.methods() != null
                        && path.matches(route.getPath().replaceAll(":[^/]+", "[^/]+")))
                .flatMap(route -> route.methods().stream())
                .map(HttpMethod::name)
                .distinct()
                .sorted()
                .collect(Collectors.joining(", "));
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }
}
