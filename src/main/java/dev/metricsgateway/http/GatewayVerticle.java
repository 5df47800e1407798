package dev.metricsgateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP server instance on one event loop; the gateway deploys one per event loop, all on the
 * same port (Vert.x balances connections across them) and all sharing {@link GatewayServices}.
 * Stopping it shuts the server down gracefully: no new connections, in-flight requests finish
 * within the shutdown timeout.
 *
 * <p><b>Connection limit.</b> Every instance counts its connections in one counter shared by all
 * ({@link GatewayServices#openConnections()}); a connection accepted beyond
 * {@code max_connections} is closed at once, before it can send anything. HTTP/2 over clear text
 * (h2c) is off: with it on, Vert.x 5 waits for a connection's first bytes (to tell an HTTP/2
 * preface from HTTP/1.x) before it calls the connection handler, so a client that connects and
 * sends nothing would never be counted. No client of the gateway speaks h2c; over TLS the
 * handler runs after the handshake, which {@code sslHandshakeTimeout} bounds.
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
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setHttp2ClearTextEnabled(false);
        if (services.config().tls()) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertPath(services.config().tlsCertFile().toString())
                            .setKeyPath(services.config().tlsKeyFile().toString()))
                    .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
        }
        server = vertx.createHttpServer(options)
                .connectionHandler(this::admitConnection)
                .requestHandler(GatewayRouter.create(vertx, services));
        // listen(port, host) rather than options: only it takes the negative "shared random" port.
        return server.listen(port, services.config().host());
    }

    @Override
    public Future<?> stop() {
        return server.shutdown(Duration.ofSeconds(services.config().shutdownTimeoutSeconds()));
    }

    /** Counts a new connection, or closes it when {@code max_connections} are open already. */
    private void admitConnection(HttpConnection connection) {
        AtomicInteger open = services.openConnections();
        if (open.incrementAndGet() > services.config().maxConnections()) {
            open.decrementAndGet();
            connection.close();
            return;
        }
        connection.closeHandler(closed -> open.decrementAndGet());
    }

    int actualPort() {
        return server.actualPort();
    }
}
