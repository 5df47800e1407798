package dev.metricsgateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server instance on one event loop; the gateway deploys one per event loop, all on the
 * same port (Vert.x balances connections across them) and all sharing {@link GatewayServices}.
 * Stopping it shuts the server down gracefully: no new connections, in-flight requests finish
 * within the shutdown timeout.
 */
final class GatewayVerticle extends VerticleBase {

    private final GatewayServices services;
    private final int port;
    private HttpServer server;

    GatewayVerticle(GatewayServices services, int port) {
        this.services = services;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setCompressionSupported(true)
                .setIdleTimeout((int) services.config().idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        if (services.config().tls()) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertPath(services.config().tlsCertFile().toString())
                            .setKeyPath(services.config().tlsKeyFile().toString()))
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        }
        server = vertx.createHttpServer(options)
                .requestHandler(GatewayRouter.create(vertx, services));
        // listen(port, host) rather than options: only it takes the negative "shared random" port.
        return server.listen(port, services.config().host());
    }

    @Override
    public Future<?> stop() {
        return server.shutdown(Duration.ofSeconds(services.config().shutdownTimeoutSeconds()));
    }

    int actualPort() {
        return server.actualPort();
    }
}
