package dev.metricsgateway.http;

import dev.metricsgateway.auth.CreatedServiceAccount;
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
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The service-account API, for admins only:
 * <ul>
 *   <li>{@code GET /api/v1/service-accounts} → {@code 200 {"service_accounts": [account...]}}</li>
 *   <li>{@code POST /api/v1/service-accounts} with {@code {"name", "description"?, "roles"}} →
 *       {@code 201} account plus {@code "api_key"} (shown this once); {@code 400} with
 *       {@code details} for an invalid body, {@code 415} for a non-JSON body, {@code 413} over
 *       {@value #BODY_LIMIT_BYTES} bytes</li>
 *   <li>{@code DELETE /api/v1/service-accounts/{id}} → {@code 204}, or {@code 404}</li>
 * </ul>
 * An account is {@code {"id", "name", "description", "roles": [wire names], "created_at": ISO-8601}};
 * key hashes are never sent.
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

    /**
     * Mounts the three routes on {@code router}.
     *
     * @param authHandler the {@link TectonKeyAuthHandler} (mounted again per route; it is a no-op
     *                    when an enclosing route already authenticated the request)
     * @param store       where accounts live
     * @param afterWrite  runs on a worker thread after each create or delete, typically to make
     *                    the server's registry reload at once
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
            CreatedServiceAccount created = store.create(parsed.name(), parsed.description(), parsed.roles());
            afterWrite.run();
            return created;
        }).onComplete(done -> {
            if (done.failed()) {
                ctx.fail(500, done.cause());
                return;
            }
            CreatedServiceAccount created = done.result();
            ctx.response()
                    .putHeader(HttpHeaders.LOCATION, PATH + "/" + created.account().id())
                    // The answer carries a key: no cache may keep it.
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            send(ctx, 201, toJson(created.account()).put("api_key", created.plaintextKey()));
        });
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

    /** The public JSON form of an account: no key, no hash. */
    static JsonObject toJson(ServiceAccount account) {
        JsonArray roles = new JsonArray();
        account.roles().forEach(role -> roles.add(role.wireName()));
        return new JsonObject()
                .put("id", account.id())
                .put("name", account.name())
                .put("description", account.description())
                .put("roles", roles)
                .put("created_at", account.createdAt().toString());
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body.encode());
    }


    /** A validated create request, or the list of what is wrong with it. */
    private record CreateRequest(String name, String description, Set<Role> roles, JsonArray problems) {

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
            return new CreateRequest(name, description, roles, problems);
        }

        private static <T> T check(JsonArray problems, String field, Supplier<T> validation) {
            try {
                return validation.get();
            } catch (IllegalArgumentException e) {
                problem(problems, field, e.getMessage());
                return null;
            }
        }

        private static void problem(JsonArray problems, String field, String message) {
            problems.add(new JsonObject().put("field", field).put("message", message));
        }
    }
}
