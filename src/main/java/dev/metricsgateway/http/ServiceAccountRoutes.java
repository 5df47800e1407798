package dev.metricsgateway.http;

import dev.metricsgateway.auth.AccountKey;
import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.IssuedKey;
import dev.metricsgateway.auth.KeyExpiry;
import dev.metricsgateway.auth.KeyLimitException;
import dev.metricsgateway.auth.KeyRevocation;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountStore;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The service-account API, for admins only:
 * <ul>
 *   <li>{@code GET /api/v1/service-accounts} → {@code 200 {"service_accounts": [account...]}}</li>
 *   <li>{@code POST /api/v1/service-accounts} with {@code {"name", "description"?, "roles",
 *       "expires_in"? | "expires_at"?}} → {@code 201} account plus {@code "api_key"} (shown this
 *       once) and {@code "key_id"}; {@code 400} with {@code details} for an invalid body,
 *       {@code 415} for a non-JSON body, {@code 413} over {@value #BODY_LIMIT_BYTES} bytes</li>
 *   <li>{@code DELETE /api/v1/service-accounts/{id}} → {@code 204}, or {@code 404}</li>
 *   <li>{@code POST /api/v1/service-accounts/{id}/keys}, optionally with
 *       {@code {"expires_in"? | "expires_at"?}} → {@code 201 {"service_account_id", "key_id",
 *       "api_key", "created_at", "expires_at"}}: a second key for rotation with overlap (the old
 *       one keeps working until revoked); {@code 404} unknown account, {@code 409} when the account
 *       already holds two keys, {@code 400}/{@code 413}/{@code 415} for a bad body</li>
 *   <li>{@code DELETE /api/v1/service-accounts/{id}/keys/{keyId}} → {@code 204}; {@code 404}
 *       unknown account or key; {@code 409} for the account's only key</li>
 * </ul>
 * An account is {@code {"id", "name", "description", "roles": [wire names], "created_at": ISO-8601,
 * "keys": [{"key_id", "created_at", "expires_at": ISO-8601 or null}]}}; keys and key hashes are never
 * sent, except a new key in the answer that created it.
 *
 * <p>Threading: the handlers run on the event loop and hand every store call (blocking file I/O)
 * to a worker with {@code executeBlocking}; {@code afterWrite} runs on that worker right after a
 * successful write.
 */
public final class ServiceAccountRoutes {

    /** The collection path. */
    public static final String PATH = "/api/v1/service-accounts";

    /** Largest accepted create request body, in bytes. */
    public static final int BODY_LIMIT_BYTES = 64 * 1024;

    private static final String JSON = "application/json";

    private ServiceAccountRoutes() {
    }

    /** The keys of one account, under {@link #PATH}. */
    public static final String KEYS_PATH = PATH + "/:id/keys";

    /**
     * Mounts the five routes on {@code router}.
     *
     * @param authHandler the {@link TectonKeyAuthHandler} (mounted again per route; it is a no-op
     *                    when an enclosing route already authenticated the request)
     * @param store       where accounts live
     * @param afterWrite  runs on a worker thread after each create, delete, rotation or
     *                    revocation, typically to make the server's registry reload at once
     */
    public static void mount(Router router, Handler<RoutingContext> authHandler, ServiceAccountStore store,
                             Runnable afterWrite) {
        Handler<RoutingContext> adminOnly = TectonKeyAuthHandler.requireRole(Role.ADMIN);
        router.get(PATH).handler(authHandler).handler(adminOnly).handler(ctx -> list(ctx, store));
        // Two routes: strangers, non-admins and non-JSON bodies are turned away before a byte of
        // the body is read (and vertx-web allows a BodyHandler only before auth on one route).
        router.post(PATH).handler(authHandler).handler(adminOnly).handler(ServiceAccountRoutes::requireJsonContentType);
        router.post(PATH)
                .handler(BodyHandler.create().setBodyLimit(BODY_LIMIT_BYTES))
                .handler(ctx -> create(ctx, store, afterWrite))
                .failureHandler(ServiceAccountRoutes::bodyTooLarge);
        router.delete(PATH + "/:id").handler(authHandler).handler(adminOnly)
                .handler(ctx -> delete(ctx, store, afterWrite));
        // The body is optional here: a bare POST issues a key that never expires.
        router.post(KEYS_PATH).handler(authHandler).handler(adminOnly)
                .handler(ServiceAccountRoutes::requireJsonContentTypeIfDeclared);
        router.post(KEYS_PATH)
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES))
                .handler(ctx -> rotate(ctx, store, afterWrite))
                .failureHandler(ServiceAccountRoutes::bodyTooLarge);
        router.delete(KEYS_PATH + "/:keyId").handler(authHandler).handler(adminOnly)
                .handler(ctx -> revokeKey(ctx, store, afterWrite));
    }

    private static void list(RoutingContext ctx, ServiceAccountStore store) {
        ctx.vertx().executeBlocking(store::list).onComplete(done -> {
            if (done.failed()) {
                ctx.fail(500, done.cause());
                return;
            }
            JsonArray accounts = new JsonArray();
            done.result().forEach(account -> accounts.add(toJson(account)));
            send(ctx, 200, new JsonObject().put("service_accounts", accounts));
        });
    }

    private static void create(RoutingContext ctx, ServiceAccountStore store, Runnable afterWrite) {
        Object body;
        try {
            body = Json.decodeValue(ctx.body().buffer());
        } catch (DecodeException | NullPointerException e) {
            ErrorResponses.send(ctx, 400, "request body is not valid JSON", new JsonArray());
            return;
        }
        if (!(body instanceof JsonObject request)) {
            ErrorResponses.send(ctx, 400, "request body must be a JSON object", new JsonArray());
            return;
        }
        CreateRequest parsed = CreateRequest.parse(request);
        if (!parsed.problems().isEmpty()) {
            ErrorResponses.send(ctx, 400, "invalid service account", parsed.problems());
            return;
        }
        ctx.vertx().executeBlocking(() -> {
            CreatedServiceAccount created = store.create(parsed.name(), parsed.description(), parsed.roles(),
                    parsed.expiry().expiry());
            afterWrite.run();
            return created;
        }).onComplete(done -> {
            if (done.failed()) {
                failWrite(ctx, done.cause(), parsed.expiry());
                return;
            }
            CreatedServiceAccount created = done.result();
            ctx.response()
                    .putHeader(HttpHeaders.LOCATION, PATH + "/" + created.account().id())
                    // The answer carries a key: no cache may keep it.
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            send(ctx, 201, toJson(created.account())
                    .put("key_id", created.key().id())
                    .put("api_key", created.plaintextKey()));
        });
    }

    private static void rotate(RoutingContext ctx, ServiceAccountStore store, Runnable afterWrite) {
        String id = ctx.pathParam("id");
        ExpiryRequest expiry;
        if (ctx.body().buffer() == null || ctx.body().buffer().length() == 0) {
            expiry = ExpiryRequest.NONE;
        } else if (ctx.request().getHeader(HttpHeaders.CONTENT_TYPE) == null) {
            ErrorResponses.send(ctx, 415, "Content-Type must be application/json");
            return;
        } else {
            Object body;
            try {
                body = Json.decodeValue(ctx.body().buffer());
            } catch (DecodeException e) {
                ErrorResponses.send(ctx, 400, "request body is not valid JSON", new JsonArray());
                return;
            }
            if (!(body instanceof JsonObject request)) {
                ErrorResponses.send(ctx, 400, "request body must be a JSON object", new JsonArray());
                return;
            }
            JsonArray problems = new JsonArray();
            expiry = ExpiryRequest.parse(request, problems);
            if (!problems.isEmpty()) {
                ErrorResponses.send(ctx, 400, "invalid key request", problems);
                return;
            }
        }
        ctx.vertx().executeBlocking(() -> {
            Optional<IssuedKey> issued = store.rotate(id, expiry.expiry());
            if (issued.isPresent()) {
                afterWrite.run();
            }
            return issued;
        }).onComplete(done -> {
            if (done.failed()) {
                if (done.cause() instanceof KeyLimitException) {
                    ErrorResponses.send(ctx, 409, "the service account already holds " + ServiceAccount.MAX_KEYS
                            + " keys; revoke one (DELETE " + PATH + "/{id}/keys/{keyId}) before issuing another");
                } else {
                    failWrite(ctx, done.cause(), expiry);
                }
                return;
            }
            if (done.result().isEmpty()) {
                ErrorResponses.send(ctx, 404, "no service account with this id");
                return;
            }
            IssuedKey issued = done.result().get();
            ctx.response()
                    .putHeader(HttpHeaders.LOCATION, PATH + "/" + issued.account().id() + "/keys/" + issued.key().id())
                    // The answer carries a key: no cache may keep it.
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            send(ctx, 201, new JsonObject()
                    .put("service_account_id", issued.account().id())
                    .put("key_id", issued.key().id())
                    .put("api_key", issued.plaintextKey())
                    .put("created_at", issued.key().createdAt().toString())
                    .put("expires_at", instantOrNull(issued.key().expiresAt())));
        });
    }

    private static void revokeKey(RoutingContext ctx, ServiceAccountStore store, Runnable afterWrite) {
        String id = ctx.pathParam("id");
        String keyId = ctx.pathParam("keyId");
        ctx.vertx().executeBlocking(() -> {
            KeyRevocation revocation = store.revokeKey(id, keyId);
            if (revocation == KeyRevocation.REVOKED) {
                afterWrite.run();
            }
            return revocation;
        }).onComplete(done -> {
            if (done.failed()) {
                ctx.fail(500, done.cause());
                return;
            }
            // Ids are not echoed: whatever the client put in the path stays out of the answer.
            switch (done.result()) {
                case REVOKED -> ctx.response().setStatusCode(204).end();
                case UNKNOWN_ACCOUNT -> ErrorResponses.send(ctx, 404, "no service account with this id");
                case UNKNOWN_KEY -> ErrorResponses.send(ctx, 404, "the service account has no key with this id");
                case ONLY_KEY -> ErrorResponses.send(ctx, 409, "this is the service account's only key; issue a new one "
                        + "(POST " + PATH + "/{id}/keys) before revoking it, or delete the account");
            }
        });
    }

    /** A store write failed: a bad expiry (the store judges it against its clock) is the client's fault. */
    private static void failWrite(RoutingContext ctx, Throwable cause, ExpiryRequest expiry) {
        if (cause instanceof IllegalArgumentException && expiry.field() != null) {
            JsonArray details = new JsonArray();
            CreateRequest.problem(details, expiry.field(), cause.getMessage());
            ErrorResponses.send(ctx, 400, "invalid key expiry", details);
        } else {
            ctx.fail(500, cause);
        }
    }

    private static void delete(RoutingContext ctx, ServiceAccountStore store, Runnable afterWrite) {
        String id = ctx.pathParam("id");
        ctx.vertx().executeBlocking(() -> {
            boolean deleted = store.delete(id);
            if (deleted) {
                afterWrite.run();
            }
            return deleted;
        }).onComplete(done -> {
            if (done.failed()) {
                ctx.fail(500, done.cause());
            } else if (done.result()) {
                ctx.response().setStatusCode(204).end();
            } else {
                // The id is not echoed: whatever the client put in the path stays out of the answer.
                ErrorResponses.send(ctx, 404, "no service account with this id");
            }
        });
    }

    /** For an optional body: a declared Content-Type must be JSON; none at all is checked once the body is read. */
    private static void requireJsonContentTypeIfDeclared(RoutingContext ctx) {
        if (ctx.request().getHeader(HttpHeaders.CONTENT_TYPE) == null) {
            ctx.next();
        } else {
            requireJsonContentType(ctx);
        }
    }

    private static void requireJsonContentType(RoutingContext ctx) {
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (mediaType.equals(JSON)) {
            ctx.next();
        } else {
            ErrorResponses.send(ctx, 415, "Content-Type must be application/json");
        }
    }

    private static void bodyTooLarge(RoutingContext ctx) {
        if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
            ErrorResponses.send(ctx, 413, "request body exceeds " + BODY_LIMIT_BYTES + " bytes");
        } else {
            ctx.next();
        }
    }

    /** The public JSON form of an account: key ids and dates, no key, no hash. */
    static JsonObject toJson(ServiceAccount account) {
        JsonArray roles = new JsonArray();
        account.roles().forEach(role -> roles.add(role.wireName()));
        JsonArray keys = new JsonArray();
        for (AccountKey key : account.keys()) {
            keys.add(new JsonObject()
                    .put("key_id", key.id())
                    .put("created_at", key.createdAt().toString())
                    .put("expires_at", instantOrNull(key.expiresAt())));
        }
        return new JsonObject()
                .put("id", account.id())
                .put("name", account.name())
                .put("description", account.description())
                .put("roles", roles)
                .put("created_at", account.createdAt().toString())
                .put("keys", keys);
    }

    private static String instantOrNull(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.encode());
    }


    /** A validated create request, or the list of what is wrong with it. */
    private record CreateRequest(String name, String description, Set<Role> roles, ExpiryRequest expiry,
                                 JsonArray problems) {

        static CreateRequest parse(JsonObject request) {
            JsonArray problems = new JsonArray();
            String name = null;
            Object rawName = request.getValue("name");
            if (rawName == null) {
                problem(problems, "name", "is required");
            } else if (!(rawName instanceof String text)) {
                problem(problems, "name", "must be a string");
            } else {
                name = check(problems, "name", () -> ServiceAccount.requireValidName(text));
            }

            String description = "";
            Object rawDescription = request.getValue("description");
            if (rawDescription != null && !(rawDescription instanceof String)) {
                problem(problems, "description", "must be a string");
            } else if (rawDescription instanceof String text) {
                description = check(problems, "description", () -> ServiceAccount.requireValidDescription(text));
            }

            Set<Role> roles = EnumSet.noneOf(Role.class);
            Object rawRoles = request.getValue("roles");
            if (rawRoles == null) {
                problem(problems, "roles", "is required; valid roles: " + Role.validNames());
            } else if (!(rawRoles instanceof JsonArray array)) {
                problem(problems, "roles", "must be an array of role names; valid roles: " + Role.validNames());
            } else if (array.isEmpty()) {
                problem(problems, "roles", "must name at least one role; valid roles: " + Role.validNames());
            } else {
                for (int i = 0; i < array.size(); i++) {
                    Object value = array.getValue(i);
                    String field = "roles[" + i + "]";
                    if (!(value instanceof String text)) {
                        problem(problems, field, "must be a string; valid roles: " + Role.validNames());
                    } else {
                        Role role = check(problems, field, () -> Role.parse(text));
                        if (role != null) {
                            roles.add(role);
                        }
                    }
                }
            }
            ExpiryRequest expiry = ExpiryRequest.parse(request, problems);
            return new CreateRequest(name, description, roles, expiry, problems);
        }

        static <T> T check(JsonArray problems, String field, Supplier<T> validation) {
            try {
                return validation.get();
            } catch (IllegalArgumentException e) {
                problem(problems, field, e.getMessage());
                return null;
            }
        }

        static void problem(JsonArray problems, String field, String message) {
            problems.add(new JsonObject().put("field", field).put("message", message));
        }
    }

    /**
     * The optional {@code expires_in} (duration: {@code 30d}, {@code 12h}, {@code P30D}) or
     * {@code expires_at} (ISO-8601 instant) of a new key.
     *
     * @param field the field that was given, to name in a later error; {@code null} when neither
     */
    private record ExpiryRequest(KeyExpiry expiry, String field) {

        static final ExpiryRequest NONE = new ExpiryRequest(KeyExpiry.NEVER, null);

        static ExpiryRequest parse(JsonObject request, JsonArray problems) {
            Object expiresIn = request.getValue("expires_in");
            Object expiresAt = request.getValue("expires_at");
            if (expiresIn != null && expiresAt != null) {
                CreateRequest.problem(problems, "expires_at", "give expires_in or expires_at, not both");
                return NONE;
            }
            if (expiresIn != null) {
                return parseField(problems, "expires_in", expiresIn, KeyExpiry::parseExpiresIn);
            }
            if (expiresAt != null) {
                return parseField(problems, "expires_at", expiresAt, KeyExpiry::parseExpiresAt);
            }
            return NONE;
        }

        private static ExpiryRequest parseField(JsonArray problems, String field, Object value,
                                                Function<String, KeyExpiry> parser) {
            if (!(value instanceof String text)) {
                CreateRequest.problem(problems, field, "must be a string");
                return NONE;
            }
            KeyExpiry expiry = CreateRequest.check(problems, field, () -> parser.apply(text));
            return expiry == null ? NONE : new ExpiryRequest(expiry, field);
        }
    }
}
