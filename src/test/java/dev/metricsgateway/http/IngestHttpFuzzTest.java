package dev.metricsgateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.ingest.BodyFormat;
import dev.metricsgateway.ingest.FuzzInputs;
import dev.metricsgateway.ingest.FuzzOracle;
import dev.metricsgateway.testing.HttpReply;
import dev.metricsgateway.testing.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test of {@code POST /api/v1/events} through real HTTP: the bodies of
 * {@link FuzzInputs} sent with both content types, gzip or not (also corrupt gzip and gzip
 * bombs), with and without {@code Idempotency-Key}, and now and then with the wrong content type,
 * encoding, size or key. For every request:
 * <ul>
 *   <li>the answer is never a 5xx, and it is the one {@link FuzzOracle} predicts: 202 with
 *       {@code accepted} = the number of events and {@code late} = those before the window, or
 *       400 with {@code details}, or 401/403/409/413/415 for the envelope's faults;
 *   <li>a request that applied nothing changed nothing: the scrape is byte for byte the same and
 *       {@code metrics_gateway_events_accepted_total} still equals the sum over the 202s
 *       ({@link FuzzLedger}).
 * </ul>
 * Every {@value #EPOCH_REQUESTS} requests the clock jumps past the series TTL, so long runs also
 * cross expiry and the compared scrape stays small. At the end the scrape, in both formats, still
 * parses with promtool and the Prometheus Python client. CI runs {@value #CI_COUNT} requests of seed {@link FuzzInputs#DEFAULT_SEED};
 * {@code -Dfuzz.count=100000} is the long run (see {@code bench/FUZZ.md}).
 */
@ExtendWith(VertxExtension.class)
class IngestHttpFuzzTest {

    static final int CI_COUNT = 500;
    static final int MAX_BODY_BYTES = 1 << 20;
    static final int MAX_DECOMPRESSED_BYTES = 4 << 20;
    static final Map<String, String> SETTINGS = Map.of(
            "METRICS_GATEWAY_MAX_BODY_BYTES", Integer.toString(MAX_BODY_BYTES),
            "METRICS_GATEWAY_MAX_DECOMPRESSED_BYTES", Integer.toString(MAX_DECOMPRESSED_BYTES));
    private static final long SKEW_MILLIS = 60_000;
    /**
     * Every this many requests (by index) the gateway's clock jumps {@link #EPOCH_MILLIS} ahead: every
     * series passes its TTL and leaves, every idempotency key expires, and the scrape the ledger
     * compares stays small however long the run.
     */
    static final int EPOCH_REQUESTS = 1_000;
    static final long EPOCH_MILLIS = 11 * 60_000;
    private static final long WINDOW_SECONDS = 300;
    /**
     * Requests with a bad key are capped well below the authentication-failure throttle's budget
     * (20 per window), which never refills on the test's frozen clock.
     */
    private static final int MAX_BAD_KEYS = 8;
    private static final int MAX_FAILURES_LISTED = 10;
    private static final String[] IDEMPOTENCY_KEYS = {"batch-1", "batch-2", "batch-3", "spark-micro-batch-17", "k", "x".repeat(255)};

    @TempDir
    Path dataDir;

    @TempDir
    Path scratch;

    private final Map<String, Applied> appliedKeys = new HashMap<>();
    private int badKeys;

    /** What an idempotency key's first batch was and got. */
    private record Applied(byte[] sha256, int accepted, int late) {
    }

    /** One request as sent, and what must come back. */
    private record Request(Map<String, String> headers, byte[] sent, Expected expected, String describe) {
    }

    /**
     * The answer the request must get (one status of the list); {@code accepted}/{@code late} for a
     * 202, -1 if unknown.
     */
    private record Expected(List<Integer> statuses, int accepted, int late, boolean replay, String idempotencyKey, byte[] sha256) {
        static Expected status(int status) {
            return new Expected(List.of(status), -1, -1, false, null, null);
        }
    }

    @Test
    void hostileRequestsNeverGet5xxAndARejectedBatchChangesNothing(Vertx vertx) throws Exception {
        long seed = FuzzInputs.seed();
        int count = FuzzInputs.count(CI_COUNT);
        long from = Long.getLong("fuzz.from", 0);
        Map<String, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        try (TestGateway gateway = TestGateway.start(vertx, dataDir, SETTINGS)) {
            long epoch = from / EPOCH_REQUESTS;
            gateway.clock.setMillis(TestGateway.START_MILLIS + epoch * EPOCH_MILLIS);
            FuzzLedger ledger = new FuzzLedger(gateway);
            FuzzInputs.Input previousInput = null;
            long previousEnvelope = 0;
            boolean previousAppliedUnderKey = false;
            for (long index = from; index < from + count; index++) {
                if (index / EPOCH_REQUESTS != epoch) {
                    epoch = index / EPOCH_REQUESTS;
                    gateway.clock.setMillis(TestGateway.START_MILLIS + epoch * EPOCH_MILLIS);
                    appliedKeys.clear();
                    previousInput = null;
                    ledger.resync();
                }
                long nowMillis = gateway.clock.millis();
                long envelope = seed * 0x9E3779B97F4A7C15L + index ^ 0x5DEECE66DL;
                FuzzInputs.Input input;
                int retry = new SplittableRandom(envelope).nextInt(20);
                // A batch applied under an Idempotency-Key is always retried once (a replay, whose path
                // the CI run must exercise whatever the decoder accepts); any other now and then.
                if (previousInput != null && (retry == 0 || previousAppliedUnderKey)) {
                    input = previousInput; // a retry: the same request again (a replay when it carries an applied Idempotency-Key)
                    envelope = previousEnvelope;
                } else {
                    input = FuzzInputs.input(seed, index, nowMillis, FuzzInputs.Profile.HTTP);
                }
                previousInput = input;
                previousEnvelope = envelope;
                Request request = request(input, new SplittableRandom(envelope ^ 0x2545F4914F6CDD1DL), gateway, nowMillis);
                HttpReply reply = gateway.call(HttpMethod.POST, "/api/v1/events", request.headers(), Buffer.buffer(request.sent()));
                statuses.merge(reply.status() + (reply.header(IngestHandler.IDEMPOTENT_REPLAYED) != null ? " replayed" : ""), 1, Integer::sum);
                previousAppliedUnderKey = reply.status() == 202 && request.headers().containsKey(IngestHandler.IDEMPOTENCY_KEY)
                        && reply.header(IngestHandler.IDEMPOTENT_REPLAYED) == null;
                String problem = check(reply, request.expected(), ledger);
                if (count > CI_COUNT && (index - from + 1) % (count / 10) == 0) {
                    System.out.printf("HTTP fuzz: %d of %d requests, %.0f s, %d failures%n",
                            index - from + 1, count, (System.nanoTime() - started) / 1e9, failures.size());
                }
                if (problem != null) {
                    FuzzInputs.save("http", seed, index, input);
                    if (failures.size() < MAX_FAILURES_LISTED) {
                        failures.add(String.format("request %d (%s, %s): %s%n  reproduce: -Dfuzz.seed=%d -Dfuzz.from=%d -Dfuzz.count=1",
                                index, input.kind(), request.describe(), problem, seed, index));
                    } else {
                        failures.add("...");
                        break;
                    }
                }
            }
            ledger.assertCounter("at the end");
            assertThat(gateway.get("/healthz", Map.of()).status()).isEqualTo(200);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("HTTP fuzz: %d requests from index %d, seed %d, %.1f s, %d failures; %d events accepted; answers %s%n",
                    count, from, seed, seconds, failures.size(), ledger.acceptedEvents(), statuses);
            assertThat(failures).as("HTTP fuzz, seed %d", seed).isEmpty();
            if (count >= CI_COUNT) {
                assertThat(statuses.keySet()).as("every path is exercised").contains("202", "202 replayed", "400", "409", "413", "415");
            }
            FuzzLedger.assertConsumersParse(gateway, scratch);
        }
    }

    /** The problem with this answer, or null; updates the ledger either way. */
    private String check(HttpReply reply, Expected expected, FuzzLedger ledger) throws Exception {
        int status = reply.status();
        if (status >= 500) {
            ledger.unchanged();
            return "answered " + status + ": " + reply.text();
        }
        boolean replayed = "true".equals(reply.header(IngestHandler.IDEMPOTENT_REPLAYED));
        if (status == 202 && !replayed) {
            int accepted = reply.json().getInteger("accepted");
            int late = reply.json().getInteger("late");
            ledger.applied(accepted);
            if (expected.idempotencyKey() != null) {
                appliedKeys.put(expected.idempotencyKey(), new Applied(expected.sha256(), accepted, late));
            }
        } else {
            String changed = ledger.unchanged();
            if (changed != null) {
                return "answered " + status + " but " + changed;
            }
        }
        if (status == 429 && expected.statuses().contains(401)) {
            return null; // the authentication-failure throttle, should it be tighter than MAX_BAD_KEYS
        }
        if (!expected.statuses().contains(status)) {
            return "answered " + status + ", expected " + expected.statuses() + ": " + excerpt(reply.text());
        }
        if (status == 202) {
            if (replayed != expected.replay()) {
                return replayed ? "replayed a batch never applied under its key" : "applied again a batch already applied under its key";
            }
            int accepted = reply.json().getInteger("accepted");
            int late = reply.json().getInteger("late");
            if (expected.accepted() >= 0 && (accepted != expected.accepted() || late != expected.late())) {
                return "answered " + reply.text() + ", expected accepted " + expected.accepted() + ", late " + expected.late();
            }
        } else if (status == 400) {
            if (reply.json().getJsonArray("details") == null || reply.json().getJsonArray("details").isEmpty()) {
                return "400 without details: " + excerpt(reply.text());
            }
        } else if (status == 429 && reply.header("Retry-After") == null) {
            return "429 without Retry-After";
        }
        return null;
    }

    /** Dresses {@code input} as a request: content type, encoding, key, idempotency key, some of them wrong. */
    private Request request(FuzzInputs.Input input, SplittableRandom random, TestGateway gateway, long nowMillis) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        Expected envelopeFault = null;

        int auth = random.nextInt(400);
        if (auth < 3 && badKeys < MAX_BAD_KEYS) {
            badKeys++;
            String[] bad = {null, "Tecton-key not-a-key", "Bearer " + gateway.writerKey};
            String header = bad[auth];
            if (header != null) {
                headers.put("Authorization", header);
            }
            notes.add("bad key");
            envelopeFault = Expected.status(401);
        } else if (auth == 3) {
            headers.put("Authorization", "Tecton-key " + gateway.readerKey);
            notes.add("reader key");
            envelopeFault = Expected.status(403);
        } else {
            headers.put("Authorization", (random.nextBoolean() ? "Tecton-key " : "tecton-KEY ") + gateway.writerKey);
        }

        BodyFormat format = input.format();
        int type = random.nextInt(100);
        String contentType;
        if (type < 85) {
            contentType = contentType(format, random);
        } else if (type < 92) {
            format = format == BodyFormat.NDJSON ? BodyFormat.JSON_ARRAY : BodyFormat.NDJSON; // the body is read as the header says
            contentType = contentType(format, random);
        } else {
            contentType = new String[] {"text/plain", "application/xml", "", "application/jsonl", "application/x-ndjson-seq",
                "multipart/form-data; boundary=x", "application/json-patch+json"}[random.nextInt(7)];
            if (envelopeFault == null) {
                envelopeFault = Expected.status(415);
            }
        }
        if (!contentType.isEmpty() || random.nextBoolean()) {
            headers.put("Content-Type", contentType);
        }
        notes.add("Content-Type: " + contentType);

        byte[] body = input.body();
        byte[] sent = body;
        int encoding = random.nextInt(100);
        if (encoding < 12) {
            headers.put("Content-Encoding", random.nextBoolean() ? "gzip" : "GZIP");
            sent = gzip(body);
            notes.add("gzip");
        } else if (encoding < 14) {
            headers.put("Content-Encoding", "gzip");
            sent = corrupt(gzip(body), random);
            notes.add("corrupt gzip");
        } else if (encoding < 16) {
            headers.put("Content-Encoding", "gzip");
            body = new byte[MAX_DECOMPRESSED_BYTES + 1 + random.nextInt(1000)];
            Arrays.fill(body, (byte) '\n');
            sent = gzip(body);
            notes.add("gzip bomb");
        } else if (encoding < 19) {
            headers.put("Content-Encoding", new String[] {"br", "deflate", "gzip, br", "x-gzip", "compress"}[random.nextInt(5)]);
            notes.add("unsupported encoding " + headers.get("Content-Encoding"));
            if (envelopeFault == null) {
                envelopeFault = Expected.status(415);
            }
        } else if (encoding < 26) {
            headers.put("Content-Encoding", "identity");
        }

        String idempotencyKey = null;
        int keyRoll = random.nextInt(100);
        if (keyRoll < 6) {
            idempotencyKey = IDEMPOTENCY_KEYS[random.nextInt(IDEMPOTENCY_KEYS.length)];
        } else if (keyRoll < 7) {
            idempotencyKey = new String[] {"", " ", "has space", "x".repeat(256), "tab\tkey"}[random.nextInt(5)];
        }
        if (idempotencyKey != null) {
            headers.put(IngestHandler.IDEMPOTENCY_KEY, idempotencyKey);
            notes.add("Idempotency-Key: " + (idempotencyKey.length() > 20 ? idempotencyKey.length() + " characters" : "\"" + idempotencyKey + "\""));
        }
        String describe = String.join(", ", notes) + ", " + sent.length + " bytes";

        if (envelopeFault != null) {
            return new Request(headers, sent, envelopeFault, describe);
        }
        if (sent.length > MAX_BODY_BYTES) {
            return new Request(headers, sent, Expected.status(413), describe);
        }
        if ("gzip".equalsIgnoreCase(headers.get("Content-Encoding"))) {
            try {
                body = gunzip(sent);
            } catch (IOException e) {
                return new Request(headers, sent, Expected.status("too large".equals(e.getMessage()) ? 413 : 400), describe);
            }
        }
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 255
                || !idempotencyKey.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            return new Request(headers, sent, Expected.status(400), describe);
        }
        byte[] sha256 = sha256(body);
        if (idempotencyKey != null && appliedKeys.containsKey(idempotencyKey)) {
            Applied first = appliedKeys.get(idempotencyKey);
            return new Request(headers, sent, Arrays.equals(first.sha256(), sha256)
                    ? new Expected(List.of(202), first.accepted(), first.late(), true, null, null)
                    : Expected.status(409), describe);
        }
        FuzzOracle.Verdict verdict = FuzzOracle.judge(body, format, nowMillis, SKEW_MILLIS);
        if (!verdict.valid()) {
            return new Request(headers, sent, Expected.status(400), describe + "; oracle: " + verdict.reason());
        }
        long windowStartSecond = Math.floorDiv(nowMillis, 1000) - WINDOW_SECONDS;
        int late = (int) verdict.events().stream().filter(event -> Math.floorDiv(event.timeMillis(), 1000) <= windowStartSecond).count();
        return new Request(headers, sent, new Expected(List.of(202), verdict.events().size(), late, false, idempotencyKey, sha256), describe);
    }

    private static String contentType(BodyFormat format, SplittableRandom random) {
        String[] choices = format == BodyFormat.NDJSON
                ? new String[] {"application/x-ndjson", "application/ndjson", "Application/X-NDJSON; charset=utf-8", "application/x-ndjson ;q=1"}
                : new String[] {"application/json", "application/json; charset=UTF-8", "APPLICATION/JSON"};
        return choices[random.nextInt(choices.length)];
    }

    static byte[] gzip(byte[] body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }
        return out.toByteArray();
    }

    private static byte[] corrupt(byte[] gzip, SplittableRandom random) {
        return switch (random.nextInt(3)) {
            case 0 -> Arrays.copyOf(gzip, Math.max(0, gzip.length - 1 - random.nextInt(12))); // trailer cut
            case 1 -> {
                byte[] copy = gzip.clone();
                copy[random.nextInt(2)] ^= 0x55; // magic
                yield copy;
            }
            default -> {
                byte[] copy = gzip.clone();
                copy[gzip.length - 8] ^= 0x01; // CRC
                yield copy;
            }
        };
    }

    /** Our own gunzip, to predict the gateway's: throws "too large" beyond the limit. */
    private static byte[] gunzip(byte[] compressed) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            byte[] out = in.readNBytes(MAX_DECOMPRESSED_BYTES + 1);
            if (out.length > MAX_DECOMPRESSED_BYTES) {
                throw new IOException("too large");
            }
            in.transferTo(ByteArrayOutputStream.nullOutputStream()); // reach the trailer: its CRC is checked there
            return out;
        }
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String excerpt(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
