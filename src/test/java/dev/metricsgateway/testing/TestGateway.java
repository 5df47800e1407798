package dev.metricsgateway.testing;

import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.config.ConfigLoader;
import dev.metricsgateway.config.GatewayConfig;
import dev.metricsgateway.http.GatewayServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway started for one test: port 0, a temporary data dir, a manual clock, and one service
 * account per role. {@link #call} sends a request with Vert.x's own HTTP client and waits for the
 * whole answer (tests read like a conversation; the waiting happens on the test thread, never
 * on an event loop).
 */
public final class TestGateway implements AutoCloseable {

    public static final long START_MILLIS = 1_700_000_000_000L;

    public final ManualClock clock = new ManualClock(START_MILLIS);
    public final String adminKey;
    public final String readerKey;
    public final String writerKey;
    private final GatewayServer server;
    private final HttpClient client;
    private final Context context;

    private TestGateway(Vertx vertx, Path dataDir, Map<String, String> settings) throws Exception {
        ServiceAccountStore store = new ServiceAccountStore(dataDir);
        adminKey = store.create("admin", "tests", EnumSet.of(Role.ADMIN)).plaintextKey();
        readerKey = store.create("reader", "tests", EnumSet.of(Role.METRICS_READER)).plaintextKey();
        writerKey = store.create("writer", "tests", EnumSet.of(Role.EVENT_WRITER)).plaintextKey();
        Map<String, String> env = new HashMap<>();
        env.put("METRICS_GATEWAY_HOST", "127.0.0.1");
        env.put("METRICS_GATEWAY_PORT", "0");
        env.put("METRICS_GATEWAY_DATA_DIR", dataDir.toString());
        env.put("METRICS_GATEWAY_EVENT_LOOPS", "2");
        env.putAll(settings);
        GatewayConfig config = ConfigLoader.load(null, env::get, Map.of());
        server = await(GatewayServer.start(config, CatalogLoader.loadDefault(), clock));
        client = vertx.createHttpClient();
        context = vertx.getOrCreateContext();
    }

    /** @param settings extra environment variables, e.g. {@code METRICS_GATEWAY_MAX_BODY_BYTES} */
    public static TestGateway start(Vertx vertx, Path dataDir, Map<String, String> settings) throws Exception {
        return new TestGateway(vertx, dataDir, settings);
    }

    public int port() {
        return server.port();
    }

    public HttpReply call(HttpMethod method, String path, Map<String, String> headers, Buffer body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port()).setURI(path);
        MultiMap sent = MultiMap.caseInsensitiveMultiMap();
        sent.addAll(headers);
        options.setHeaders(sent);
        // The chain runs on one Vert.x context: built from the test thread, its callbacks could be
        // dispatched late enough for a small response body to arrive before body() is asked for.
        Promise<HttpReply> reply = Promise.promise();
        context.runOnContext(ignored -> client.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(bytes -> new HttpReply(response.statusCode(), response.headers(), bytes)))
                .onComplete(reply));
        return await(reply.future());
    }

    /** Puts the gateway into the draining state that SIGTERM starts with. */
    public void startDraining() {
        server.startDraining();
    }

    public HttpReply get(String path, Map<String, String> headers) throws Exception {
        return call(HttpMethod.GET, path, headers, null);
    }

    public HttpReply postEvents(String key, String contentType, String body) throws Exception {
        return call(HttpMethod.POST, "/api/v1/events", Map.of("Authorization", "Tecton-key " + key, "Content-Type", contentType), Buffer.buffer(body));
    }

    public HttpReply scrape(String accept) throws Exception {
        Map<String, String> headers = new HashMap<>();
        headers.put("Authorization", "Tecton-key " + readerKey);
        if (accept != null) {
            headers.put("Accept", accept);
        }
        return get("/api/v1/observability/metrics", headers);
    }

    public static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            await(client.close());
            await(server.close());
        } catch (Exception e) {
            throw new IllegalStateException("gateway did not stop cleanly", e);
        }
    }
}
