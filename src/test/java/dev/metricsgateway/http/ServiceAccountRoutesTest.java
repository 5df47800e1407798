package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ServiceAccountRoutesTest {

    private static final String PATH = "/api/v1/service-accounts";
    /** The time of the store and the registry: expiries are judged against it, never the wall clock. */
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2024-05-01T12:00:00Z"));

    @TempDir
    Path dataDir;

    private ServiceAccountStore store;
    private CreatedServiceAccount admin;
    private CreatedServiceAccount reader;
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
        store = new ServiceAccountStore(dataDir, CLOCK);
        admin = store.create("root", "operators", Set.of(Role.ADMIN));
        reader = store.create("scraper", "", Set.of(Role.METRICS_READER));
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store, CLOCK);
        Router router = Router.router(vertx);
        ServiceAccountRoutes.mount(router, new TectonKeyAuthHandler(new TectonKeyAuthenticationProvider(registry)),
                store, registry::reload);

        client = vertx.createHttpClient();
        context = vertx.getOrCreateContext();
        vertx.createHttpServer().requestHandler(router).listen(0).onComplete(test.succeeding(server -> {
            port = server.actualPort();
            test.completeNow();
        }));
    }

    private Future<Response> request(HttpMethod method, String path, String key, String contentType, String body) {
        Promise<Response> reply = Promise.promise();
        // The whole chain runs on one context: built from the test thread, its callbacks could be
        // dispatched late enough for a small response body to arrive before body() is asked for.
        context.runOnContext(ignored -> client.request(method, port, "localhost", path)
                .compose(request -> {
                    if (key != null) {
                        request.putHeader("Authorization", "Tecton-key " + key);
                    }
                    if (contentType != null) {
                        request.putHeader("Content-Type", contentType);
                    }
                    return body == null ? request.send() : request.send(body);
                })
                .compose(response -> response.body()
                        .map(buffer -> new Response(response.statusCode(), response.headers(), buffer.toString())))
                .onComplete(reply));
        return reply.future();
    }

    private Future<Response> list(String key) {
        return request(HttpMethod.GET, PATH, key, null, null);
    }

    private Future<Response> create(String key, String json) {
        return request(HttpMethod.POST, PATH, key, "application/json", json);
    }

    private Future<Response> delete(String key, String id) {
        return request(HttpMethod.DELETE, PATH + "/" + id, key, null, null);
    }

    private static void expect(VertxTestContext test, Future<Response> response, Consumer<Response> assertions) {
        response.onComplete(test.succeeding(result -> test.verify(() -> {
            assertions.accept(result);
            test.completeNow();
        })));
    }

    private static void assertBadRequestOn(Response response, String field) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
        JsonObject body = response.json();
        assertThat(body.getString("error")).isNotBlank();
        assertThat(body.getJsonArray("details").stream().map(JsonObject.class::cast))
                .anySatisfy(detail -> {
                    assertThat(detail.getString("field")).isEqualTo(field);
                    assertThat(detail.getString("message")).isNotBlank();
                });
    }

    @Test
    void listReturnsEveryAccountWithoutKeysOrHashes(VertxTestContext test) {
        expect(test, list(admin.plaintextKey()), response -> {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
            JsonArray accounts = response.json().getJsonArray("service_accounts");
            assertThat(accounts).hasSize(2);
            JsonObject root = accounts.getJsonObject(0);
            assertThat(root.fieldNames()).containsExactlyInAnyOrder("id", "name", "description", "roles", "created_at", "keys");
            assertThat(root.getString("id")).isEqualTo(admin.account().id());
            assertThat(root.getString("name")).isEqualTo("root");
            assertThat(root.getString("description")).isEqualTo("operators");
            assertThat(root.getJsonArray("roles")).containsExactly("admin");
            assertThat(Instant.parse(root.getString("created_at"))).isEqualTo(admin.account().createdAt());
            JsonObject key = root.getJsonArray("keys").getJsonObject(0);
            assertThat(key.fieldNames()).containsExactlyInAnyOrder("key_id", "created_at", "expires_at");
            assertThat(key.getString("key_id")).isEqualTo(admin.key().id());
            assertThat(Instant.parse(key.getString("created_at"))).isEqualTo(admin.key().createdAt());
            assertThat(key.getValue("expires_at")).as("never expires").isNull();
            assertThat(response.body())
                    .doesNotContain(admin.plaintextKey(), admin.key().hash())
                    .doesNotContain(reader.plaintextKey(), reader.key().hash());
        });
    }

    @Test
    void createAnswers201WithTheAccountAndItsKeyShownOnce(VertxTestContext test) {
        String json = "{\"name\": \"ingest\", \"description\": \"stream jobs\", \"roles\": [\"event-writer\", \"metrics-reader\"]}";
        expect(test, create(admin.plaintextKey(), json), response -> {
            assertThat(response.status()).isEqualTo(201);
            JsonObject body = response.json();
            assertThat(body.getString("name")).isEqualTo("ingest");
            assertThat(body.getString("description")).isEqualTo("stream jobs");
            assertThat(body.getJsonArray("roles")).containsExactly("metrics-reader", "event-writer");
            assertThat(body.getString("api_key")).matches("[0-9a-f]{64}");
            assertThat(body.getString("key_id")).matches("[0-9a-f]{16}");
            assertThat(body.getJsonArray("keys").getJsonObject(0).getString("key_id")).isEqualTo(body.getString("key_id"));
            assertThat(response.headers().get("Location")).isEqualTo(PATH + "/" + body.getString("id"));
            assertThat(response.headers().get("Cache-Control")).isEqualTo("no-store");

            ServiceAccount stored = store.list().get(2);
            assertThat(stored.id()).isEqualTo(body.getString("id"));
            assertThat(Files.exists(store.file())).isTrue();
        });
    }

    @Test
    void aCreatedKeyWorksAtOnce(VertxTestContext test) {
        // The new key belongs to a reader: 403 (not 401) on the admin API proves it authenticated.
        Future<Response> flow = create(admin.plaintextKey(), "{\"name\": \"new\", \"roles\": [\"metrics-reader\"]}")
                .compose(created -> list(created.json().getString("api_key")));
        expect(test, flow, response -> assertThat(response.status()).isEqualTo(403));
    }

    @Test
    void descriptionIsOptional(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(), "{\"name\": \"bare\", \"roles\": [\"admin\"]}"), response -> {
            assertThat(response.status()).isEqualTo(201);
            assertThat(response.json().getString("description")).isEmpty();
        });
    }

    @Test
    void anUnknownRoleIsRejectedWith400NamingTheField(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(), "{\"name\": \"x\", \"roles\": [\"superuser\"]}"), response -> {
            assertBadRequestOn(response, "roles[0]");
            assertThat(response.body()).contains("superuser").contains("metrics-reader, event-writer, admin");
            assertThat(store.list()).hasSize(2);
        });
    }

    @Test
    void emptyRolesAreRejectedWith400(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(), "{\"name\": \"x\", \"roles\": []}"),
                response -> assertBadRequestOn(response, "roles"));
    }

    @Test
    void missingRolesAreRejectedWith400(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(), "{\"name\": \"x\"}"),
                response -> assertBadRequestOn(response, "roles"));
    }

    @Test
    void aMissingNameIsRejectedWith400(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(), "{\"roles\": [\"admin\"]}"),
                response -> assertBadRequestOn(response, "name"));
    }

    @Test
    void anOverlongNameIsRejectedWith400(VertxTestContext test) {
        String json = new JsonObject().put("name", "n".repeat(129)).put("roles", new JsonArray().add("admin")).encode();
        expect(test, create(admin.plaintextKey(), json), response -> assertBadRequestOn(response, "name"));
    }

    @Test
    void wrongJsonTypesAreRejectedWith400ForEveryField(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(), "{\"name\": 7, \"description\": [], \"roles\": \"admin\"}"),
                response -> {
                    assertBadRequestOn(response, "name");
                    assertBadRequestOn(response, "description");
                    assertBadRequestOn(response, "roles");
                });
    }

    @Test
    void aBodyThatIsNotJsonIsRejectedWith400(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(), "name=x&roles=admin"), response -> {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().getString("error")).contains("not valid JSON");
            assertThat(response.json().getJsonArray("details")).isEmpty();
        });
    }

    @Test
    void aJsonArrayBodyIsRejectedWith400(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(), "[]"), response -> {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().getString("error")).contains("JSON object");
        });
    }

    @Test
    void aNonJsonContentTypeIsRejectedWith415(VertxTestContext test) {
        Future<Response> response = request(HttpMethod.POST, PATH, admin.plaintextKey(), "text/plain",
                "{\"name\": \"x\", \"roles\": [\"admin\"]}");
        expect(test, response, result -> {
            assertThat(result.status()).isEqualTo(415);
            assertThat(result.json().getString("error")).contains("application/json");
            assertThat(store.list()).hasSize(2);
        });
    }

    @Test
    void aJsonContentTypeWithParametersIsAccepted(VertxTestContext test) {
        Future<Response> response = request(HttpMethod.POST, PATH, admin.plaintextKey(),
                "Application/JSON; charset=utf-8", "{\"name\": \"x\", \"roles\": [\"admin\"]}");
        expect(test, response, result -> assertThat(result.status()).isEqualTo(201));
    }

    @Test
    void aBodyOverTheLimitIsRejectedWith413(VertxTestContext test) {
        String json = new JsonObject().put("name", "x").put("description", "d".repeat(70_000))
                .put("roles", new JsonArray().add("admin")).encode();
        expect(test, create(admin.plaintextKey(), json), response -> {
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.json().getString("error")).contains("65536");
        });
    }

    @Test
    void deleteAnswers204AndTheKeyStopsWorking(VertxTestContext test) {
        Future<Response> deleted = delete(admin.plaintextKey(), reader.account().id());
        Future<Response> after = deleted.compose(ignored -> list(reader.plaintextKey()));
        expect(test, after, response -> {
            assertThat(deleted.result().status()).isEqualTo(204);
            assertThat(deleted.result().body()).isEmpty();
            assertThat(response.status()).isEqualTo(401);
            assertThat(store.list()).extracting(ServiceAccount::id).containsExactly(admin.account().id());
        });
    }

    @Test
    void deleteOfAnUnknownIdAnswers404(VertxTestContext test) {
        expect(test, delete(admin.plaintextKey(), "0123456789abcdef0123456789abcdef"), response -> {
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(response.json().getString("error")).isNotBlank();
            assertThat(store.list()).hasSize(2);
        });
    }

    @Test
    void aNonAdminGets403OnEveryRoute(VertxTestContext test) {
        Future<Response> listed = list(reader.plaintextKey());
        Future<Response> created = create(reader.plaintextKey(), "{\"name\": \"x\", \"roles\": [\"admin\"]}");
        Future<Response> deleted = delete(reader.plaintextKey(), admin.account().id());
        expect(test, Future.all(listed, created, deleted).map(all -> listed.result()), ignored -> {
            for (Future<Response> response : List.of(listed, created, deleted)) {
                assertThat(response.result().status()).isEqualTo(403);
                assertThat(response.result().json().getString("error"))
                        .isEqualTo("service account lacks role admin");
            }
            assertThat(store.list()).hasSize(2);
        });
    }

    @Test
    void aRequestWithoutKeyGets401BeforeItsBodyIsConsidered(VertxTestContext test) {
        Future<Response> response = request(HttpMethod.POST, PATH, null, "text/plain", "not json");
        expect(test, response, result -> {
            assertThat(result.status()).isEqualTo(401);
            assertThat(result.headers().get("WWW-Authenticate")).isEqualTo("Tecton-key");
        });
    }

    // ---- Key expiry on create --------------------------------------------------------------------

    @Test
    void createAcceptsAnExpiresIn(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(), "{\"name\": \"temp\", \"roles\": [\"admin\"], \"expires_in\": \"30d\"}"),
                response -> {
                    assertThat(response.status()).isEqualTo(201);
                    JsonObject key = response.json().getJsonArray("keys").getJsonObject(0);
                    Instant expiresAt = Instant.parse(key.getString("expires_at"));
                    assertThat(Duration.between(Instant.parse(key.getString("created_at")), expiresAt)).isEqualTo(Duration.ofDays(30));
                    assertThat(store.list().get(2).keys().get(0).expiresAt()).isEqualTo(expiresAt);
                });
    }

    @Test
    void createAcceptsAnExpiresAt(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(),
                "{\"name\": \"temp\", \"roles\": [\"admin\"], \"expires_at\": \"2024-06-01T00:00:00Z\"}"), response -> {
                    assertThat(response.status()).isEqualTo(201);
                    assertThat(response.json().getJsonArray("keys").getJsonObject(0).getString("expires_at"))
                            .isEqualTo("2024-06-01T00:00:00Z");
                });
    }

    @Test
    void anExpiryInThePastIsRejectedWith400NamingTheField(VertxTestContext test) {
        expect(test, create(admin.plaintextKey(),
                "{\"name\": \"temp\", \"roles\": [\"admin\"], \"expires_at\": \"2001-01-01T00:00:00Z\"}"), response -> {
                    assertBadRequestOn(response, "expires_at");
                    assertThat(response.body()).contains("must be in the future");
                    assertThat(store.list()).hasSize(2);
                });
    }

    @Test
    void malformedOrConflictingExpiriesAreRejectedWith400(VertxTestContext test) {
        Future<Response> malformed = create(admin.plaintextKey(), "{\"name\": \"t\", \"roles\": [\"admin\"], \"expires_in\": \"soon\"}");
        Future<Response> wrongType = create(admin.plaintextKey(), "{\"name\": \"t\", \"roles\": [\"admin\"], \"expires_in\": 30}");
        Future<Response> both = create(admin.plaintextKey(),
                "{\"name\": \"t\", \"roles\": [\"admin\"], \"expires_in\": \"1d\", \"expires_at\": \"2024-06-01T00:00:00Z\"}");
        expect(test, Future.all(malformed, wrongType, both).map(all -> both.result()), ignored -> {
            assertBadRequestOn(malformed.result(), "expires_in");
            assertThat(malformed.result().body()).contains("soon: expected a duration");
            assertBadRequestOn(wrongType.result(), "expires_in");
            assertBadRequestOn(both.result(), "expires_at");
            assertThat(both.result().body()).contains("not both");
            assertThat(store.list()).hasSize(2);
        });
    }

    // ---- Rotation: POST /{id}/keys -------------------------------------------------------------

    private Future<Response> rotate(String key, String accountId, String contentType, String body) {
        return request(HttpMethod.POST, PATH + "/" + accountId + "/keys", key, contentType, body);
    }

    private Future<Response> revoke(String key, String accountId, String keyId) {
        return request(HttpMethod.DELETE, PATH + "/" + accountId + "/keys/" + keyId, key, null, null);
    }

    @Test
    void rotateAnswers201WithTheNewKeyShownOnce(VertxTestContext test) {
        expect(test, rotate(admin.plaintextKey(), reader.account().id(), null, null), response -> {
            assertThat(response.status()).isEqualTo(201);
            JsonObject body = response.json();
            assertThat(body.fieldNames()).containsExactlyInAnyOrder("service_account_id", "key_id", "api_key", "created_at", "expires_at");
            assertThat(body.getString("service_account_id")).isEqualTo(reader.account().id());
            assertThat(body.getString("api_key")).matches("[0-9a-f]{64}");
            assertThat(body.getString("key_id")).matches("[0-9a-f]{16}").isNotEqualTo(reader.key().id());
            assertThat(body.getValue("expires_at")).isNull();
            assertThat(response.headers().get("Location"))
                    .isEqualTo(PATH + "/" + reader.account().id() + "/keys/" + body.getString("key_id"));
            assertThat(response.headers().get("Cache-Control")).isEqualTo("no-store");
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(store.list().get(1).keys()).extracting(key -> key.id())
                    .containsExactly(reader.key().id(), body.getString("key_id"));
        });
    }

    @Test
    void afterRotationTheOldAndTheNewKeyBothWorkAtOnce(VertxTestContext test) {
        // A reader's key on the admin API: 403 (not 401) proves it authenticated.
        Future<Response> rotated = rotate(admin.plaintextKey(), reader.account().id(), null, null);
        Future<Response> withNew = rotated.compose(created -> list(created.json().getString("api_key")));
        Future<Response> withOld = withNew.compose(ignored -> list(reader.plaintextKey()));
        expect(test, withOld, response -> {
            assertThat(withNew.result().status()).isEqualTo(403);
            assertThat(response.status()).isEqualTo(403);
        });
    }

    @Test
    void rotateAcceptsAnExpiryInItsOptionalBody(VertxTestContext test) {
        expect(test, rotate(admin.plaintextKey(), reader.account().id(), "application/json", "{\"expires_in\": \"PT12H\"}"),
                response -> {
                    assertThat(response.status()).isEqualTo(201);
                    JsonObject body = response.json();
                    assertThat(Duration.between(Instant.parse(body.getString("created_at")), Instant.parse(body.getString("expires_at"))))
                            .isEqualTo(Duration.ofHours(12));
                });
    }

    @Test
    void anEmptyJsonBodyIssuesAKeyThatNeverExpires(VertxTestContext test) {
        expect(test, rotate(admin.plaintextKey(), reader.account().id(), "application/json", "{}"), response -> {
            assertThat(response.status()).isEqualTo(201);
            assertThat(response.json().getValue("expires_at")).isNull();
        });
    }

    @Test
    void rotatingAnAccountThatHoldsTwoKeysAnswers409AndChangesNothing(VertxTestContext test) {
        Future<Response> second = rotate(admin.plaintextKey(), reader.account().id(), null, null);
        Future<Response> third = second.compose(ignored -> rotate(admin.plaintextKey(), reader.account().id(), null, null));
        expect(test, third, response -> {
            assertThat(second.result().status()).isEqualTo(201);
            assertThat(response.status()).isEqualTo(409);
            assertThat(response.headers().get("Content-Type")).isEqualTo("application/json");
            assertThat(response.json().getString("error")).contains("already holds 2 keys").contains("revoke one");
            assertThat(response.body()).doesNotContain("api_key");
            assertThat(store.list().get(1).keys()).hasSize(2);
        });
    }

    @Test
    void rotatingAnUnknownAccountAnswers404(VertxTestContext test) {
        expect(test, rotate(admin.plaintextKey(), "0123456789abcdef0123456789abcdef", null, null), response -> {
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.json().getString("error")).isEqualTo("no service account with this id");
        });
    }

    @Test
    void rotateRejectsBadBodies(VertxTestContext test) {
        String id = reader.account().id();
        Future<Response> textPlain = rotate(admin.plaintextKey(), id, "text/plain", "{}");
        Future<Response> undeclared = rotate(admin.plaintextKey(), id, null, "{\"expires_in\": \"1d\"}");
        Future<Response> notJson = rotate(admin.plaintextKey(), id, "application/json", "expires_in=1d");
        Future<Response> array = rotate(admin.plaintextKey(), id, "application/json", "[]");
        Future<Response> badExpiry = rotate(admin.plaintextKey(), id, "application/json", "{\"expires_in\": \"-1d\"}");
        Future<Response> pastExpiry = rotate(admin.plaintextKey(), id, "application/json", "{\"expires_at\": \"2001-01-01T00:00:00Z\"}");
        expect(test, Future.all(List.of(textPlain, undeclared, notJson, array, badExpiry, pastExpiry)).map(all -> textPlain.result()),
                ignored -> {
                    assertThat(textPlain.result().status()).isEqualTo(415);
                    assertThat(undeclared.result().status()).isEqualTo(415);
                    assertThat(notJson.result().status()).isEqualTo(400);
                    assertThat(array.result().status()).isEqualTo(400);
                    assertBadRequestOn(badExpiry.result(), "expires_in");
                    assertBadRequestOn(pastExpiry.result(), "expires_at");
                    assertThat(store.list().get(1).keys()).hasSize(1);
                });
    }

    @Test
    void aRotationBodyOverTheLimitIsRejectedWith413(VertxTestContext test) {
        String json = new JsonObject().put("expires_in", "1d").put("padding", "p".repeat(70_000)).encode();
        expect(test, rotate(admin.plaintextKey(), reader.account().id(), "application/json", json), response -> {
            assertThat(response.status()).isEqualTo(413);
            assertThat(store.list().get(1).keys()).hasSize(1);
        });
    }

    // ---- Revocation: DELETE /{id}/keys/{keyId} ----------------------------------------------------

    @Test
    void revokeAnswers204AndTheKeyStopsWorkingAtOnceWhileTheOtherWorks(VertxTestContext test) {
        Future<Response> rotated = rotate(admin.plaintextKey(), reader.account().id(), null, null);
        Future<Response> revoked = rotated.compose(ignored -> revoke(admin.plaintextKey(), reader.account().id(), reader.key().id()));
        Future<Response> withOld = revoked.compose(ignored -> list(reader.plaintextKey()));
        Future<Response> withNew = withOld.compose(ignored -> list(rotated.result().json().getString("api_key")));
        expect(test, withNew, response -> {
            assertThat(revoked.result().status()).isEqualTo(204);
            assertThat(revoked.result().body()).isEmpty();
            assertThat(withOld.result().status()).as("the revoked key").isEqualTo(401);
            assertThat(response.status()).as("the new key").isEqualTo(403);
            assertThat(store.list().get(1).keys()).extracting(key -> key.id())
                    .containsExactly(rotated.result().json().getString("key_id"));
        });
    }

    @Test
    void revokingTheOnlyKeyAnswers409AndKeepsIt(VertxTestContext test) {
        expect(test, revoke(admin.plaintextKey(), reader.account().id(), reader.key().id()), response -> {
            assertThat(response.status()).isEqualTo(409);
            assertThat(response.json().getString("error")).contains("only key");
            assertThat(store.list().get(1).keys()).containsExactly(reader.key());
        });
    }

    @Test
    void revokingAnUnknownKeyOrAccountAnswers404WithoutEchoingIt(VertxTestContext test) {
        Future<Response> unknownKey = revoke(admin.plaintextKey(), reader.account().id(), "ffffffffffffffff");
        Future<Response> unknownAccount = revoke(admin.plaintextKey(), "0123456789abcdef0123456789abcdef", reader.key().id());
        expect(test, Future.all(unknownKey, unknownAccount).map(all -> unknownKey.result()), ignored -> {
            assertThat(unknownKey.result().status()).isEqualTo(404);
            assertThat(unknownKey.result().body()).doesNotContain("ffffffffffffffff");
            assertThat(unknownAccount.result().status()).isEqualTo(404);
            assertThat(unknownAccount.result().body()).doesNotContain("0123456789abcdef0123456789abcdef");
        });
    }

    @Test
    void theKeyRoutesAreForAdminsOnly(VertxTestContext test) {
        String id = reader.account().id();
        Future<Response> rotatedByReader = rotate(reader.plaintextKey(), id, null, null);
        Future<Response> revokedByReader = revoke(reader.plaintextKey(), id, reader.key().id());
        Future<Response> rotatedByNobody = rotate(null, id, "text/plain", "not json");
        Future<Response> revokedByNobody = revoke(null, id, reader.key().id());
        expect(test, Future.all(rotatedByReader, revokedByReader, rotatedByNobody, revokedByNobody).map(all -> null), ignored -> {
            assertThat(rotatedByReader.result().status()).isEqualTo(403);
            assertThat(revokedByReader.result().status()).isEqualTo(403);
            assertThat(rotatedByNobody.result().status()).isEqualTo(401);
            assertThat(revokedByNobody.result().status()).isEqualTo(401);
            assertThat(store.list().get(1).keys()).containsExactly(reader.key());
        });
    }

    @Test
    void noAnswerEverCarriesAKeyHash(VertxTestContext test) {
        Future<Response> rotated = rotate(admin.plaintextKey(), reader.account().id(), null, null);
        Future<Response> listed = rotated.compose(ignored -> list(admin.plaintextKey()));
        expect(test, listed, response -> {
            for (var account : store.list()) {
                for (var key : account.keys()) {
                    assertThat(response.body()).contains(key.id()).doesNotContain(key.hash());
                    assertThat(rotated.result().body()).doesNotContain(key.hash());
                }
            }
        });
    }
}
