package dev.metricsgateway.it;

import static dev.metricsgateway.it.GatewayClient.SCRAPE;
import static dev.metricsgateway.it.GatewayClient.UTILIZATION_EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code service-account create|list|delete} as separate processes on the data dir of a running
 * {@code serve}: the contract gives the server 5 s to pick up each change without a restart.
 */
class ServiceAccountCliIT {

    /** The contract's bound for a CLI change to take effect in a running server. */
    private static final Duration PICK_UP_BOUND = Duration.ofSeconds(5);

    private static final Pattern CREATE_OUTPUT = Pattern.compile(
            "API Key: (\\S+)\nService Account ID: (\\S+)");
    private static final Pattern LOWER_HEX_64 = Pattern.compile("[0-9a-f]{64}");

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

    private GatewayClient serve() {
        JarProcess gateway = children.start(workDir, Map.of(), "serve", "--port", "0", "--data-dir", dataDir().toString());
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

    /** Creates an account with the CLI and returns its key (group 1) and id (group 2). */
    private Matcher create(String name, String... roles) {
        String[] args = new String[3 + 2 * roles.length];
        args[0] = "create";
        args[1] = "--name";
        args[2] = name;
        for (int i = 0; i < roles.length; i++) {
            args[3 + 2 * i] = "--role";
            args[4 + 2 * i] = roles[i];
        }
        JarProcesses.Completed run = cli(args);
        assertThat(run.exitCode()).as(run.describe()).isZero();
        Matcher matcher = CREATE_OUTPUT.matcher(run.stdout());
        assertThat(matcher.matches()).as(run.describe()).isTrue();
        return matcher;
    }

    /**
     * Asks until {@code status} answers {@code expected}, for at most {@code bound}. The server
     * picks the CLI's change up on its own schedule, which only repeated requests can observe
     * from outside; the short pause between them is the only timed wait in these tests.
     */
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

    private static String sha256Hex(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAccountCreatedWhileTheServerRunsAuthenticatesWithinFiveSeconds() {
        GatewayClient client = serve();

        Matcher created = create("scraper", "metrics-reader");
        String key = created.group(1);

        awaitStatus(() -> client.status(SCRAPE, key), 200, PICK_UP_BOUND);
        HttpResponse<String> ingest = client.postEvents(key, UTILIZATION_EVENT + "\n");
        assertThat(ingest.statusCode()).as("a metrics-reader may not ingest: " + ingest.body()).isEqualTo(403);
    }

    @Test
    void anAccountDeletedWhileTheServerRunsIsRevokedWithinFiveSeconds() {
        GatewayClient client = serve();
        Matcher created = create("writer", "event-writer");
        String key = created.group(1);
        awaitStatus(() -> client.postEvents(key, UTILIZATION_EVENT + "\n").statusCode(), 202, PICK_UP_BOUND);

        JarProcesses.Completed deleted = cli("delete", "--id", created.group(2));

        assertThat(deleted.exitCode()).as(deleted.describe()).isZero();
        awaitStatus(() -> client.postEvents(key, UTILIZATION_EVENT + "\n").statusCode(), 401, PICK_UP_BOUND);
    }

    @Test
    void theCreatedKeyIsStoredOnlyAsItsHash() throws IOException {
        String key = create("scraper", "metrics-reader").group(1);

        String store = Files.readString(dataDir().resolve("service-accounts.json"));

        assertThat(store).doesNotContain(key).contains(sha256Hex(key));
    }

    @Test
    void listShowsTheAccountWithoutAnyKeyOrHash() {
        GatewayClient client = serve();
        Matcher created = create("scraper", "metrics-reader", "event-writer");
        String key = created.group(1);
        awaitStatus(() -> client.status(SCRAPE, key), 200, PICK_UP_BOUND);

        JarProcesses.Completed list = cli("list");

        assertThat(list.exitCode()).as(list.describe()).isZero();
        List<String> row = list.stdout().lines().filter(line -> line.contains(created.group(2))).toList();
        assertThat(row).as(list.stdout()).hasSize(1);
        assertThat(row.get(0)).contains("scraper").contains("metrics-reader").contains("event-writer");
        assertThat(list.stdout()).as("the bootstrap admin is listed too").contains("admin");
        assertThat(list.stdout() + list.stderr())
                .doesNotContain(key)
                .doesNotContain(sha256Hex(key))
                .doesNotContainPattern(LOWER_HEX_64);
    }

    @Test
    void theDataDirComesFromTheEnvironmentWhenNoFlagIsGiven() {
        Path elsewhere = workDir.resolve("from-env");

        JarProcesses.Completed run = children.run(workDir, Map.of("METRICS_GATEWAY_DATA_DIR", elsewhere.toString()),
                "service-account", "create", "--name", "scraper", "--role", "metrics-reader");

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(elsewhere.resolve("service-accounts.json")).exists();
        assertThat(dataDir()).doesNotExist();
    }

    @Test
    void deletingAnUnknownIdFailsAndNamesTheId() {
        create("scraper", "metrics-reader");

        JarProcesses.Completed deleted = cli("delete", "--id", "0123456789abcdef0123456789abcdef");

        assertThat(deleted.exitCode()).as(deleted.describe()).isNotZero();
        assertThat(deleted.stderr()).contains("0123456789abcdef0123456789abcdef");
    }

    @Test
    void anUnknownRoleIsAUsageErrorThatListsTheValidRoles() {
        JarProcesses.Completed run = cli("create", "--name", "scraper", "--role", "superuser");

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr()).contains("superuser").contains("admin").contains("event-writer").contains("metrics-reader");
        assertThat(dataDir().resolve("service-accounts.json")).doesNotExist();
    }

    @Test
    void theCliRefusesACorruptStoreNamesItAndLeavesItUntouched() throws IOException {
        Files.createDirectories(dataDir());
        Path store = dataDir().resolve("service-accounts.json");
        byte[] corrupt = "{\"version\": 1, \"service_accounts\": [ {\"id\": ".getBytes(StandardCharsets.UTF_8);
        Files.write(store, corrupt);

        JarProcesses.Completed list = cli("list");
        JarProcesses.Completed create = cli("create", "--name", "scraper", "--role", "metrics-reader");

        assertThat(list.exitCode()).as(list.describe()).isNotZero();
        assertThat(list.stderr()).contains(store.toString());
        assertThat(create.exitCode()).as(create.describe()).isNotZero();
        assertThat(create.stderr()).contains(store.toString());
        assertThat(create.stdout()).doesNotContain("API Key");
        assertThat(Files.readAllBytes(store)).isEqualTo(corrupt);
    }
}
