package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.ingest.FuzzInputs;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test of the HTTP/1.1 layer below the routes: ingest requests written byte by byte on a
 * raw socket and then broken (request line, headers, {@code Content-Length} against
 * {@code Transfer-Encoding}, chunk framing, line endings, sizes, pipelining, truncation, random
 * bytes). Each request goes on a new connection whose output is then shut down, so the gateway
 * sees the end of the request stream. For every connection:
 * <ul>
 *   <li>the gateway answers or closes within {@value #ANSWER_TIMEOUT_MILLIS} ms, no answer is a
 *       5xx (but Vert.x's 501 to an HTTP version other than 1.0 and 1.1), and an ingest request is
 *       answered 202 or 4xx, never another 2xx;
 *   <li>every 202 it sends counts its events, and a connection without a 202 changes nothing
 *       ({@link FuzzLedger}: same scrape, same {@code metrics_gateway_events_accepted_total}).
 * </ul>
 * Afterwards the gateway still serves (health, a valid batch, a scrape both consumers parse).
 * CI runs {@value #CI_COUNT} connections; {@code -Dfuzz.count=N} runs more.
 */
@ExtendWith(VertxExtension.class)
class MalformedHttpFuzzTest {

    static final int CI_COUNT = 200;
    private static final int ANSWER_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_BAD_KEYS = 8;
    private static final int MAX_FAILURES_LISTED = 10;

    @TempDir
    Path dataDir;

    @TempDir
    Path scratch;

    private int badKeys;

    @Test
    void brokenHttpNeverGets5xxNorChangesAnything(Vertx vertx) throws Exception {
        long seed = FuzzInputs.seed();
        int count = FuzzInputs.count(CI_COUNT);
        long from = Long.getLong("fuzz.from", 0);
        Map<String, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, IngestHttpFuzzTest.SETTINGS)) {
            FuzzLedger ledger = new FuzzLedger(gateway);
            for (long index = from; index < from + count; index++) {
                SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index ^ 0x7F4A7C15L);
                FuzzInputs.Input input = FuzzInputs.input(seed, index, TestGateway.START_MILLIS, FuzzInputs.Profile.HTTP);
                List<String> mutations = new ArrayList<>();
                byte[] request = request(input, random, gateway, mutations);
                String problem = exchange(gateway.port(), request, ledger, statuses, !versionSpoken(request), isIngest(request));
                if (count > CI_COUNT && (index - from + 1) % (count / 10) == 0) {
                    System.out.printf("malformed HTTP fuzz: %d of %d connections, %.0f s%n", index - from + 1, count, (System.nanoTime() - started) / 1e9);
                }
                if (problem != null && failures.size() < MAX_FAILURES_LISTED) {
                    failures.add(String.format("connection %d (%s): %s%n  request: %s%n  reproduce: -Dfuzz.seed=%d -Dfuzz.from=%d -Dfuzz.count=1",
                            index, mutations, problem, IngestHttpFuzzTest.excerpt(printable(request)), seed, index));
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("malformed HTTP fuzz: %d connections from index %d, seed %d, %.1f s, %d failures; %d events accepted; answers %s%n",
                    count, from, seed, seconds, failures.size(), ledger.acceptedEvents(), statuses);
            assertThat(failures).as("malformed HTTP fuzz, seed %d", seed).isEmpty();

            assertThat(gateway.get("/healthz", Map.of()).status()).isEqualTo(200);
            assertThat(gateway.postEvents(gateway.writerKey, "application/x-ndjson",
                    "{\"type\":\"server_utilization\",\"aws_region\":\"r\",\"instance\":\"i\",\"utilization_percent\":1}").status()).isEqualTo(202);
            ledger.applied(1);
            FuzzLedger.assertConsumersParse(gateway, scratch);
        }
    }

    /**
     * Sends {@code request} on a new connection, shuts the output down, reads to the end, and
     * checks every answer; the problem found, or null.
     */
    private static String exchange(int port, byte[] request, FuzzLedger ledger, Map<String, Integer> statuses, boolean oddVersion,
            boolean ingest) throws Exception {
        byte[] answer;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (SocketException e) {
                // The gateway refused the request before reading all of it (e.g. 431) and closed: read what it said.
            }
            answer = readToEnd(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            return "neither answered nor closed within " + ANSWER_TIMEOUT_MILLIS + " ms";
        }
        List<Response> responses;
        try {
            responses = Response.parseAll(answer);
        } catch (AssertionError | RuntimeException e) {
            ledger.unchanged();
            return "unreadable answer: " + e.getMessage();
        }
        int applied = 0;
        String problem = null;
        for (Response response : responses) {
            statuses.merge(Integer.toString(response.status()), 1, Integer::sum);
            if (response.status() == 501 && oddVersion) {
                // Vert.x's own answer to a request line whose version is not HTTP/1.0 or HTTP/1.1
                // ("HTTP/2.0", "http/1.1"): the server does not implement it. Allowed, and counted.
                statuses.merge("501 for an HTTP version other than 1.0/1.1", 1, Integer::sum);
            } else if (response.status() >= 500) {
                problem = "answered " + response.status() + ": " + response.body();
            } else if (ingest && response.status() >= 200 && response.status() < 300 && response.status() != 202) {
                // The contract answers an ingest request 202 (applied) or 4xx (not applied): any
                // other 2xx tells a client its batch was taken when it was not.
                problem = "answered " + response.status() + " \"" + response.body() + "\" to POST /api/v1/events";
            } else if (response.status() == 429 && response.header("retry-after") == null) {
                problem = "429 without Retry-After";
            } else if (response.status() == 202 && response.header("idempotent-replayed") == null) {
                applied += new JsonObject(response.body()).getInteger("accepted");
            }
        }
        if (responses.isEmpty()) {
            statuses.merge("closed without an answer", 1, Integer::sum);
        }
        boolean any202 = responses.stream().anyMatch(response -> response.status() == 202 && response.header("idempotent-replayed") == null);
        if (any202) {
            ledger.applied(applied);
        } else {
            String changed = ledger.unchanged();
            if (changed != null && problem == null) {
                problem = "no 202, but " + changed;
            }
        }
        return problem;
    }

    /** Whether every request on the connection is a {@code POST /api/v1/events} (the first, and a pipelined one if any). */
    private static boolean isIngest(byte[] request) {
        return new String(request, 0, Math.min(request.length, 32), StandardCharsets.ISO_8859_1).startsWith("POST /api/v1/events HTTP/1.");
    }

    /** Whether the request line ends in HTTP/1.0 or HTTP/1.1, the versions the gateway speaks. */
    private static boolean versionSpoken(byte[] request) {
        String head = new String(request, 0, Math.min(request.length, 12_000), StandardCharsets.ISO_8859_1);
        int end = head.indexOf('\n');
        String line = (end < 0 ? head : head.substring(0, end)).replace("\r", "");
        return line.endsWith(" HTTP/1.1") || line.endsWith(" HTTP/1.0");
    }

    private static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int read; (read = in.read(chunk)) >= 0; ) {
                bytes.write(chunk, 0, read);
            }
        } catch (SocketException e) {
            // reset after the answer: what was read is the answer
        }
        return bytes.toByteArray();
    }

    /** An ingest request for {@code input}, broken by zero to three mutations (listed in {@code mutations}). */
    private byte[] request(FuzzInputs.Input input, SplittableRandom random, TestGateway gateway, List<String> mutations) throws IOException {
        if (random.nextInt(20) == 0) {
            mutations.add("random bytes");
            byte[] bytes = new byte[random.nextInt(2000)];
            random.nextBytes(bytes);
            return bytes;
        }
        String method = "POST";
        String target = "/api/v1/events";
        String version = "HTTP/1.1";
        List<String> headers = new ArrayList<>(List.of(
                "Host: 127.0.0.1:" + gateway.port(),
                "Authorization: Tecton-key " + gateway.writerKey,
                "Content-Type: " + (input.format() == dev.metricsgateway.ingest.BodyFormat.NDJSON ? "application/x-ndjson" : "application/json")));
        byte[] body = input.body();
        boolean chunked = random.nextInt(5) == 0;
        int mutationCount = random.nextInt(4);
        String lineEnd = "\r\n";
        byte[] pipelined = new byte[0];
        for (int m = 0; m < mutationCount; m++) {
            int which = random.nextInt(14);
            switch (which) {
                case 0 -> method = pick(random, "GET", "PUT", "post", "POST ", "P\u00d8ST", "", "CONNECT", "OPTIONS", "X".repeat(5000));
                case 1 -> target = pick(random, "/api/v1/events?x=1", "/api/v1/events/", "/API/V1/EVENTS", "//api/v1/events",
                        "/api/v1/../v1/events", "/api/v1/events%00", "*", "http://127.0.0.1/api/v1/events", "/" + "a".repeat(10_000),
                        "/api/v1/observability/metrics", "/metrics", "/api/v1/service-accounts", "/api/v1/events\u0000", "",
                        "/api/v1/events%", "/api/v1/ev%zzents", "/%");
                case 2 -> version = pick(random, "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 ", "HTTP/1", "http/1.1", "", "HTTP/9.9", "HTTP/1.1\u0000");
                case 3 -> headers.remove(random.nextInt(headers.size()));
                case 4 -> headers.add("Content-Length: " + pick(random, "-1", "abc", "99999999999999999999", " 5", "0",
                        Integer.toString(body.length + 10), Integer.toString(Math.max(0, body.length - 10)), "1, 2"));
                case 5 -> headers.add(pick(random, "X-Long: " + "a".repeat(20_000), "NoColon", " folded: x", "Bad Name: x", "X\u0000: y",
                        "Expect: 100-continue", "Expect: nonsense", "Connection: close", "Connection: keep-alive, Upgrade", "Upgrade: h2c",
                        "Transfer-Encoding: gzip, chunked", "Transfer-Encoding: identity", "Content-Encoding: gzip", "Content-Encoding: br",
                        "Idempotency-Key: fuzz", "Content-Type: text/plain", "Accept: */*"));
                case 6 -> {
                    for (int i = 0; i < 200; i++) {
                        headers.add("X-Many-" + i + ": " + i);
                    }
                }
                case 7 -> chunked = !chunked;
                case 8 -> lineEnd = pick(random, "\n", "\r", "\n\r");
                case 9 -> {
                    int authorization = headers.indexOf("Authorization: Tecton-key " + gateway.writerKey);
                    if (badKeys < MAX_BAD_KEYS && authorization >= 0) {
                        badKeys++;
                        headers.set(authorization, pick(random, "Authorization: Tecton-key nope", "Authorization: Basic Zm9vOmJhcg==", "Authorization:"));
                    }
                }
                case 10 -> pipelined = ("POST /api/v1/events HTTP/1.1\r\nHost: h\r\nAuthorization: Tecton-key " + gateway.writerKey
                        + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.UTF_8);
                case 11 -> headers.add("Transfer-Encoding: chunked"); // alongside Content-Length: request smuggling's classic
                default -> {
                    // applied below, to the finished bytes
                }
            }
            mutations.add("mutation " + which);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((method + " " + target + " " + version + lineEnd).getBytes(StandardCharsets.UTF_8));
        boolean hasLength = headers.stream().anyMatch(header -> header.toLowerCase().startsWith("content-length"));
        for (String header : headers) {
            out.writeBytes((header + lineEnd).getBytes(StandardCharsets.UTF_8));
        }
        if (chunked) {
            out.writeBytes(("Transfer-Encoding: chunked" + lineEnd + lineEnd).getBytes(StandardCharsets.US_ASCII));
            writeChunks(out, body, random);
        } else {
            if (!hasLength) {
                out.writeBytes(("Content-Length: " + body.length + lineEnd).getBytes(StandardCharsets.US_ASCII));
            }
            out.writeBytes(lineEnd.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(body);
        }
        out.writeBytes(pipelined);
        byte[] request = out.toByteArray();
        if (mutations.contains("mutation 12") || mutations.contains("mutation 13")) {
            request = random.nextBoolean()
                    ? Arrays.copyOf(request, random.nextInt(request.length + 1))
                    : flip(request, random);
        }
        return request;
    }

    private static void writeChunks(ByteArrayOutputStream out, byte[] body, SplittableRandom random) {
        int at = 0;
        while (at < body.length) {
            int size = Math.min(body.length - at, 1 + random.nextInt(4096));
            String sizeLine = random.nextInt(30) == 0
                    ? pick(random, "zz", "-1", "FFFFFFFFFFFFFFFF", Integer.toHexString(size + 5), Integer.toHexString(size) + ";ext=1")
                    : Integer.toHexString(size);
            out.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, size);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            at += size;
        }
        out.writeBytes((random.nextInt(20) == 0 ? "0\r\nX-Trailer: t\r\n\r\n" : "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] flip(byte[] request, SplittableRandom random) {
        byte[] copy = request.clone();
        for (int i = 1 + random.nextInt(4); i > 0 && copy.length > 0; i--) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    @SafeVarargs
    private static <T> T pick(SplittableRandom random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 400); i++) {
            int b = bytes[i] & 0xff;
            out.append(b >= 0x20 && b < 0x7f ? Character.toString(b) : b == '\r' ? "\\r" : b == '\n' ? "\\n" : String.format("\\x%02x", b));
        }
        return out.toString();
    }

    /** One HTTP/1.x response read off the wire. */
    private record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name);
        }

        /** Every response in {@code bytes}: interim ones, pipelined ones; a cut-off last one is dropped. */
        static List<Response> parseAll(byte[] bytes) {
            List<Response> responses = new ArrayList<>();
            int at = 0;
            while (at < bytes.length) {
                int headEnd = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), at);
                if (headEnd < 0) {
                    break;
                }
                String[] lines = new String(bytes, at, headEnd - at, StandardCharsets.ISO_8859_1).split("\r\n");
                // Vert.x echoes the request's version token, whatever it was ("HTTP/2.0", "HT\xb8P/1.1"),
                // so only the status code is checked.
                String[] statusLine = lines[0].split(" ", 3);
                if (statusLine.length < 2 || !statusLine[1].matches("[1-5][0-9][0-9]")) {
                    throw new AssertionError("not an HTTP response: " + lines[0]);
                }
                int status = Integer.parseInt(statusLine[1]);
                Map<String, String> headers = new TreeMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
                    }
                }
                at = headEnd + 4;
                int length = status < 200 || status == 204 || status == 304 ? 0
                        : headers.containsKey("content-length") ? Integer.parseInt(headers.get("content-length")) : bytes.length - at;
                if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                    length = bytes.length - at; // not used by the gateway; keep the rest as the body
                }
                if (at + length > bytes.length) {
                    break;
                }
                responses.add(new Response(status, headers, new String(bytes, at, length, StandardCharsets.UTF_8)));
                at += length;
            }
            return responses;
        }

        private static int indexOf(byte[] bytes, byte[] needle, int from) {
            outer:
            for (int i = from; i <= bytes.length - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (bytes[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
