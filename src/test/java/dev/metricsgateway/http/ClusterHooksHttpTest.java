package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.config.ConfigLoader;
import dev.metricsgateway.config.GatewayConfig;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.exposition.GatewayMetrics;
import dev.metricsgateway.testing.ManualClock;
import dev.metricsgateway.testing.TestEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's side of cluster mode, with hooks that stand in for a cluster: they fill the engine
 * before the server listens, a scrape serves their global view rather than the local engine's,
 * a failing global view is a 500, and stopping lets the member publish its last state.
 */
@ExtendWith(VertxExtension.class)
class ClusterHooksHttpTest {

    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dataDir;

    /** Hooks whose global view is a snapshot of an engine of their own. */
    private static final class StubCluster implements ClusterHooks {
        final Vertx vertx = Vertx.vertx();
        final AggregationEngine elsewhere = new AggregationEngine(CatalogLoader.loadDefault(), WindowSettings.defaults());
        final AtomicReference<AggregationEngine> joined = new AtomicReference<>();
        final AtomicBoolean left = new AtomicBoolean();
        volatile boolean fail;

        @Override
        public Vertx vertx() {
            return vertx;
        }

        @Override
        public void join(AggregationEngine engine, GatewayMetrics metrics, Runnable restoreCheckpoint) {
            joined.set(engine);
        }

        @Override
        public Future<GatewaySnapshot> globalSnapshot(long nowMillis) {
            return fail ? Future.failedFuture(new IllegalStateException("no cluster")) : Future.succeededFuture(elsewhere.snapshot(nowMillis));
        }

        @Override
        public Future<Void> leave() {
            left.set(true);
            return Future.succeededFuture();
        }
    }

    private record Reply(int status, String body) {
    }

    private static Reply get(Vertx vertx, int port, String path, String key) throws Exception {
        HttpClient client = vertx.createHttpClient();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path)
                .putHeader("Authorization", "Tecton-key " + key);
        return client.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> new Reply(response.statusCode(), body.toString())))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aScrapeServesTheClustersViewAndStoppingLetsTheMemberPublishLast(Vertx testVertx) throws Exception {
        String readerKey = new ServiceAccountStore(dataDir).create("reader", "", EnumSet.of(Role.METRICS_READER)).plaintextKey();
        GatewayConfig config = ConfigLoader.load(null, Map.of("METRICS_GATEWAY_PORT", "0", "METRICS_GATEWAY_DATA_DIR", dataDir.toString(),
                "METRICS_GATEWAY_EVENT_LOOPS", "1")::get, Map.of());
        StubCluster cluster = new StubCluster();
        for (int i = 0; i < 7; i++) {
            cluster.elsewhere.apply(List.of(TestEvents.event(cluster.elsewhere.schemas(), "feature_request", NOW, Map.of(
                    "aws_region", "us-west-2", "feature_service_id", "fs-1", "feature_service_name", "svc",
                    "latency_seconds", 0.25, "status", 200))), NOW);
        }
        GatewayServer server = GatewayServer.start(config, CatalogLoader.loadDefault(), new ManualClock(NOW), Optional.of(cluster))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        try {
            assertThat(cluster.joined.get()).as("the cluster filled the engine before the server listened").isNotNull();

            Reply scrape = get(testVertx, server.port(), GatewayRouter.SCRAPE_PATH, readerKey);
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.body()).contains("feature_service_total_latency_count 7 ");

            cluster.fail = true;
            assertThat(get(testVertx, server.port(), GatewayRouter.SCRAPE_PATH, readerKey).status()).isEqualTo(500);
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        assertThat(cluster.left).as("leave() ran before Vert.x closed").isTrue();
    }
}
