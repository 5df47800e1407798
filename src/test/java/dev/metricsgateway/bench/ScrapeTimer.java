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
        return interleaved(List.of(request(url, authorization, accept)), count, warmupSeconds).get(0);
    }

    /**
     * Times two servers against each other: after both are warmed up, {@code count} rounds each
     * scrape both once, the one that goes first alternating. Both then meet the same noise of a
     * shared machine, which timing one series of scrapes after the other's did not (the ratio of
     * two ~15 ms scrapes swung between 0.6 and 2.6 across runs).
     */
    static List<Timing> interleaved(URI first, String firstAuthorization, URI second, String secondAuthorization, String accept,
            int count, double warmupSeconds) throws Exception {
        return interleaved(List.of(request(first, firstAuthorization, accept), request(second, secondAuthorization, accept)), count,
                warmupSeconds);
    }

    private static List<Timing> interleaved(List<HttpRequest> requests, int count, double warmupSeconds) throws Exception {
        for (HttpRequest request : requests) {
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            for (int i = 0; i < WARMUPS || System.nanoTime() < warmupEnd; i++) {
                scrape(request); // warm-up (JIT on both sides), not timed
            }
        }
        List<List<Double>> millis = new ArrayList<>();
        byte[][] bodies = new byte[requests.size()][];
        for (int r = 0; r < requests.size(); r++) {
            millis.add(new ArrayList<>());
            bodies[r] = new byte[0];
        }
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < requests.size(); k++) {
                int r = (i + k) % requests.size();
                long start = System.nanoTime();
                bodies[r] = scrape(requests.get(r));
                millis.get(r).add((System.nanoTime() - start) / 1e6);
            }
        }
        List<Timing> timings = new ArrayList<>();
        for (int r = 0; r < requests.size(); r++) {
            Collections.sort(millis.get(r));
            timings.add(new Timing(millis.get(r), bodies[r].length, new String(bodies[r], java.nio.charset.StandardCharsets.UTF_8)));
        }
        return timings;
    }

    private static HttpRequest request(URI url, String authorization, String accept) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (accept != null) {
            builder.header("Accept", accept);
        }
        return builder.build();
    }

    private static byte[] scrape(HttpRequest request) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        return response.body();
    }
}
