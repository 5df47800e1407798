package dev.metricsgateway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test-owned reverse proxy between a Prometheus job and the gateway, on a free loopback port. It
 * forwards every request header (Authorization included) and returns the gateway's status, headers
 * and body bytes unchanged (a gzip body stays gzip), and records what went through, so a test can
 * see on the gateway's side which format a job really got.
 *
 * <p>With an {@code acceptOverride} it replaces the {@code Accept} header: Prometheus 2.42 has no
 * setting for its Accept, so this is how a job gets text 0.0.4. Without one it changes nothing.
 *
 * <p>Threading: requests are handled on the server's dispatcher thread; the record is a
 * thread-safe list the test thread reads.
 */
final class PrometheusRecordingProxy implements AutoCloseable {

    /** Headers the JDK client sets itself (or refuses), and hop-by-hop headers. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "date", "from", "via", "warning", "keep-alive", "transfer-encoding", "te", "trailer", "proxy-authorization");

    /** One proxied request: what Prometheus asked for, what the gateway was asked, what it answered. */
    record Exchange(String path, String receivedAccept, String forwardedAccept, int status, String contentType,
            String contentEncoding) {
    }

    private final HttpServer server;
    private final URI upstream;
    private final String acceptOverride;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();

    private PrometheusRecordingProxy(HttpServer server, URI upstream, String acceptOverride) {
        this.server = server;
        this.upstream = upstream;
        this.acceptOverride = acceptOverride;
    }

    /** A proxy to {@code upstream} that changes nothing. */
    static PrometheusRecordingProxy transparent(URI upstream) throws IOException {
        return start(upstream, null);
    }

    /** A proxy to {@code upstream} that sends {@code accept} instead of the client's Accept. */
    static PrometheusRecordingProxy replacingAccept(URI upstream, String accept) throws IOException {
        return start(upstream, accept);
    }

    private static PrometheusRecordingProxy start(URI upstream, String acceptOverride) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        PrometheusRecordingProxy proxy = new PrometheusRecordingProxy(server, upstream, acceptOverride);
        server.createContext("/", proxy::forward);
        server.start();
        return proxy;
    }

    /** {@code 127.0.0.1:PORT}, as a Prometheus target. */
    String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every exchange so far, in order. */
    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String receivedAccept = exchange.getRequestHeaders().getFirst("Accept");
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                    headers.put(name, String.join(", ", values));
                }
            });
            if (acceptOverride != null) {
                headers.keySet().removeIf(name -> name.equalsIgnoreCase("Accept"));
                headers.put("Accept", acceptOverride);
            }
            HttpResponse<byte[]> response;
            try {
                response = PrometheusHttp.getBytes(upstream.resolve(exchange.getRequestURI().toString()), headers);
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                exchanges.add(new Exchange(exchange.getRequestURI().getPath(), receivedAccept, headers.get("Accept"), 502, null, null));
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] body = response.body();
            exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            exchanges.add(new Exchange(exchange.getRequestURI().getPath(), receivedAccept, headers.get("Accept"),
                    response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                    response.headers().firstValue("Content-Encoding").orElse(null)));
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
