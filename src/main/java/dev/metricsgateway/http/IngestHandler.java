package dev.metricsgateway.http;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.ApplyResult;
import dev.metricsgateway.exposition.GatewayMetrics;
import dev.metricsgateway.exposition.GatewayMetrics.BatchRejection;
import dev.metricsgateway.ingest.BodyFormat;
import dev.metricsgateway.ingest.DecodeResult;
import dev.metricsgateway.ingest.EventDecoder;
import dev.metricsgateway.ingest.Violation;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/v1/events}: body (gzip or not) → decoder → engine, all or nothing. The body has
 * already been read (and its size bounded) by the route's BodyHandler.
 *
 * <p>Runs on the event loop: decoding a batch is CPU work measured in microseconds per event,
 * and the engine is safe to call from every event loop at once. Stateless.
 */
final class IngestHandler implements Handler<RoutingContext> {

    private final EventDecoder decoder;
    private final AggregationEngine engine;
    private final GatewayMetrics metrics;
    private final InstantSource clock;
    private final long maxDecompressedBytes;

    IngestHandler(EventDecoder decoder, AggregationEngine engine, GatewayMetrics metrics, InstantSource clock, long maxDecompressedBytes) {
        this.decoder = decoder;
        this.engine = engine;
        this.metrics = metrics;
        this.clock = clock;
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /** Refuses other content types before the body is read. */
    static Handler<RoutingContext> requireEventContentType(GatewayMetrics metrics) {
        return ctx -> {
            if (BodyFormat.fromContentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)).isEmpty()) {
                metrics.batchRejected(BatchRejection.UNSUPPORTED_MEDIA_TYPE);
                ErrorResponses.send(ctx, 415, "Content-Type must be application/x-ndjson (one event per line) or application/json (an array of events)");
                return;
            }
            String encoding = ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING);
            if (encoding != null && !encoding.equalsIgnoreCase("gzip") && !encoding.equalsIgnoreCase("identity")) {
                metrics.batchRejected(BatchRejection.UNSUPPORTED_MEDIA_TYPE);
                ErrorResponses.send(ctx, 415, "Content-Encoding must be gzip or identity");
                return;
            }
            ctx.next();
        };
    }

    @Override
    public void handle(RoutingContext ctx) {
        BodyFormat format = BodyFormat.fromContentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE)).orElseThrow();
        Optional<byte[]> body = body(ctx);
        if (body.isEmpty()) {
            return;
        }
        long nowMillis = clock.millis();
        DecodeResult result = decoder.decode(body.get(), format, nowMillis);
        if (result instanceof DecodeResult.Rejected rejected) {
            reject(ctx, rejected);
            return;
        }
        DecodeResult.Accepted accepted = (DecodeResult.Accepted) result;
        ApplyResult applied = engine.apply(accepted.events(), nowMillis);
        metrics.batchAccepted(accepted.events().size(), applied.late());
        ctx.response()
                .setStatusCode(202)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("accepted", accepted.events().size()).put("late", applied.late()).encode());
    }

    private Optional<byte[]> body(RoutingContext ctx) {
        byte[] raw = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        if (!"gzip".equalsIgnoreCase(ctx.request().getHeader(HttpHeaders.CONTENT_ENCODING))) {
            return Optional.of(raw);
        }
        try {
            return Optional.of(GzipBodies.gunzip(raw, maxDecompressedBytes));
        } catch (GzipBodies.TooLargeException e) {
            metrics.batchRejected(BatchRejection.TOO_LARGE);
            ErrorResponses.send(ctx, 413, e.getMessage());
        } catch (IOException e) {
            metrics.batchRejected(BatchRejection.INVALID);
            ErrorResponses.send(ctx, 400, "body is not valid gzip", new JsonArray().add(
                    new JsonObject().put("index", Violation.WHOLE_BODY).putNull("field").put("message", "not valid gzip")));
        }
        return Optional.empty();
    }

    private void reject(RoutingContext ctx, DecodeResult.Rejected rejected) {
        JsonArray details = new JsonArray();
        Set<Integer> invalidEvents = new HashSet<>();
        Set<Integer> futureEvents = new HashSet<>();
        for (Violation violation : rejected.violations()) {
            JsonObject detail = new JsonObject().put("index", violation.index());
            if (violation.field() == null) {
                detail.putNull("field");
            } else {
                detail.put("field", violation.field());
            }
            details.add(detail.put("message", violation.message()));
            invalidEvents.add(violation.index());
            if ("time".equals(violation.field()) && violation.message().contains("in the future")) {
                futureEvents.add(violation.index());
            }
        }
        metrics.batchRejected(BatchRejection.INVALID);
        metrics.eventsRejected(invalidEvents.size(), futureEvents.size());
        ErrorResponses.send(ctx, 400, rejected.error(), details);
    }
}
