package dev.metricsgateway.it;

import static dev.metricsgateway.it.GatewayClient.SCRAPE;
import static dev.metricsgateway.it.GatewayClient.SERVICE_ACCOUNTS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateways from the packaged jar, clustered on loopback ({@code serve --cluster}), against
 * a fourth, single gateway fed the same events (the oracle): every member serves the oracle's
 * scrape; a member killed with SIGKILL takes none of its counts with it; restarted, it rejoins
 * and serves the same global view without counting its old state twice.
 *
 * <p>Membership changes are asynchronous (Hazelcast notices a dead member by its heartbeats):
 * the test polls for them with a deadline. No wait is for a window: every event is well inside
 * the 300 s window.
 */
class ClusterIT {

    private static final String KEY = "cluster-it-key-0123456789abcdef0123456789abcdef";
    /** Utilization samples count for an hour: the test never crosses the instance TTL between two scrapes it compares. */
    private static final String INSTANCE_TTL_SECONDS = "3600";
    private static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(40);
    /** The contract: a service account works within 5 s, cluster-wide too. */
    private static final Duration ACCOUNT_PROPAGATION = Duration.ofSeconds(5);
    /** How long after the first attempt's answer its result may take to reach the other members. */
    private static final Duration REPLAY_PROPAGATION = Duration.ofSeconds(5);
    /** {@code name{labels} value [timestamp]} of the text format. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{.*\\})?) (\\S+)(?: \\S+)?$");

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();
    private final int[] clusterPorts = new int[3];
    private final int[] busPorts = new int[3];

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    @Test
    void threeMembersServeOneGatewaysScrapeLoseNothingToAKillAndTakeTheMemberBack() {
        for (int i = 0; i < 3; i++) {
            clusterPorts[i] = freePort();
            busPorts[i] = freePort();
        }
        GatewayClient oracle = new GatewayClient(children.start(workDir, Map.of("METRICS_GATEWAY_BOOTSTRAP_KEY", KEY,
                        "METRICS_GATEWAY_INSTANCE_TTL_SECONDS", INSTANCE_TTL_SECONDS),
                "serve", "--port", "0", "--data-dir", workDir.resolve("oracle").toString()).awaitListening());
        // The first member forms the cluster alone; the two others join it at once.
        List<GatewayClient> members = new ArrayList<>(List.of(new GatewayClient(member(0).awaitListening())));
        JarProcess second = member(1);
        JarProcess third = member(2);
        members.add(new GatewayClient(second.awaitListening()));
        members.add(new GatewayClient(third.awaitListening()));

        Random random = new Random(6);
        for (int batch = 0; batch < 60; batch++) {
            String ndjson = batch(random);
            assertThat(members.get(batch % 3).postEvents(KEY, ndjson).statusCode()).isEqualTo(202);
            assertThat(oracle.postEvents(KEY, ndjson).statusCode()).isEqualTo(202);
        }

        // A retry that the load balancer sends to another member is recognized there, not applied again.
        String retried = batch(random);
        assertThat(members.get(0).postEvents(KEY, retried, "spark-batch-7").statusCode()).isEqualTo(202);
        assertThat(oracle.postEvents(KEY, retried).statusCode()).isEqualTo(202);
        for (GatewayClient other : members.subList(1, 3)) {
            long replayDeadline = System.nanoTime() + REPLAY_PROPAGATION.toNanos();
            HttpResponse<String> retry = other.postEvents(KEY, retried, "spark-batch-7");
            while (retry.statusCode() == 409 && retry.headers().firstValue("Retry-After").isPresent()) {
                // the first member records the batch's result in the cluster just after it answers
                assertThat(System.nanoTime()).as("the retry is answered within %s", REPLAY_PROPAGATION).isLessThan(replayDeadline);
                pause();
                retry = other.postEvents(KEY, retried, "spark-batch-7");
            }
            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).as("a replay on %s", other.base()).contains("true");
        }
        assertThat(members.get(1).postEvents(KEY, batch(random), "spark-batch-7").statusCode()).as("the same key, another batch")
                .isEqualTo(409);

        Map<String, Double> expected = catalogSamples(oracle);
        assertThat(expected).containsKey("feature_service_total_latency_count");
        for (GatewayClient member : members) {
            assertSameSamples(catalogSamples(member), expected, member);
        }

        // A service account created through one member's API works on every member within 5 s.
        HttpResponse<String> created = post(java.net.http.HttpRequest.newBuilder(members.get(0).base().resolve(SERVICE_ACCOUNTS))
                .header("Authorization", "Tecton-key " + KEY).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"scraper\",\"roles\":[\"metrics-reader\"]}")).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String readerKey = new io.vertx.core.json.JsonObject(created.body()).getString("api_key");
        long accountDeadline = System.nanoTime() + ACCOUNT_PROPAGATION.toNanos();
        for (GatewayClient member : members) {
            while (member.status(SCRAPE, readerKey) != 200) {
                assertThat(System.nanoTime()).as("the new key works on %s within %s", member.base(), ACCOUNT_PROPAGATION)
                        .isLessThan(accountDeadline);
                pause();
            }
        }

        third.destroyForcibly(); // kill -9
        members.remove(2);
        long deadline = System.nanoTime() + MEMBERSHIP_TIMEOUT.toNanos();
        while (ownMetric(members.get(0), "metrics_gateway_cluster_states_absorbed_total")
                + ownMetric(members.get(1), "metrics_gateway_cluster_states_absorbed_total") < 1) {
            assertThat(System.nanoTime()).as("a survivor absorbs the killed member's state within %s", MEMBERSHIP_TIMEOUT)
                    .isLessThan(deadline);
            for (GatewayClient survivor : members) {
                // Meanwhile every scrape still answers, and no cumulative count is below what was served.
                assertSameSamples(catalogSamples(survivor), expected, survivor);
            }
        }
        for (GatewayClient survivor : members) {
            assertSameSamples(catalogSamples(survivor), expected, survivor);
        }

        GatewayClient back = new GatewayClient(member(2).awaitListening());
        members.add(back);
        for (GatewayClient member : members) {
            assertSameSamples(catalogSamples(member), expected, member);
        }
        String more = batch(random);
        assertThat(back.postEvents(KEY, more).statusCode()).isEqualTo(202);
        assertThat(oracle.postEvents(KEY, more).statusCode()).isEqualTo(202);
        Map<String, Double> expectedAfter = catalogSamples(oracle);
        for (GatewayClient member : members) {
            assertSameSamples(catalogSamples(member), expectedAfter, member);
        }
    }

    @Test
    void aMemberWithAnotherWindowIsRefusedWithAClearError() {
        clusterPorts[0] = freePort();
        busPorts[0] = freePort();
        clusterPorts[1] = freePort();
        busPorts[1] = freePort();
        member(0).awaitListening();

        Map<String, String> environment = new HashMap<>(memberEnvironment(1));
        environment.put("METRICS_GATEWAY_WINDOW_SECONDS", "120");
        JarProcesses.Completed refused = children.run(workDir, environment,
                "serve", "--cluster", "--port", "0", "--data-dir", workDir.resolve("member-1").toString());

        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(2);
        assertThat(refused.stderr()).as(refused.describe())
                .contains("metrics-gateway: cannot start: refused by the cluster: member ")
                .contains("every member must run the same catalog and window_seconds");
    }

    private JarProcess member(int index) {
        return children.start(workDir, memberEnvironment(index),
                "serve", "--cluster", "--port", "0", "--data-dir", workDir.resolve("member-" + index).toString());
    }

    private Map<String, String> memberEnvironment(int index) {
        String members = java.util.stream.IntStream.of(clusterPorts).filter(port -> port != 0)
                .mapToObj(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
        return Map.of(
                "METRICS_GATEWAY_BOOTSTRAP_KEY", KEY,
                "METRICS_GATEWAY_CLUSTER_MEMBERS", members,
                "METRICS_GATEWAY_CLUSTER_PORT", Integer.toString(clusterPorts[index]),
                "METRICS_GATEWAY_CLUSTER_BUS_PORT", Integer.toString(busPorts[index]),
                "METRICS_GATEWAY_CLUSTER_PUBLISH_INTERVAL_SECONDS", "1",
                "METRICS_GATEWAY_CHECKPOINT_INTERVAL_SECONDS", "1",
                "METRICS_GATEWAY_INSTANCE_TTL_SECONDS", INSTANCE_TTL_SECONDS);
    }

    /** 20 events of four types over a few series, latencies spread over three decades. */
    private static String batch(Random random) {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String region = random.nextBoolean() ? "us-west-2" : "eu-west-1";
            switch (random.nextInt(4)) {
                case 0 -> ndjson.append("{\"type\":\"feature_request\",\"aws_region\":\"").append(region)
                        .append("\",\"feature_service_id\":\"fs-").append(random.nextInt(3))
                        .append("\",\"feature_service_name\":\"svc\",\"latency_seconds\":").append(random.nextInt(100_000) / 1e5)
                        .append(",\"status\":").append(random.nextInt(10) == 0 ? 503 : 200).append("}\n");
                case 1 -> ndjson.append("{\"type\":\"server_utilization\",\"aws_region\":\"").append(region)
                        .append("\",\"instance\":\"i-").append(random.nextInt(4)).append("\",\"utilization_percent\":")
                        .append(random.nextInt(100)).append("}\n");
                case 2 -> ndjson.append("{\"type\":\"ingest_request\",\"aws_region\":\"").append(region)
                        .append("\",\"latency_seconds\":").append(random.nextInt(100_000) / 1e4).append(",\"status\":")
                        .append(random.nextInt(5) == 0 ? 429 : 200).append(",\"writes\":[{\"workspace\":\"prod\",\"feature_view_name\":\"fv\","
                                + "\"feature_view_id\":\"fv-1\",\"online_rows\":").append(random.nextInt(50))
                        .append(",\"offline_rows\":").append(random.nextInt(50)).append("}]}\n");
                default -> ndjson.append("{\"type\":\"feature_request\",\"aws_region\":\"").append(region)
                        .append("\",\"feature_service_id\":\"fs-9\",\"feature_service_name\":\"other\",\"latency_seconds\":")
                        .append(random.nextInt(1000) / 1e3).append(",\"status\":200}\n");
            }
        }
        return ndjson.toString();
    }

    /** Every sample of a scrape by series, without its timestamp. */
    private static Map<String, Double> catalogSamples(GatewayClient gateway) {
        HttpResponse<String> scrape = gateway.get(SCRAPE, KEY);
        assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
        return samples(scrape.body());
    }

    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line);
            assertThat(matcher.matches()).as(line).isTrue();
            samples.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        return samples;
    }

    private static double ownMetric(GatewayClient gateway, String name) {
        HttpResponse<String> own = gateway.get("/metrics", KEY);
        assertThat(own.statusCode()).isEqualTo(200);
        return samples(own.body()).getOrDefault(name, 0.0);
    }

    /**
     * The same series with the same values: counts exactly; sums, rates, ratios and quantiles up
     * to the rounding of adding doubles in another order (quantiles come from histograms that
     * merge exactly).
     */
    private static void assertSameSamples(Map<String, Double> actual, Map<String, Double> expected, GatewayClient member) {
        assertThat(actual.keySet()).as("series served by %s", member.base()).isEqualTo(expected.keySet());
        expected.forEach((series, value) -> {
            if (series.contains("_count")) {
                assertThat(actual.get(series)).as("%s on %s", series, member.base()).isEqualTo(value);
            } else if (value.isNaN()) {
                assertThat(actual.get(series)).as("%s on %s", series, member.base()).isNaN();
            } else {
                assertThat(actual.get(series)).as("%s on %s", series, member.base())
                        .isCloseTo(value, org.assertj.core.data.Offset.offset(Math.abs(value) * 1e-9 + 1e-12));
            }
        });
    }

    private static HttpResponse<String> post(java.net.http.HttpRequest request) {
        try {
            return java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Between two polls of an asynchronous cluster change (never a wait for a window). */
    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
