package dev.metricsgateway.it;

import static dev.metricsgateway.it.GatewayClient.SCRAPE;
import static dev.metricsgateway.it.GatewayClient.SERVICE_ACCOUNTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key rotation with overlap, revocation and expiry against a running {@code serve} of the
 * packaged jar, driven by the CLI as separate processes and by the admin HTTP API. The contract
 * gives the server 5 s to pick up each change without a restart.
 */
class KeyRotationIT {

    private static final Duration PICK_UP_BOUND = Duration.ofSeconds(5);
    private static final String ADMIN_KEY = "bootstrap-admin-key-for-the-key-rotation-it-0123456789";
    private static final Pattern CREATE_OUTPUT = Pattern.compile("API Key: (\\S+)\nService Account ID: (\\S+)");
    private static final Pattern ROTATE_OUTPUT = Pattern.compile("API Key: (\\S+)\nKey ID: (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    private Path dataDir() {
        return workDir.resolve("data");
    }

    private GatewayClient serve() {
        JarProcess gateway = children.start(workDir, Map.of("METRICS_GATEWAY_BOOTSTRAP_KEY", ADMIN_KEY),
                "serve", "--port", "0", "--data-dir", dataDir().toString());
        return new GatewayClient(gateway.awaitListening());
    }

    private JarProcesses.Completed cli(String... args) {
        String[] withDataDir = new String[args.length + 3];
        withDataDir[0] = "service-account";
        System.arraycopy(args, 0, withDataDir, 1, args.length);
        withDataDir[args.length + 1] = "--data-dir";
        withDataDir[args.length + 2] = dataDir().toString();
        return children.run(workDir, Map.of(), withDataDir);
    }

    private static Matcher expectOutput(JarProcesses.Completed run, Pattern pattern) {
        assertThat(run.exitCode()).as(run.describe()).isZero();
        Matcher matcher = pattern.matcher(run.stdout());
        assertThat(matcher.matches()).as(run.describe()).isTrue();
        return matcher;
    }

    /** Asks until {@code status} answers {@code expected}, for at most {@code bound} (the server's pick-up is only observable so). */
    private static void awaitStatus(IntSupplier status, int expected, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        int last = status.getAsInt();
        while (last != expected) {
            if (System.nanoTime() - deadline >= 0) {
                fail("status %d, expected %d within %s", last, expected, bound);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            last = status.getAsInt();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.header("Authorization", "Tecton-key " + ADMIN_KEY).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aKeyRotatedWithTheCliOverlapsWithTheOldOneUntilItIsRevoked() {
        GatewayClient client = serve();
        Matcher created = expectOutput(cli("create", "--name", "scraper", "--role", "metrics-reader"), CREATE_OUTPUT);
        String oldKey = created.group(1);
        String id = created.group(2);
        awaitStatus(() -> client.status(SCRAPE, oldKey), 200, PICK_UP_BOUND);

        Matcher rotated = expectOutput(cli("rotate", "--id", id), ROTATE_OUTPUT);
        String newKey = rotated.group(1);

        awaitStatus(() -> client.status(SCRAPE, newKey), 200, PICK_UP_BOUND);
        assertThat(client.status(SCRAPE, oldKey)).as("the old key works until revoked").isEqualTo(200);

        JarProcesses.Completed refused = cli("rotate", "--id", id);
        assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
        assertThat(refused.stderr()).contains("already holds 2 keys").contains("revoke-key");
        assertThat(refused.stdout()).doesNotContain("API Key");

        JarProcesses.Completed list = cli("list");
        String oldKeyId = list.stdout().lines().filter(line -> line.contains(id)).findFirst().orElseThrow().split("\\s+")[4];
        assertThat(list.stdout()).contains(rotated.group(2)).doesNotContain(oldKey).doesNotContain(newKey);

        JarProcesses.Completed revoked = cli("revoke-key", "--id", id, "--key-id", oldKeyId);
        assertThat(revoked.exitCode()).as(revoked.describe()).isZero();

        awaitStatus(() -> client.status(SCRAPE, oldKey), 401, PICK_UP_BOUND);
        assertThat(client.status(SCRAPE, newKey)).isEqualTo(200);
    }

    @Test
    void theAdminApiRotatesAndRevokesKeysOnARunningServer() {
        GatewayClient client = serve();
        HttpResponse<String> created = send(HttpRequest.newBuilder(client.base().resolve(SERVICE_ACCOUNTS))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"scraper\", \"roles\": [\"metrics-reader\"]}")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json(created).get("id").asText();
        String oldKey = json(created).get("api_key").asText();
        String oldKeyId = json(created).get("key_id").asText();
        assertThat(client.status(SCRAPE, oldKey)).as("a key created through the API works at once").isEqualTo(200);

        HttpResponse<String> rotated = send(HttpRequest.newBuilder(client.base().resolve(SERVICE_ACCOUNTS + "/" + id + "/keys"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"expires_in\": \"30d\"}")));
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        String newKey = json(rotated).get("api_key").asText();
        assertThat(json(rotated).get("expires_at").asText()).isNotBlank();
        assertThat(client.status(SCRAPE, newKey)).isEqualTo(200);
        assertThat(client.status(SCRAPE, oldKey)).isEqualTo(200);

        HttpResponse<String> third = send(HttpRequest.newBuilder(client.base().resolve(SERVICE_ACCOUNTS + "/" + id + "/keys"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(third.statusCode()).as(third.body()).isEqualTo(409);

        HttpResponse<String> revoked = send(HttpRequest.newBuilder(
                client.base().resolve(SERVICE_ACCOUNTS + "/" + id + "/keys/" + oldKeyId)).DELETE());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
        assertThat(client.status(SCRAPE, oldKey)).as("revoked through the API: at once").isEqualTo(401);
        assertThat(client.status(SCRAPE, newKey)).isEqualTo(200);
    }

    @Test
    void aKeyStopsWorkingWhenItExpires() {
        GatewayClient client = serve();
        Matcher created = expectOutput(cli("create", "--name", "temporary", "--role", "metrics-reader", "--expires-in", "5s"),
                CREATE_OUTPUT);
        String key = created.group(1);

        // The server picks the account up within a second or two, well before the key expires.
        awaitStatus(() -> client.status(SCRAPE, key), 200, Duration.ofSeconds(4));
        awaitStatus(() -> client.status(SCRAPE, key), 401, Duration.ofSeconds(10));
    }
}
