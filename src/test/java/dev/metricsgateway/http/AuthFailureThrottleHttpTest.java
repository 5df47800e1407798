package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.auth.ApiKeys;
import dev.metricsgateway.auth.AuthFailureThrottle;
import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.KeyExpiry;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccountRegistry;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.auth.TectonKeyAuthenticationProvider;
import dev.metricsgateway.testing.ManualClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed-authentication throttling over real HTTP (port 0, Vert.x client). Every test client
 * connects from 127.0.0.1, so most routes here take the client address from a test-only header,
 * {@value #SIMULATED_CLIENT}, to play two clients; {@code /peer/...} uses the production address
 * source, the TCP peer. The throttle's time is a manual clock.
 */
@ExtendWith(VertxExtension.class)
class AuthFailureThrottleHttpTest {

    private static final String SIMULATED_CLIENT = "X-Simulated-Client";
    private static final String ATTACKER = "203.0.113.7";
    private static final String BYSTANDER = "198.51.100.1";
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dataDir;

    private final ManualClock clock = new ManualClock(T0);
    private CreatedServiceAccount reader;
    private CreatedServiceAccount expiring;
    private HttpClient client;
    private Context context;
    private int port;

    record Response(int status, MultiMap headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    @BeforeEach
    void startServer(Vertx vertx, VertxTestContext test) {
        ServiceAccountStore store = new ServiceAccountStore(dataDir, clock);
        reader = store.create("scraper", "", Set.of(Role.METRICS_READER));
        expiring = store.create("temporary", "", Set.of(Role.METRICS_READER), KeyExpiry.parseExpiresIn("1h"));
        AuthenticationProvider provider = new TectonKeyAuthenticationProvider(new ServiceAccountRegistry(store, clock));

        Router router = Router.router(vertx);
        router.route("/simulated/*").handler(new TectonKeyAuthHandler(provider, new AuthFailureThrottle(), clock,
                ctx -> ctx.request().getHeader(SIMULATED_CLIENT)));
        router.get("/simulated/metrics").handler(TectonKeyAuthHandler.requireRole(Role.METRICS_READER))
                .handler(ctx -> ctx.end("ok"));
        router.route("/peer/*").handler(new TectonKeyAuthHandler(provider, new AuthFailureThrottle(), clock));
        router.get("/peer/metrics").handler(TectonKeyAuthHandler.requireRole(Role.METRICS_READER))
                .handler(ctx -> ctx.end("ok"));
        router.route("/unthrottled/*").handler(new TectonKeyAuthHandler(provider));
        router.get("/unthrottled/metrics").handler(TectonKeyAuthHandler.requireRole(Role.METRICS_READER))
                .handler(ctx -> ctx.end("ok"));

        client = vertx.createHttpClient();
        context = vertx.getOrCreateContext();
        vertx.createHttpServer().requestHandler(router).listen(0).onComplete(test.succeeding(server -> {
            port = server.actualPort();
            test.completeNow();
        }));
    }

    private Future<Response> get(String path, String clientAddress, String authorization) {
        Promise<Response> reply = Promise.promise();
        // The whole chain runs on one context: built from the test thread, its callbacks could be
        // dispatched late enough for a small response body to arrive before body() is asked for.
        context.runOnContext(ignored -> client.request(HttpMethod.GET, port, "localhost", path)
                .compose(request -> {
                    if (clientAddress != null) {
                        request.putHeader(SIMULATED_CLIENT, clientAddress);
                    }
                    if (authorization != null) {
                        request.putHeader("Authorization", authorization);
                    }
                    return request.send();
                })
                .compose(response -> response.body()
                        .map(buffer -> new Response(response.statusCode(), response.headers(), buffer.toString())))
                .onComplete(reply));
        return reply.future();
    }

    private Future<Response> asClient(String address, String key) {
        return get("/simulated/metrics", address, key == null ? null : "Tecton-key " + key);
    }

    /** Sends {@code count} requests one after another and collects the answers. */
    private static Future<List<Response>> inSequence(int count, Supplier<Future<Response>> request) {
        List<Response> responses = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < count; i++) {
            chain = chain.compose(ignored -> request.get()).map(response -> {
                responses.add(response);
                return null;
            });
        }
        return chain.map(ignored -> responses);
    }

    /** Twenty wrong keys from {@code address}: the default limit. */
    private Future<List<Response>> twentyWrongKeys(String address) {
        return inSequence(20, () -> asClient(address, ApiKeys.generate()));
    }

    private static void expect(VertxTestContext test, Future<?> flow, Runnable assertions) {
        flow.onComplete(test.succeeding(ignored -> test.verify(() -> {
            assertions.run();
            test.completeNow();
        })));
    }

    private static <T> void expect(VertxTestContext test, Future<T> flow, Consumer<T> assertions) {
        flow.onComplete(test.succeeding(result -> test.verify(() -> {
            assertions.accept(result);
            test.completeNow();
        })));
    }

    @Test
    void twentyFailuresAreEachAnswered401(VertxTestContext test) {
        expect(test, twentyWrongKeys(ATTACKER), responses ->
                assertThat(responses).extracting(Response::status).containsOnly(401).hasSize(20));
    }

    @Test
    void afterTwentyFailuresEvenAValidKeyGets429WithRetryAfter(VertxTestContext test) {
        Future<Response> blocked = twentyWrongKeys(ATTACKER).compose(ignored -> asClient(ATTACKER, reader.plaintextKey()));
        expect(test, blocked, response -> {
            assertThat(response.status()).isEqualTo(429);
            assertThat(response.headers().get("Retry-After")).isEqualTo("60");
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(response.headers().get("WWW-Authenticate")).isNull();
            assertThat(response.json().getString("error")).contains("too many failed authentication attempts");
            assertThat(response.body()).doesNotContain(reader.plaintextKey());
        });
    }

    @Test
    void retryAfterCountsDownToTheEndOfTheWindowAndThenTheAddressIsFree(VertxTestContext test) {
        List<Response> answers = new ArrayList<>();
        Future<Void> flow = twentyWrongKeys(ATTACKER)
                .compose(ignored -> {
                    clock.advanceMillis(30_500);
                    return asClient(ATTACKER, reader.plaintextKey());
                })
                .compose(response -> {
                    answers.add(response);
                    clock.advanceMillis(29_499);
                    return asClient(ATTACKER, reader.plaintextKey());
                })
                .compose(response -> {
                    answers.add(response);
                    clock.advanceMillis(1);
                    return asClient(ATTACKER, reader.plaintextKey());
                })
                .map(response -> {
                    answers.add(response);
                    return null;
                });
        expect(test, flow, () -> {
            assertThat(answers.get(0).status()).isEqualTo(429);
            assertThat(answers.get(0).headers().get("Retry-After")).as("29.5 s left, rounded up").isEqualTo("30");
            assertThat(answers.get(1).status()).isEqualTo(429);
            assertThat(answers.get(1).headers().get("Retry-After")).as("1 ms left").isEqualTo("1");
            assertThat(answers.get(2).status()).as("the window has ended").isEqualTo(200);
        });
    }

    @Test
    void anotherAddressIsUnaffectedByABlockedOne(VertxTestContext test) {
        List<Response> bystander = new ArrayList<>();
        Future<Void> flow = twentyWrongKeys(ATTACKER)
                .compose(ignored -> asClient(BYSTANDER, reader.plaintextKey()))
                .compose(response -> {
                    bystander.add(response);
                    return asClient(BYSTANDER, ApiKeys.generate());
                })
                .compose(response -> {
                    bystander.add(response);
                    return asClient(ATTACKER, reader.plaintextKey());
                })
                .map(attacker -> {
                    assertThat(attacker.status()).isEqualTo(429);
                    return null;
                });
        expect(test, flow, () -> {
            assertThat(bystander.get(0).status()).isEqualTo(200);
            assertThat(bystander.get(1).status()).as("a wrong key from elsewhere is a plain 401").isEqualTo(401);
        });
    }

    @Test
    void aSuccessInBetweenResetsNothing(VertxTestContext test) {
        Future<Response> flow = inSequence(10, () -> asClient(ATTACKER, ApiKeys.generate()))
                .compose(ignored -> asClient(ATTACKER, reader.plaintextKey()))
                .compose(success -> {
                    assertThat(success.status()).isEqualTo(200);
                    return inSequence(10, () -> asClient(ATTACKER, ApiKeys.generate()));
                })
                .compose(ignored -> asClient(ATTACKER, reader.plaintextKey()));
        expect(test, flow, response -> assertThat(response.status()).isEqualTo(429));
    }

    @Test
    void requestsWithoutAKeyOrWithAMalformedHeaderAreNotCounted(VertxTestContext test) {
        Future<Response> flow = inSequence(15, () -> asClient(ATTACKER, null))
                .compose(ignored -> inSequence(15, () -> get("/simulated/metrics", ATTACKER, "Bearer " + ApiKeys.generate())))
                .compose(responses -> {
                    assertThat(responses).extracting(Response::status).containsOnly(401);
                    return asClient(ATTACKER, reader.plaintextKey());
                });
        expect(test, flow, response -> assertThat(response.status()).isEqualTo(200));
    }

    @Test
    void anExpiredKeyIsAFailureLikeAnyOther(VertxTestContext test) {
        clock.advanceMillis(Duration.ofHours(1).toMillis());
        Future<Response> flow = inSequence(20, () -> asClient(ATTACKER, expiring.plaintextKey()))
                .compose(responses -> {
                    assertThat(responses).extracting(Response::status).containsOnly(401);
                    return asClient(ATTACKER, reader.plaintextKey());
                });
        expect(test, flow, response -> assertThat(response.status()).isEqualTo(429));
    }

    @Test
    void withoutASimulatedAddressTheTcpPeerIsTheAddress(VertxTestContext test) {
        // Both requests come from 127.0.0.1: the production address source throttles them as one client.
        Future<Response> flow = inSequence(20, () -> get("/peer/metrics", null, "Tecton-key " + ApiKeys.generate()))
                .compose(ignored -> get("/peer/metrics", BYSTANDER, "Tecton-key " + reader.plaintextKey()));
        expect(test, flow, response -> {
            assertThat(response.status()).as("the simulated-client header means nothing to the real source").isEqualTo(429);
            assertThat(response.headers().get("Retry-After")).isEqualTo("60");
        });
    }

    @Test
    void theHandlerBuiltWithoutAThrottleNeverThrottles(VertxTestContext test) {
        Future<Response> flow = inSequence(25, () -> get("/unthrottled/metrics", null, "Tecton-key " + ApiKeys.generate()))
                .compose(responses -> {
                    assertThat(responses).extracting(Response::status).containsOnly(401);
                    return get("/unthrottled/metrics", null, "Tecton-key " + reader.plaintextKey());
                });
        expect(test, flow, response -> assertThat(response.status()).isEqualTo(200));
    }

    @Test
    void ipv6ClientsAreCountedPer64Prefix() {
        assertThat(TectonKeyAuthHandler.ipv6Prefix("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(TectonKeyAuthHandler.ipv6Prefix("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(TectonKeyAuthHandler.ipv6Prefix("0:0:0:0:0:0:0:1")).isEqualTo("0:0:0:0::/64");
        assertThat(TectonKeyAuthHandler.ipv6Prefix("::ffff:192.0.2.1")).as("IPv4-mapped").isEqualTo("192.0.2.1");
    }
}
