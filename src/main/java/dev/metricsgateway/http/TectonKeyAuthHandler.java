package dev.metricsgateway.http;

import dev.metricsgateway.auth.AuthFailureThrottle;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.TectonKeyAuthenticationProvider;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

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
 * <p>Throttling (optional, see {@link AuthFailureThrottle}): every presented key that fails to
 * authenticate counts against the client's address; once an address reaches the limit, its
 * requests get {@code 429} with {@code Retry-After} (whole seconds until its window ends) for the
 * rest of the window, before any key is looked at, so even a right guess cannot be recognized.
 * Requests without a key or with a malformed header still get {@code 401} but are not counted: they
 * cannot guess anything, and counting them would let one misconfigured client behind a shared
 * address lock the others out. The address is the TCP peer's ({@link #peerAddress}): behind a
 * reverse proxy or load balancer every client shares the proxy's address and so one budget.
 * {@code X-Forwarded-For} is not trusted, since any client can set it; a deployment whose proxy
 * sets it reliably can pass its own address function.
 *
 * <p>Threading: thread-safe; runs on the event loop and never blocks (the provider checks keys
 * against an in-memory snapshot, the throttle is an in-memory table).
 */
public final class TectonKeyAuthHandler implements AuthenticationHandler {

    /** The authorization scheme, as sent in {@code WWW-Authenticate}. */
    public static final String SCHEME = "Tecton-key";

    private static final String USAGE = "expected 'Authorization: " + SCHEME + " <key>'";
    private static final String AUTHENTICATED_USER = TectonKeyAuthHandler.class.getName() + ".user";

    private final AuthenticationProvider provider;
    private final AuthFailureThrottle throttle; // null: no throttling
    private final InstantSource clock;
    private final Function<RoutingContext, String> clientAddress;

    // vertx-web offers no public way to set the request's user but its authentication handlers;
    // this one only hands over the user this class already authenticated.
    private final SimpleAuthenticationHandler attachUser = SimpleAuthenticationHandler.create()
            .authenticate(ctx -> {
                User user = ctx.get(AUTHENTICATED_USER);
                ctx.remove(AUTHENTICATED_USER);
                return user == null ? Future.failedFuture("not authenticated") : Future.succeededFuture(user);
            });

    /**
     * A handler that checks keys with {@code provider}, normally a {@link TectonKeyAuthenticationProvider},
     * without throttling failures.
     */
    public TectonKeyAuthHandler(AuthenticationProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.throttle = null;
        this.clock = null;
        this.clientAddress = null;
    }

    /**
     * A handler that checks keys with {@code provider} and throttles failures per TCP peer address
     * ({@link #peerAddress}).
     *
     * @param clock the time the throttle's windows are measured in
     */
    public TectonKeyAuthHandler(AuthenticationProvider provider, AuthFailureThrottle throttle, InstantSource clock) {
        this(provider, throttle, clock, TectonKeyAuthHandler::peerAddress);
    }

    /**
     * A handler that checks keys with {@code provider} and throttles failures per the address
     * {@code clientAddress} names for a request (tests simulate several clients with it; a
     * deployment behind a trusted proxy could read the proxy's header with it). A request for
     * which it returns {@code null} is not throttled.
     */
    public TectonKeyAuthHandler(AuthenticationProvider provider, AuthFailureThrottle throttle, InstantSource clock,
                                Function<RoutingContext, String> clientAddress) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.user() != null) {
            // Already authenticated by this handler on an enclosing route (e.g. /api/*).
            ctx.next();
            return;
        }
        String address = throttle == null ? null : clientAddress.apply(ctx);
        if (address != null) {
            long blockedMillis = throttle.blockedForMillis(address, clock.millis());
            if (blockedMillis > 0) {
                tooManyFailures(ctx, blockedMillis);
                return;
            }
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
            onAuthenticated(ctx, authentication, address);
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
            onAuthenticated(ctx, authentication, address);
        });
    }

    private void onAuthenticated(RoutingContext ctx, Future<User> authentication, String addressOrNull) {
        if (authentication.failed()) {
            if (addressOrNull != null) {
                throttle.recordFailure(addressOrNull, clock.millis());
            }
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

    /**
     * The address failures are counted under by default: the TCP peer's IP address, with IPv6
     * addresses reduced to their /64 prefix ({@code 2001:db8:1:2::/64}), because one IPv6 client
     * usually holds a whole /64 and could otherwise try keys from 2^64 addresses.
     */
    public static String peerAddress(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        if (host == null || host.isEmpty()) {
            // A Unix domain socket or a test double: all such clients share one budget.
            return "unknown";
        }
        return host.indexOf(':') < 0 ? host : ipv6Prefix(host);
    }

    /** The /64 prefix of an IPv6 literal, or the IPv4 address of an IPv4-mapped one. */
    static String ipv6Prefix(String literal) {
        InetAddress address;
        try {
            // A literal (it contains ':'), so this parses and never resolves a name.
            address = InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return literal;
        }
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        StringBuilder prefix = new StringBuilder();
        for (int group = 0; group < 4; group++) {
            prefix.append(Integer.toHexString(((bytes[2 * group] & 0xff) << 8) | (bytes[2 * group + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    private static void tooManyFailures(RoutingContext ctx, long blockedMillis) {
        long retryAfterSeconds = Math.max(1, Math.floorDiv(blockedMillis + 999, 1000));
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        ErrorResponses.send(ctx, 429, "too many failed authentication attempts from this address; retry after "
                + retryAfterSeconds + " s");
    }

    private static void unauthorized(RoutingContext ctx, String message) {
        ctx.response().putHeader("WWW-Authenticate", SCHEME);
        ErrorResponses.send(ctx, 401, message);
    }

}
