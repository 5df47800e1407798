package dev.metricsgateway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Times scrapes over HTTP the same way for every server (ours and the peers): wall time from
 * sending the GET to the last byte of the body, uncompressed (no {@code Accept-Encoding}), after
 * untimed scrapes that warm up both sides: at least {@value #WARMUPS}, and more until the warm-up
 * time has passed. A JVM compiles a scrape's code only after it has run many times (scrapes of
 * 10k series took 41 ms over the first 20 and 14–15 ms from about the 80th on); a gateway that
 * serves scrapes for days runs the compiled code, and so should the comparison.
 */
final class ScrapeTimer {

    /** Times of {@code count} scrapes, in ms, sorted; and the size of the last body. */
    record Timing(List<Double> millis, long bytes, String body) {

        double median() {
            return millis.get(millis.size() / 2);
        }

        double max() {
            return millis.get(millis.size() - 1);
        }
    }

    /** Untimed scrapes first, at least: the first scrapes of a JVM run in the interpreter. */
    static final int WARMUPS = 3;
    /** A sensible warm-up time: enough for about a hundred scrapes of 10k series. */
    static final double DEFAULT_WARMUP_SECONDS = 3;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ScrapeTimer() {
    }

    /**
     * @param authorization the Authorization header value, or null
     * @param accept        the Accept header value, or null
     * @param warmupSeconds how long to scrape untimed first (at least {@value #WARMUPS} scrapes)
     */
    static Timing time(URI url, String authorization, String accept, int count, double warmupSeconds) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (accept != null) {
            builder.header("Accept", accept);
        }
        HttpRequest request = builder.build();
        long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        for (int i = 0; i < WARMUPS || System.nanoTime() < warmupEnd; i++) {
            scrape(request); // warm-up (JIT on both sides), not timed
        }
        List<Double> millis = new ArrayList<>();
        byte[] body = new byte[0];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            body = scrape(request);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(millis);
        return new Timing(millis, body.length, new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    private static byte[] scrape(HttpRequest request) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        return response.body();
    }
}
