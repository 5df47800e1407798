package dev.metricsgateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * HTTP calls against a gateway child process, through {@link HttpClient} (HTTP/1.1, as scrapers
 * and feature servers speak it), plus {@link #readyzStatusOnFreshConnection()} on a raw socket for
 * the shutdown tests, where a pooled connection would hide whether new connections are accepted.
 *
 * <p>Threading: {@link HttpClient} is thread-safe; so is this class.
 */
final class GatewayClient {

    static final String EVENTS = "/api/v1/events";
    static final String SCRAPE = "/api/v1/observability/metrics";
    static final String SERVICE_ACCOUNTS = "/api/v1/service-accounts";

    /** One valid event of the default catalog. */
    static final String UTILIZATION_EVENT =
            "{\"type\":\"server_utilization\",\"aws_region\":\"us-east-1\",\"instance\":\"i-1\",\"utilization_percent\":42}";

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    GatewayClient(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    /** {@code GET path} with {@code Authorization: Tecton-key <key>}, or no header when the key is null. */
    HttpResponse<String> get(String path, String key) {
        return send(request(path, key).GET().build());
    }

    /** {@code POST /api/v1/events} with an NDJSON body. */
    HttpResponse<String> postEvents(String key, String ndjson) {
        return send(request(EVENTS, key)
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                .build());
    }

    /** {@link #postEvents} with an {@code Idempotency-Key} header. */
    HttpResponse<String> postEvents(String key, String ndjson, String idempotencyKey) {
        return send(request(EVENTS, key)
                .header("Content-Type", "application/x-ndjson")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                .build());
    }

    /** The status of {@code GET path} with this key. */
    int status(String path, String key) {
        return get(path, key).statusCode();
    }

    /**
     * {@code GET /readyz} on a new connection that asks to be closed afterwards: the status, or
     * empty when the gateway refuses (or resets) the connection because it no longer listens.
     */
    OptionalInt readyzStatusOnFreshConnection() {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /readyz HTTP/1.1\r\nHost: " + base.getHost() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(socket.getInputStream());
            return head.isEmpty() ? OptionalInt.empty() : OptionalInt.of(statusOf(head));
        } catch (ConnectException e) {
            return OptionalInt.empty();
        } catch (SocketException e) {
            // Reset: the connection reached a listener that was closing.
            return OptionalInt.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads an HTTP response head (status line and headers, up to the blank line) byte by byte,
     * so nothing of the body is consumed. Empty when the stream ends before any byte.
     */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] terminator = {'\r', '\n', '\r', '\n'};
        while (matched < terminator.length) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return "";
                }
                throw new IOException("the response head ended early: " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
            matched = b == terminator[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The status code of a response head. */
    static int statusOf(String head) {
        String[] statusLine = head.split("\r\n", 2)[0].split(" ");
        return Integer.parseInt(statusLine[1]);
    }

    /** The value of a header of a response head, case-insensitively, or null. */
    static String headerOf(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        if (key != null) {
            builder.header("Authorization", "Tecton-key " + key);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
