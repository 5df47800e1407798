package dev.metricsgateway.cli;

import dev.metricsgateway.auth.BootstrapAdmin;
import dev.metricsgateway.auth.ServiceAccountStore;
import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogException;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import dev.metricsgateway.cluster.ClusterMember;
import dev.metricsgateway.config.ConfigException;
import dev.metricsgateway.config.ConfigKey;
import dev.metricsgateway.config.ConfigLoader;
import dev.metricsgateway.config.GatewayConfig;
import dev.metricsgateway.http.ClusterHooks;
import dev.metricsgateway.http.GatewayServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: reads the config, loads the catalog, bootstraps an admin account on an empty data
 * dir, starts the gateway (restoring the aggregation checkpoint of the data dir) and runs until
 * SIGTERM/SIGINT, on which it drains gracefully, writes a last checkpoint and exits 0.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run the gateway: ingest events on POST /api/v1/events and serve the aggregated metrics on "
                + "GET /api/v1/observability/metrics.",
            "Settings come from defaults, the YAML file (--config or METRICS_GATEWAY_CONFIG), environment "
                + "variables METRICS_GATEWAY_<KEY> and these flags, later ones winning. See the README for every key.",
            "On an empty data dir, an admin service account is created and its key printed once "
                + "(or taken from METRICS_GATEWAY_BOOTSTRAP_KEY)."
        })
public final class ServeCommand implements Callable<Integer> {

    /**
     * How long the shutdown waits for the last checkpoint beyond the shutdown timeout: a large
     * state takes tens of seconds (see the README's figures). Past it the process halts with 1, and
     * the previous checkpoint is what the next start restores.
     */
    static final long FINAL_CHECKPOINT_ALLOWANCE_SECONDS = 60;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
    Path configFile;

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080; env METRICS_GATEWAY_PORT).")
    Integer port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Service-account store and aggregation checkpoint (default ./data; env METRICS_GATEWAY_DATA_DIR).")
    Path dataDir;

    @Option(names = "--cluster", description = "Join a cluster of gateways (see the README's \"Running a cluster\"; env METRICS_GATEWAY_CLUSTER).")
    boolean cluster;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GatewayConfig config;
        Catalog catalog;
        try {
            Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
            if (port != null) {
                flags.put(ConfigKey.PORT, port.toString());
            }
            if (dataDir != null) {
                flags.put(ConfigKey.DATA_DIR, dataDir.toString());
            }
            if (cluster) {
                flags.put(ConfigKey.CLUSTER, "true");
            }
            config = ConfigLoader.load(configFile, System::getenv, flags);
            catalog = loadCatalog(config.catalog());
            BootstrapAdmin.ensureAdmin(new ServiceAccountStore(config.dataDir()), config.bootstrapKey()).ifPresent(out::println);
        } catch (ConfigException | CatalogException | IllegalArgumentException | IllegalStateException e) {
            err.println("metrics-gateway: cannot start: " + e.getMessage());
            return 2;
        }
        out.flush();

        Optional<ClusterMember> member = Optional.empty();
        if (config.cluster().enabled()) {
            try {
                member = Optional.of(ClusterMember.start(config, catalog, InstantSource.system()));
            } catch (IllegalStateException e) {
                // Cannot join, or refused: another catalog or window than the cluster's.
                err.println("metrics-gateway: cannot start: " + e.getMessage());
                return 2;
            }
        }
        GatewayServer server;
        try {
            server = GatewayServer.start(config, catalog, InstantSource.system(), member.map(ClusterHooks.class::cast))
                    .toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            member.ifPresent(ClusterMember::abandon);
            // Netty's BindException does not say which address it could not bind.
            err.println("metrics-gateway: cannot start: server on " + config.host() + ":" + config.port() + ": " + e.getCause().getMessage());
            return 2;
        } catch (IllegalStateException | UncheckedIOException e) {
            member.ifPresent(ClusterMember::abandon);
            // The aggregation checkpoint can be neither restored nor moved aside, or the data dir is
            // unusable, or (cluster mode) the member's state cannot be set up.
            err.println("metrics-gateway: cannot start: " + e.getMessage());
            return 2;
        }
        // The hook first: a supervisor (or a test) may send SIGTERM as soon as it reads the line below.
        CountDownLatch stopped = onShutdown(server, config);
        out.println("metrics-gateway listening on " + config.scheme() + "://" + config.host() + ":" + server.port());
        out.flush();
        stopped.await();
        return 0;
    }

    private static Catalog loadCatalog(Path userCatalog) {
        List<CatalogSource> sources = new ArrayList<>();
        sources.add(CatalogLoader.defaultSource());
        if (userCatalog != null) {
            try {
                sources.add(new CatalogSource(userCatalog.toString(), Files.readString(userCatalog)));
            } catch (IOException e) {
                throw new CatalogException(userCatalog.toString(), "catalog", "cannot read: " + e.getMessage());
            }
        }
        return CatalogLoader.load(sources);
    }

    /**
     * Registers what the JVM does when asked to stop, and returns a latch that opens only then, so
     * the main thread can wait on it. The shutdown hook turns readiness off, waits the drain
     * period (requests are still served meanwhile), closes the server gracefully (which ends with
     * the last checkpoint) and then halts with status 0: a JVM ended by SIGTERM otherwise exits
     * 143, which process supervisors count as a failure although the shutdown was clean.
     */
    private static CountDownLatch onShutdown(GatewayServer server, GatewayConfig config) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.startDraining();
                Thread.sleep(TimeUnit.SECONDS.toMillis(config.shutdownDrainSeconds()));
                server.close().toCompletionStage().toCompletableFuture()
                        .get(config.shutdownTimeoutSeconds() + 5 + FINAL_CHECKPOINT_ALLOWANCE_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("metrics-gateway: shutdown did not complete cleanly: " + e);
                Runtime.getRuntime().halt(1);
            }
            stopped.countDown();
            Runtime.getRuntime().halt(0);
        }, "metrics-gateway-shutdown"));
        return stopped;
    }
}
