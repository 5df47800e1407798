package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} refuses to start on bad input: exit code 2 and one line on stderr,
 * {@code metrics-gateway: cannot start: <file>: <entry>: <problem>}, before anything listens or
 * any key is printed; a damaged service-account store is reported and never rewritten.
 */
class ServeStartupErrorsIT {

    private static final String CANNOT_START = "metrics-gateway: cannot start: ";

    /** A well-formed metric whose only fault is its name: scrapers reject '-' in metric names. */
    private static final String BAD_NAME_CATALOG = """
            metrics:
              bad-name:
                type: gauge
                stage: GA
                help: Requests per second, under a name no scraper accepts.
                event_type: feature_request
                labels: [aws_region]
                aggregation: rate
            """;

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

    private JarProcesses.Completed serve(Map<String, String> environment, String... extraArgs) {
        String[] args = new String[5 + extraArgs.length];
        args[0] = "serve";
        args[1] = "--port";
        args[2] = "0";
        args[3] = "--data-dir";
        args[4] = dataDir().toString();
        System.arraycopy(extraArgs, 0, args, 5, extraArgs.length);
        return children.run(workDir, environment, args);
    }

    private Path write(String fileName, String content) throws IOException {
        return Files.writeString(workDir.resolve(fileName), content);
    }

    private static void assertRefusedBeforeListening(JarProcesses.Completed run) {
        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr()).as(run.describe()).startsWith(CANNOT_START);
        assertThat(run.stdout()).as(run.describe()).doesNotContain("listening on").doesNotContain("API Key");
    }

    @Test
    void aUserCatalogWithABadMetricNameStopsTheStartNamingFileEntryAndProblem() throws IOException {
        Path catalog = write("user.yaml", BAD_NAME_CATALOG);
        Path config = write("gateway.yaml", "catalog: " + catalog + "\n");

        JarProcesses.Completed run = serve(Map.of(), "--config", config.toString());

        assertRefusedBeforeListening(run);
        assertThat(run.stderr())
                .contains(catalog.toString())
                .contains("metrics.bad-name")
                .contains("\"bad-name\" does not match [a-zA-Z_][a-zA-Z0-9_]*");
        assertThat(dataDir().resolve("service-accounts.json")).as("no bootstrap account for a refused start").doesNotExist();
    }

    @Test
    void aUserCatalogNamedByTheEnvironmentIsCheckedTheSameWay() throws IOException {
        Path catalog = write("user.yaml", BAD_NAME_CATALOG);

        JarProcesses.Completed run = serve(Map.of("METRICS_GATEWAY_CATALOG", catalog.toString()));

        assertRefusedBeforeListening(run);
        assertThat(run.stderr()).contains(catalog.toString()).contains("metrics.bad-name");
    }

    @Test
    void aMissingUserCatalogStopsTheStartNamingTheFile() throws IOException {
        Path missing = workDir.resolve("no-such-catalog.yaml");
        Path config = write("gateway.yaml", "catalog: " + missing + "\n");

        JarProcesses.Completed run = serve(Map.of(), "--config", config.toString());

        assertRefusedBeforeListening(run);
        assertThat(run.stderr()).contains(missing.toString());
    }

    @Test
    void anUnknownConfigKeyStopsTheStartNamingTheKeyAndTheFile() throws IOException {
        Path config = write("gateway.yaml", "port: 0\ncolour: blue\n");

        JarProcesses.Completed run = serve(Map.of(), "--config", config.toString());

        assertRefusedBeforeListening(run);
        assertThat(run.stderr()).contains(config.toString()).contains("colour");
    }

    @Test
    void aBadValueInTheEnvironmentStopsTheStartNamingTheVariable() {
        JarProcesses.Completed run = serve(Map.of("METRICS_GATEWAY_WINDOW_SECONDS", "five minutes"));

        assertRefusedBeforeListening(run);
        assertThat(run.stderr()).contains("window_seconds").contains("METRICS_GATEWAY_WINDOW_SECONDS").contains("five minutes");
    }

    @Test
    void aCorruptServiceAccountStoreStopsTheStartAndIsLeftByteForByteUnchanged() throws IOException {
        Files.createDirectories(dataDir());
        Path store = dataDir().resolve("service-accounts.json");
        byte[] corrupt = "{\"version\": 1, \"service_accounts\": [ {\"id\": \"a\", ".getBytes(StandardCharsets.UTF_8);
        Files.write(store, corrupt);

        JarProcesses.Completed run = serve(Map.of());

        assertThat(run.exitCode()).as(run.describe()).isNotZero();
        assertThat(run.stderr()).contains(store.toString());
        assertThat(run.stdout()).doesNotContain("listening on").doesNotContain("API Key");
        assertThat(Files.readAllBytes(store)).isEqualTo(corrupt);
    }

    @Test
    void anUnreadableServiceAccountStoreStopsTheStartAndIsLeftAsItIs() throws IOException {
        // A directory where the file belongs: unreadable even for root, who ignores file modes.
        Path store = dataDir().resolve("service-accounts.json");
        Path inside = Files.createDirectories(store).resolve("kept");
        Files.writeString(inside, "whatever was there");

        JarProcesses.Completed run = serve(Map.of());

        assertRefusedBeforeListening(run);
        assertThat(run.stderr()).contains(store.toString()).contains("cannot read the service-account store");
        assertThat(inside).hasContent("whatever was there");
    }
}
