package dev.metricsgateway.http;

import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.TectonKeyAuthenticationProvider;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Authenticates {@code /api/...} requests by {@code Authorization: Tecton-key <key>}.
 *
 * <p>The scheme name is matched case-insensitively (RFC 9110 §11.1) and must be followed by
 * exactly one token; extra blanks around it are tolerated. A missing, malformed or unknown key is
 * answered here with {@code 401}, {@code WWW-Authenticate: Tecton-key} and a JSON
 * {@code {"error": ...}} body that never repeats any part of the header (a client that put its key
 * in the wrong place would otherwise see it echoed). On success the account becomes
 * {@link RoutingContext#user()} and the request continues; {@link #requireRole} then checks roles.
 *
 * <p>It is a {@link AuthenticationHandler}, so vertx-web orders it like its own: on one route a
 * {@code BodyHandler} must come before it. To authenticate before reading a body, mount this
 * handler on an earlier route than the {@code BodyHandler} (as {@link ServiceAccountRoutes} does);
 * when the provider answers asynchronously the request is paused meanwhile, so no body is lost.
 *
 * <p>Threading: stateless and thread-safe; runs on the event loop and never blocks (the provider
 * checks keys against an in-memory snapshot).
 */
public final class TectonKeyAuthHandler implements AuthenticationHandler {

    /** The authorization scheme, as sent in {@code WWW-Authenticate}. */
    public static final String SCHEME = "Tecton-key";

    private static final String USAGE = "expected 'Authorization: " + SCHEME + " <key>'";
    private static final String AUTHENTICATED_USER = TectonKeyAuthHandler.class.getName() + ".user";

    private final AuthenticationProvider provider;

    // vertx-web offers no public way to set the request's user but its authentication handlers;
    // this one only hands over the user this class already authenticated.
    private final SimpleAuthenticationHandler attachUser = SimpleAuthenticationHandler.create()
            .authenticate(ctx -> {
                User user = ctx.get(AUTHENTICATED_USER);
                ctx.remove(AUTHENTICATED_USER);
                return user == null ? Future.failedFuture("not authenticated") : Future.succeededFuture(user);
            });

    /** A handler that checks keys with {@code provider}, normally a {@link TectonKeyAuthenticationProvider}. */
    public TectonKeyAuthHandler(AuthenticationProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.user() != null) {
            // Already authenticated by this handler on an enclosing route (e.g. /api/*).
            ctx.next();
            return;
        }
        List<String> headers = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
        if (headers.isEmpty()) {
            unauthorized(ctx, "missing Authorization header; " + USAGE);
            return;
        }
        Optional<String> token = headers.size() == 1 ? parseToken(headers.get(0)) : Optional.empty();
        if (token.isEmpty()) {
            unauthorized(ctx, "malformed Authorization header; " + USAGE);
            return;
        }
        Future<User> authentication = provider.authenticate(new TokenCredentials(token.get()));
        if (authentication.isComplete()) {
            onAuthenticated(ctx, authentication);
            return;
        }
        // An asynchronous provider: hold the body back until we know whether to read it.
        HttpServerRequest request = ctx.request();
        boolean paused = !request.isEnded();
        if (paused) {
            request.pause();
        }
        authentication.onComplete(done -> {
            if (paused) {
                request.resume();
            }
            onAuthenticated(ctx, authentication);
        });
    }

    private void onAuthenticated(RoutingContext ctx, Future<User> authentication) {
        if (authentication.failed()) {
            unauthorized(ctx, "invalid API key");
            return;
        }
        ctx.put(AUTHENTICATED_USER, authentication.result());
        attachUser.handle(ctx);
    }

    /**
     * The key of a {@code Tecton-key <key>} header value, or empty when the value does not have
     * that form (other scheme, no token, more than one token).
     */
    static Optional<String> parseToken(String headerValue) {
        if (headerValue == null) {
            return Optional.empty();
        }
        String[] parts = headerValue.strip().split("[ \\t]+");
        if (parts.length != 2 || !parts[0].equalsIgnoreCase(SCHEME) || parts[1].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parts[1]);
    }

    /**
     * A handler that lets the request through only if the authenticated account holds
     * {@code role} or {@link Role#ADMIN}; otherwise {@code 403}. Mount it after this handler.
     */
    public static Handler<RoutingContext> requireRole(Role role) {
        Objects.requireNonNull(role, "role");
        return ctx -> {
            User user = ctx.user();
            if (user == null) {
                // Only reachable when a route forgot the authentication handler: fail closed.
                unauthorized(ctx, "authentication required; " + USAGE);
            } else if (TectonKeyAuthenticationProvider.hasRole(user, role)) {
                ctx.next();
            } else {
                ErrorResponses.send(ctx, 403, "service account lacks role " + role.wireName());
            }
        };
    }

    private static void unauthorized(RoutingContext ctx, String message) {
        ctx.response().putHeader("WWW-Authenticate", SCHEME);
        ErrorResponses.send(ctx, 401, message);
    }

}
