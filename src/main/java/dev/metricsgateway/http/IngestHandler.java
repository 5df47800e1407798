package dev.metricsgateway.http;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.ApplyResult;
import dev.metricsgateway.core.CardinalityRejection;
import dev.metricsgateway.exposition.GatewayMetrics;
import dev.metricsgateway.exposition.GatewayMetrics.BatchRejection;
import dev.metricsgateway.ingest.BodyFormat;
import dev.metricsgateway.ingest.DecodeResult;
import dev.metricsgateway.ingest.EventDecoder;
import dev.metricsgateway.ingest.IdempotencyCache;
import dev.metricsgateway.ingest.Violation;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/v1/events}: body (gzip or not) → decoder → engine, all or nothing. The body has
 * already been read (and its size bounded) by the route's BodyHandler. A batch named by an
 * {@code Idempotency-Key} header or by the {@code batch_id} its events carry is looked up in the
 * {@link IdempotencyCache}, so a retry of an applied batch is acknowledged without being applied
 * again: a header before the body is decoded, a {@code batch_id} once it is (both together must
 * agree). One namespace per service account holds both kinds of key. In a cluster, a key the
 * cache would apply is then claimed against every member's keys ({@link
 * ClusterHooks#claimIdempotencyKey}, without blocking), so a retry sent to another member than
 * the first attempt is recognized too.
 *
 * <p>Runs on the event loop: decoding a batch is CPU work measured in microseconds per event,
 * and the engine is safe to call from every event loop at once. Stateless.
 */
final class IngestHandler implements Handler<RoutingContext> {

    /** Header under which a client names a batch so that a retry of it is not applied twice. */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Set on an answer that repeats the result of an earlier, identical batch. */
    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";
    private static final int MAX_IDEMPOTENCY_KEY_LENGTH = IdempotencyCache.MAX_KEY_LENGTH;
    private static final String BATCH_ID = "batch_id";

    private final EventDecoder decoder;
    private final AggregationEngine engine;
    private final IdempotencyCache idempotency;
    private final GatewayMetrics metrics;
    private final InstantSource clock;
    private final long maxDecompressedBytes;
    private final Optional<ClusterHooks> cluster;

