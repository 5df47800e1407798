package dev.metricsgateway.it;

import static dev.metricsgateway.it.GatewayClient.SCRAPE;
import static dev.metricsgateway.it.GatewayClient.SERVICE_ACCOUNTS;
import static dev.metricsgateway.it.GatewayClient.UTILIZATION_EVENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} from the packaged jar: the bootstrap admin account of an empty data dir, with a
 * generated key or the one from {@code METRICS_GATEWAY_BOOTSTRAP_KEY}.
 */
class ServeCommandIT {

    private static final Pattern BOOTSTRAP_LINE = Pattern.compile("Bootstrap admin API Key: (\\S+)");
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    private Path dataDir() {
        return workDir.resolve("data");
    }

    private JarProcess serve(Map<String, String> environment) {
        return children.start(workDir, environment, "serve", "--port", "0", "--data-dir", dataDir().toString());
    }

    private static List<String> keyLines(List<String> lines) {
        return lines.stream().filter(line -> line.contains("API Key")).toList();
    }

    private static String bootstrapKey(JarProcess gateway) {
        List<String> keyLines = keyLines(gateway.stdoutLinesSoFar());
        assertThat(keyLines).as(gateway.transcripts()).hasSize(1);
        Matcher matcher = BOOTSTRAP_LINE.matcher(keyLines.get(0));
        assertThat(matcher.matches()).as(keyLines.get(0)).isTrue();
        return matcher.group(1);
    }

    @Test
    void anEmptyDataDirPrintsTheBootstrapKeyOnceAndASecondStartPrintsNone() {
        JarProcess first = serve(Map.of());
        first.awaitListening();
        String key = bootstrapKey(first);
        first.terminate();
        assertThat(first.awaitExit(EXIT_TIMEOUT)).as(first.transcripts()).isZero();
        assertThat(keyLines(List.of(first.stdoutAfterExit().split("\n")))).hasSize(1);
        assertThat(first.stderrAfterExit()).doesNotContain(key);

        JarProcess second = serve(Map.of());
        GatewayClient client = new GatewayClient(second.awaitListening());

        assertThat(keyLines(second.stdoutLinesSoFar())).as(second.transcripts()).isEmpty();
        assertThat(second.stdoutLinesSoFar()).noneMatch(line -> line.contains(key));
        assertThat(client.status(SERVICE_ACCOUNTS, key)).as("the first start's key still works").isEqualTo(200);
    }

    @Test
    void theBootstrapKeyCanScrapeIngestAndListServiceAccounts() {
        JarProcess gateway = serve(Map.of());
        GatewayClient client = new GatewayClient(gateway.awaitListening());
        String key = bootstrapKey(gateway);

        HttpResponse<String> ingest = client.postEvents(key, UTILIZATION_EVENT + "\n");
        HttpResponse<String> scrape = client.get(SCRAPE, key);
        HttpResponse<String> accounts = client.get(SERVICE_ACCOUNTS, key);

        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(202);
        assertThat(ingest.body()).contains("\"accepted\":1");
        assertThat(scrape.statusCode()).as(scrape.body()).isEqualTo(200);
        assertThat(scrape.body()).contains("feature_server_utilization{aws_region=\"us-east-1\"} 42");
        assertThat(accounts.statusCode()).as(accounts.body()).isEqualTo(200);
        assertThat(accounts.body()).contains("\"name\":\"admin\"").contains("\"roles\":[\"admin\"]").doesNotContain(key);
    }

    @Test
    void requestsWithoutTheKeyAreTurnedAwayWithAChallenge() {
        JarProcess gateway = serve(Map.of());
        GatewayClient client = new GatewayClient(gateway.awaitListening());

        HttpResponse<String> scrape = client.get(SCRAPE, null);

        assertThat(scrape.statusCode()).isEqualTo(401);
        assertThat(scrape.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWithIgnoringCase("Tecton-key"));
        assertThat(client.status("/healthz", null)).isEqualTo(200);
        assertThat(client.status("/readyz", null)).isEqualTo(200);
    }

    @Test
    void theBootstrapKeyFromTheEnvironmentIsTheAdminKeyAndIsNeverPrinted() throws IOException {
        String key = "it-bootstrap-" + UUID.randomUUID().toString().replace("-", "");
        JarProcess gateway = serve(Map.of("METRICS_GATEWAY_BOOTSTRAP_KEY", key));
        GatewayClient client = new GatewayClient(gateway.awaitListening());

        assertThat(client.status(SERVICE_ACCOUNTS, key)).isEqualTo(200);
        assertThat(client.postEvents(key, UTILIZATION_EVENT + "\n").statusCode()).isEqualTo(202);
        assertThat(client.status(SCRAPE, key)).isEqualTo(200);
        assertThat(client.status(SCRAPE, key + "x")).as("only that exact key").isEqualTo(401);

        gateway.terminate();
        assertThat(gateway.awaitExit(EXIT_TIMEOUT)).as(gateway.transcripts()).isZero();
        assertThat(gateway.stdoutAfterExit()).doesNotContain(key).doesNotContain("API Key:");
        assertThat(gateway.stderrAfterExit()).doesNotContain(key);
        assertThat(Files.readString(dataDir().resolve("service-accounts.json"))).doesNotContain(key);
    }

