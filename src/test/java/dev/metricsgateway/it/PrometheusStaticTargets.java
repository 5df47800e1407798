package dev.metricsgateway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-owned HTTP server on a free loopback port that serves fixed scrape bodies, each on its
 * own path with its own Content-Type, so one Prometheus can scrape many (mutated) bodies as
 * separate jobs. It counts the requests each path answered.
 *
 * <p>Threading: bodies are added before Prometheus starts; requests are answered on the server's
 * dispatcher thread; the maps are concurrent.
 */
final class PrometheusStaticTargets implements AutoCloseable {

    private record Body(String contentType, byte[] bytes) {
    }

    private final HttpServer server;
    private final Map<String, Body> bodies = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

    private PrometheusStaticTargets(HttpServer server) {
        this.server = server;
    }

    static PrometheusStaticTargets start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        PrometheusStaticTargets targets = new PrometheusStaticTargets(server);
        server.createContext("/", targets::answer);
        server.start();
        return targets;
    }

    /** Serves {@code body} with {@code contentType} on {@code path} from now on. */
    void serve(String path, String contentType, String body) {
        bodies.put(path, new Body(contentType, body.getBytes(StandardCharsets.UTF_8)));
        served.put(path, new AtomicInteger());
    }

    /** {@code 127.0.0.1:PORT}, as a Prometheus target. */
    String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many times {@code path} has been answered in full. */
    int timesServed(String path) {
        AtomicInteger count = served.get(path);
        return count == null ? 0 : count.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Body body = bodies.get(path);
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", body.contentType());
            exchange.sendResponseHeaders(200, body.bytes().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body.bytes());
            }
            served.get(path).incrementAndGet();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