    IngestHandler(EventDecoder decoder, AggregationEngine engine, IdempotencyCache idempotency, GatewayMetrics metrics,
            InstantSource clock, long maxDecompressedBytes, Optional<ClusterHooks> cluster) {
        this.cluster = cluster;
        this.decoder = decoder;
        this.engine = engine;
        this.idempotency = idempotency;
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
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (key == null) {
            decodeAndApply(ctx, body.get(), format, nowMillis, null);
            return;
        }
        if (!IdempotencyCache.isValidKey(key)) {
            metrics.batchRejected(BatchRejection.INVALID);
            ErrorResponses.send(ctx, 400, IDEMPOTENCY_KEY + " must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " visible ASCII characters",
                    new JsonArray().add(new JsonObject().put("index", Violation.WHOLE_BODY).put("field", IDEMPOTENCY_KEY)
                            .put("message", "must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH + " visible ASCII characters")));
            return;
        }
        String accountId = ctx.user().principal().getString("id");
        begin(accountId, key, sha256(body.get()), nowMillis).onSuccess(decision -> {
            if (!answeredFromCache(ctx, accountId, key, decision, IDEMPOTENCY_KEY)) {
                decodeAndApply(ctx, body.get(), format, nowMillis, key);
            }
        });
    }

    /**
     * The cache's decision on a key; in a cluster, a key the cache would apply is then claimed
     * against every member's keys, so that a retry sent to another member is recognized. Already
     * complete for a single gateway (no wait); never failed.
     */
    private Future<IdempotencyCache.Decision> begin(String accountId, String key, byte[] bodyDigest, long nowMillis) {
        IdempotencyCache.Decision local = idempotency.begin(accountId, key, bodyDigest, nowMillis);
        if (!(local instanceof IdempotencyCache.Apply) || cluster.isEmpty()) {
            return Future.succeededFuture(local);
        }
        return cluster.get().claimIdempotencyKey(accountId, key, bodyDigest).map(shared -> {
            if (!(shared instanceof IdempotencyCache.Apply)) {
                idempotency.abandon(accountId, key); // another member holds the key: this member's reservation goes
            }
            return shared;
        });
    }

    /**
     * Answers a request whose key the cache has seen (a replay, a conflict, or one in progress);
     * false when the batch is to be applied ({@link IdempotencyCache.Apply}).
     */
    private boolean answeredFromCache(RoutingContext ctx, String accountId, String key, IdempotencyCache.Decision decision, String keyName) {
        if (ctx.response().ended()) {
            // answered meanwhile (the request timed out while the cluster was asked): apply nothing
            if (decision instanceof IdempotencyCache.Apply) {
                release(accountId, key);
            }
        } else if (decision instanceof IdempotencyCache.Replay replay) {
            metrics.batchReplayed();
            ctx.response().putHeader(IDEMPOTENT_REPLAYED, "true");
            accepted(ctx, replay.accepted(), replay.late());
        } else if (decision instanceof IdempotencyCache.Conflict) {
            ErrorResponses.send(ctx, 409, keyName + " was already used for a different batch");
        } else if (decision instanceof IdempotencyCache.InProgress) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
            ErrorResponses.send(ctx, 409, "a batch with this " + keyName + " is being applied; retry after 1 s");
        } else {
            return false;
        }
        return true;
    }

    /**
     * Decodes and applies a batch. {@code headerKey} (or null) was reserved before; a
     * {@code batch_id} found in the body is reserved here when no header came. The reserved key is
     * completed once the batch is applied, or released when it is not.
     */
    private void decodeAndApply(RoutingContext ctx, byte[] body, BodyFormat format, long nowMillis, String headerKey) {
        String accountId = ctx.user().principal().getString("id");
        DecodeResult result = decoder.decode(body, format, nowMillis);
        if (result instanceof DecodeResult.Rejected rejected) {
            release(accountId, headerKey);
            reject(ctx, rejected);
            return;
        }
        if (result instanceof DecodeResult.TooManyEvents tooMany) {
            release(accountId, headerKey);
            metrics.batchRejected(BatchRejection.TOO_LARGE);
            ErrorResponses.send(ctx, 413, tooMany.error());
            return;
        }
        DecodeResult.Accepted decoded = (DecodeResult.Accepted) result;
        String batchId = decoded.batchId();
        if (batchId != null && headerKey != null && !batchId.equals(headerKey)) {
            release(accountId, headerKey);
            metrics.batchRejected(BatchRejection.INVALID);
            String message = "differs from the " + IDEMPOTENCY_KEY + " header; send one of them, or the same value in both";
            ErrorResponses.send(ctx, 400, "batch rejected: " + BATCH_ID + " " + message,
                    new JsonArray().add(new JsonObject().put("index", Violation.WHOLE_BODY).put("field", BATCH_ID).put("message", message)));
            return;
        }
        if (batchId != null && headerKey == null) {
            byte[] bodyDigest = sha256(body);
            begin(accountId, batchId, bodyDigest, nowMillis).onSuccess(decision -> {
                if (!answeredFromCache(ctx, accountId, batchId, decision, BATCH_ID)) {
                    apply(ctx, decoded, accountId, batchId, bodyDigest, nowMillis);
                }
            });
            return;
        }
        apply(ctx, decoded, accountId, headerKey, headerKey == null ? null : sha256(body), nowMillis);
    }

    /** Applies a decoded batch; {@code idempotencyKey} (or null) was reserved, and is completed or released. */
    private void apply(RoutingContext ctx, DecodeResult.Accepted decoded, String accountId, String idempotencyKey, byte[] bodyDigest,
            long nowMillis) {
        ApplyResult applied = engine.apply(decoded.events(), nowMillis);
        if (!applied.isApplied()) {
            release(accountId, idempotencyKey);
            CardinalityRejection rejection = applied.rejection();
            metrics.batchRejected(BatchRejection.CARDINALITY);
            ErrorResponses.send(ctx, 400, "batch rejected: series limit reached",
                    new JsonArray().add(new JsonObject().put("index", rejection.eventIndex()).putNull("field").put("message", rejection.message())));
            return;
        }
        if (idempotencyKey != null) {
            idempotency.complete(accountId, idempotencyKey, decoded.events().size(), applied.late());
            cluster.ifPresent(hooks -> hooks.completeIdempotencyKey(accountId, idempotencyKey, bodyDigest, decoded.events().size(), applied.late()));
        }
        metrics.batchAccepted(decoded.events().size(), applied.late());
        accepted(ctx, decoded.events().size(), applied.late());
    }

    private void release(String accountId, String idempotencyKey) {
        if (idempotencyKey != null) {
            idempotency.abandon(accountId, idempotencyKey);
            cluster.ifPresent(hooks -> hooks.releaseIdempotencyKey(accountId, idempotencyKey));
        }
    }

    private static void accepted(RoutingContext ctx, int accepted, int late) {
        ctx.response()
                .setStatusCode(202)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("accepted", accepted).put("late", late).encode());
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private Optional<byte[]> body(RoutingContext ctx) {
        byte[] raw = ctx.get(IngestBodyHandler.BODY);
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