    @Test
    void aBootstrapKeyShorterThan32CharactersStopsTheStartWithoutEchoingIt() {
        String key = "too-short-0123456789";

        JarProcesses.Completed run = children.run(workDir, Map.of("METRICS_GATEWAY_BOOTSTRAP_KEY", key),
                "serve", "--port", "0", "--data-dir", dataDir().toString());

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("metrics-gateway: cannot start: ").contains("32");
        assertThat(run.stdout() + run.stderr()).doesNotContain(key).doesNotContain("listening on");
        assertThat(dataDir().resolve("service-accounts.json")).doesNotExist();
    }

    @Test
    void twoServersStartedAtOnceOnAnEmptyDataDirCreateOneAdmin() {
        JarProcess first = serve(Map.of());
        JarProcess second = serve(Map.of());
        GatewayClient firstClient = new GatewayClient(first.awaitListening());
        second.awaitListening();

        List<String> keyLines = new ArrayList<>(keyLines(first.stdoutLinesSoFar()));
        keyLines.addAll(keyLines(second.stdoutLinesSoFar()));
        assertThat(keyLines).as(first.transcripts() + "\n" + second.transcripts()).hasSize(1);
        Matcher matcher = BOOTSTRAP_LINE.matcher(keyLines.get(0));
        assertThat(matcher.matches()).isTrue();
        HttpResponse<String> accounts = firstClient.get(SERVICE_ACCOUNTS, matcher.group(1));
        assertThat(accounts.statusCode()).isEqualTo(200);
        assertThat(accounts.body().split("\"id\"", -1)).as(accounts.body()).hasSize(2);
    }

    @Test
    void presentedKeysNeverAppearInTheOutput() {
        JarProcess gateway = serve(Map.of());
        GatewayClient client = new GatewayClient(gateway.awaitListening());
        String key = bootstrapKey(gateway);
        String unknownKey = "unknown-" + UUID.randomUUID();

        assertThat(client.status(SCRAPE, key)).isEqualTo(200);
        assertThat(client.status(SCRAPE, unknownKey)).isEqualTo(401);
        assertThat(client.postEvents(unknownKey, UTILIZATION_EVENT + "\n").statusCode()).isEqualTo(401);
        assertThat(client.postEvents(key, "{\"type\":\"no_such_type\"}\n").statusCode()).isEqualTo(400);
        gateway.terminate();

        assertThat(gateway.awaitExit(EXIT_TIMEOUT)).as(gateway.transcripts()).isZero();
        assertThat(gateway.stderrAfterExit()).doesNotContain(key).doesNotContain(unknownKey);
        assertThat(gateway.stdoutAfterExit().replace("Bootstrap admin API Key: " + key, ""))
                .as("the key is printed once, at bootstrap, and nowhere else")
                .doesNotContain(key).doesNotContain(unknownKey);
    }

    @Test
    void portAndDataDirComeFromTheEnvironmentWhenNoFlagIsGiven() {
        Path elsewhere = workDir.resolve("from-env");
        JarProcess gateway = children.start(workDir,
                Map.of("METRICS_GATEWAY_PORT", "0", "METRICS_GATEWAY_DATA_DIR", elsewhere.toString()), "serve");

        URI base = gateway.awaitListening();

        assertThat(base.getPort()).isPositive();
        assertThat(elsewhere.resolve("service-accounts.json")).exists();
        assertThat(dataDir()).doesNotExist();
    }

    @Test
    void portAndDataDirComeFromTheConfigFileAndFlagsWin() throws IOException {
        Path fromFile = workDir.resolve("from-file");
        Path config = Files.writeString(workDir.resolve("gateway.yaml"),
                "port: 1\ndata_dir: " + fromFile + "\n");
        JarProcess gateway = children.start(workDir, Map.of(), "serve", "--config", config.toString(), "--port", "0");

        URI base = gateway.awaitListening();

        assertThat(base.getPort()).as("--port 0 wins over the file's port 1").isNotEqualTo(1);
        assertThat(fromFile.resolve("service-accounts.json")).exists();
    }

    @Test
    void aPortAlreadyInUseStopsTheStartWithOneLineNamingThePort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());

            JarProcesses.Completed run = children.run(workDir, Map.of(),
                    "serve", "--port", port, "--data-dir", dataDir().toString());

            assertThat(run.exitCode()).as(run.describe()).isNotZero();
            assertThat(run.stderr()).as(run.describe())
                    .startsWith("metrics-gateway: cannot start: ")
                    .contains(port)
                    .doesNotContain("\tat ");
            assertThat(run.stderr().lines()).as("one line, no stack trace").hasSize(1);
        }
    }

    @Test
    void theListeningLineNamesTheLoopbackHostAndTheChosenPort() {
        JarProcess gateway = serve(Map.of());

        URI base = gateway.awaitListening();

        assertThat(base.getHost()).isEqualTo("127.0.0.1");
        assertThat(base.getPort()).isPositive();
        assertThat(new GatewayClient(base).status("/healthz", null)).isEqualTo(200);
    }
}
