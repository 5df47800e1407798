package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.auth.ApiKeys;
import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccountRegistry;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.auth.TectonKeyAuthenticationProvider;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class TectonKeyAuthHandlerTest {

    @TempDir
    Path dataDir;

    private CreatedServiceAccount reader;
    private CreatedServiceAccount admin;
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
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        reader = store.create("scraper", "", Set.of(Role.METRICS_READER));
        admin = store.create("root", "", Set.of(Role.ADMIN));
        store.create("ingest", "", Set.of(Role.EVENT_WRITER));
        AuthenticationProvider provider = new TectonKeyAuthenticationProvider(new ServiceAccountRegistry(store));

        Router router = Router.router(vertx);
        router.route("/api/*").handler(new TectonKeyAuthHandler(provider));
        router.get("/api/metrics").handler(TectonKeyAuthHandler.requireRole(Role.METRICS_READER)).handler(this::whoAmI);
        router.get("/api/events").handler(TectonKeyAuthHandler.requireRole(Role.EVENT_WRITER)).handler(this::whoAmI);
        router.get("/api/admin").handler(TectonKeyAuthHandler.requireRole(Role.ADMIN)).handler(this::whoAmI);
        router.get("/open/admin").handler(TectonKeyAuthHandler.requireRole(Role.ADMIN)).handler(this::whoAmI);

        // A provider that answers on a later event-loop turn: the body must survive the wait.
        AuthenticationProvider later = credentials -> {
            Promise<User> promise = Promise.promise();
            vertx.runOnContext(ignored -> provider.authenticate(credentials).onComplete(done -> {
                if (done.succeeded()) {
                    promise.complete(done.result());
                } else {
                    promise.fail(done.cause());
                }
            }));
            return promise.future();
        };
        router.post("/async/echo").handler(new TectonKeyAuthHandler(later));
        router.post("/async/echo").handler(BodyHandler.create()).handler(ctx -> ctx.end(ctx.body().asString()));

        client = vertx.createHttpClient();
        context = vertx.getOrCreateContext();
        vertx.createHttpServer().requestHandler(router).listen(0).onComplete(test.succeeding(server -> {
            port = server.actualPort();
            test.completeNow();
        }));
    }

    private void whoAmI(RoutingContext ctx) {
        ctx.end(ctx.user().principal().getString("name"));
    }

    private Future<Response> request(HttpMethod method, String path, List<String> authorizations, String body) {
        Promise<Response> reply = Promise.promise();
        // The whole chain runs on one context: built from the test thread, its callbacks could be
        // dispatched late enough for a small response body to arrive before body() is asked for.
        context.runOnContext(ignored -> client.request(method, port, "localhost", path)
                .compose(request -> {
                    authorizations.forEach(value -> request.headers().add("Authorization", value));
                    return body == null ? request.send() : request.send(body);
                })
                .compose(response -> response.body()
                        .map(buffer -> new Response(response.statusCode(), response.headers(), buffer.toString())))
                .onComplete(reply));
        return reply.future();
    }

    private Future<Response> get(String path, String authorization) {
        return request(HttpMethod.GET, path, authorization == null ? List.of() : List.of(authorization), null);
    }

    private static void expect(VertxTestContext test, Future<Response> response, Consumer<Response> assertions) {
        response.onComplete(test.succeeding(result -> test.verify(() -> {
            assertions.accept(result);
            test.completeNow();
        })));
    }

    private static void assertUnauthorized(Response response) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.headers().get("WWW-Authenticate")).isEqualTo("Tecton-key");
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(response.json().getString("error")).isNotBlank();
    }

    @Test
    void aMissingHeaderIsRejectedWith401AndAChallenge(VertxTestContext test) {
        expect(test, get("/api/metrics", null), response -> {
            assertUnauthorized(response);
            assertThat(response.json().getString("error")).contains("missing Authorization header");
        });
    }

    @Test
    void aDifferentSchemeIsRejectedWith401WithoutEchoingTheKey(VertxTestContext test) {
        expect(test, get("/api/metrics", "Bearer " + reader.plaintextKey()), response -> {
            assertUnauthorized(response);
            assertThat(response.body()).doesNotContain(reader.plaintextKey());
        });
    }

    @Test
    void aBareKeyWithoutSchemeIsRejectedWithoutEchoingIt(VertxTestContext test) {
        expect(test, get("/api/metrics", reader.plaintextKey()), response -> {
            assertUnauthorized(response);
            assertThat(response.body()).doesNotContain(reader.plaintextKey());
        });
    }

    @Test
    void theSchemeWithoutAKeyIsRejectedWith401(VertxTestContext test) {
        expect(test, get("/api/metrics", "Tecton-key"), TectonKeyAuthHandlerTest::assertUnauthorized);
    }

    @Test
    void moreThanOneTokenAfterTheSchemeIsRejectedWith401(VertxTestContext test) {
        expect(test, get("/api/metrics", "Tecton-key " + reader.plaintextKey() + " extra"), response -> {
            assertUnauthorized(response);
            assertThat(response.body()).doesNotContain(reader.plaintextKey());
        });
    }

    @Test
    void twoAuthorizationHeadersAreRejectedWith401(VertxTestContext test) {
        String header = "Tecton-key " + reader.plaintextKey();
        expect(test, request(HttpMethod.GET, "/api/metrics", List.of(header, header), null),
                TectonKeyAuthHandlerTest::assertUnauthorized);
    }

    @Test
    void anUnknownKeyIsRejectedWith401WithoutEchoingIt(VertxTestContext test) {
        String unknown = ApiKeys.generate();
        expect(test, get("/api/metrics", "Tecton-key " + unknown), response -> {
            assertUnauthorized(response);
            assertThat(response.json().getString("error")).isEqualTo("invalid API key");
            assertThat(response.body()).doesNotContain(unknown);
        });
    }

    @Test
    void aKnownKeyWithTheRoleIsLetThrough(VertxTestContext test) {
        expect(test, get("/api/metrics", "Tecton-key " + reader.plaintextKey()), response -> {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("scraper");
        });
    }

    @Test
    void theSchemeIsMatchedCaseInsensitively(VertxTestContext test) {
        Future<Response> lower = get("/api/metrics", "tecton-key " + reader.plaintextKey());
        Future<Response> upper = get("/api/metrics", "TECTON-KEY " + reader.plaintextKey());
        expect(test, Future.all(lower, upper).map(all -> upper.result()), response -> {
            assertThat(lower.result().status()).isEqualTo(200);
            assertThat(upper.result().status()).isEqualTo(200);
        });
    }

    @Test
    void extraBlanksAroundTheKeyAreTolerated(VertxTestContext test) {
        expect(test, get("/api/metrics", "Tecton-key    " + reader.plaintextKey() + "  "),
                response -> assertThat(response.status()).isEqualTo(200));
    }

    @Test
    void aKnownKeyWithoutTheRoleIsRejectedWith403(VertxTestContext test) {
        expect(test, get("/api/events", "Tecton-key " + reader.plaintextKey()), response -> {
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(response.headers().get("WWW-Authenticate")).isNull();
            assertThat(response.json().getString("error")).isEqualTo("service account lacks role event-writer");
        });
    }

    @Test
    void adminPassesEveryRoleCheck(VertxTestContext test) {
        String header = "Tecton-key " + admin.plaintextKey();
        Future<Response> metrics = get("/api/metrics", header);
        Future<Response> events = get("/api/events", header);
        Future<Response> adminOnly = get("/api/admin", header);
        expect(test, Future.all(metrics, events, adminOnly).map(all -> adminOnly.result()), ignored -> {
            assertThat(List.of(metrics.result(), events.result(), adminOnly.result()))
                    .allSatisfy(response -> assertThat(response.status()).isEqualTo(200));
        });
    }

    @Test
    void requireRoleWithoutAnAuthenticatedUserAnswers401(VertxTestContext test) {
        expect(test, get("/open/admin", "Tecton-key " + admin.plaintextKey()),
                TectonKeyAuthHandlerTest::assertUnauthorized);
    }

    @Test
    void theBodySurvivesAnAsynchronousProvider(VertxTestContext test) {
        expect(test, request(HttpMethod.POST, "/async/echo", List.of("Tecton-key " + admin.plaintextKey()),
                "payload"), response -> {
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("payload");
                });
    }

    @Test
    void anAsynchronousProviderStillRejectsUnknownKeys(VertxTestContext test) {
        expect(test, request(HttpMethod.POST, "/async/echo", List.of("Tecton-key " + ApiKeys.generate()),
                "payload"), TectonKeyAuthHandlerTest::assertUnauthorized);
    }

    @Test
    void parseTokenAcceptsOnlySchemeAndOneToken() {
        assertThat(TectonKeyAuthHandler.parseToken("Tecton-key abc")).contains("abc");
        assertThat(TectonKeyAuthHandler.parseToken("  tEcToN-KeY \t abc ")).contains("abc");
        assertThat(TectonKeyAuthHandler.parseToken("Tecton-key")).isEmpty();
        assertThat(TectonKeyAuthHandler.parseToken("Tecton-key a b")).isEmpty();
        assertThat(TectonKeyAuthHandler.parseToken("Tecton-keyabc")).isEmpty();
        assertThat(TectonKeyAuthHandler.parseToken("Bearer abc")).isEmpty();
        assertThat(TectonKeyAuthHandler.parseToken("")).isEmpty();
        assertThat(TectonKeyAuthHandler.parseToken(null)).isEmpty();
    }
}
