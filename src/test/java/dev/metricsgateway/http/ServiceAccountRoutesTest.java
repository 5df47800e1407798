package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountRegistry;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.auth.TectonKeyAuthenticationProvider;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
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
import java.time.Instant;
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

    @TempDir
    Path dataDir;

    private ServiceAccountStore store;
    private CreatedServiceAccount admin;
    private CreatedServiceAccount reader;
    private HttpClient client;
    private int port;

    record Response(int status, MultiMap headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }
    }

    @BeforeEach
    void startServer(Vertx vertx, VertxTestContext test) {
        store = new ServiceAccountStore(dataDir);
        admin = store.create("root", "operators", Set.of(Role.ADMIN));
        reader = store.create("scraper", "", Set.of(Role.METRICS_READER));
        ServiceAccountRegistry registry = new ServiceAccountRegistry(store);
        Router router = Router.router(vertx);
        ServiceAccountRoutes.mount(router, new TectonKeyAuthHandler(new TectonKeyAuthenticationProvider(registry)),
                store, registry::reload);

        client = vertx.createHttpClient();
        vertx.createHttpServer().requestHandler(router).listen(0).onComplete(test.succeeding(server -> {
            port = server.actualPort();
            test.completeNow();
        }));
    }

    private Future<Response> request(HttpMethod method, String path, String key, String contentType, String body) {
        return client.request(method, port, "localhost", path)
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
                        .map(buffer -> new Response(response.statusCode(), response.headers(), buffer.toString())));
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
            assertThat(root.fieldNames()).containsExactlyInAnyOrder("id", "name", "description", "roles", "created_at");
            assertThat(root.getString("id")).isEqualTo(admin.account().id());
            assertThat(root.getString("name")).isEqualTo("root");
            assertThat(root.getString("description")).isEqualTo("operators");
            assertThat(root.getJsonArray("roles")).containsExactly("admin");
            assertThat(Instant.parse(root.getString("created_at"))).isEqualTo(admin.account().createdAt());
            assertThat(response.body())
                    .doesNotContain(admin.plaintextKey(), admin.account().keyHash())
                    .doesNotContain(reader.plaintextKey(), reader.account().keyHash());
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
}
