package dev.metricsgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Plain HTTP/1.1 {@code GET}s with chosen headers (for the scrapes and the Prometheus API), and
 * bounded polling of an external server.
 *
 * <p>Threading: {@link HttpClient} is thread-safe; so is this class.
 */
final class PrometheusHttp {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Between two polls of an external server (Prometheus scrapes every second). */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    private PrometheusHttp() {
    }

    /** {@code GET uri} with {@code headers}; the body as bytes, never decompressed. */
    static HttpResponse<byte[]> getBytes(URI uri, Map<String, String> headers) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: GET " + uri, e);
        }
    }

    /** {@code GET uri} with {@code headers}; the body as UTF-8 text. */
    static HttpResponse<String> get(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: GET " + uri, e);
        }
    }

    /**
     * Asks {@code probe} until it returns a value or {@code bound} has passed, pausing
     * {@link #POLL_INTERVAL} between asks (the server changes state on its own schedule: there is
     * nothing to wait on). Fails with {@code lastState} when the bound passes.
     */
    static <T> T await(String what, Duration bound, Supplier<Optional<T>> probe, Supplier<String> lastState) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            Optional<T> result = probe.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + bound + ": " + what + "\n" + lastState.get());
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
