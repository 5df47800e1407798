package dev.metricsgateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The configuration: a default for every key, precedence default &lt; YAML file &lt; environment
 * &lt; flags, the {@code METRICS_GATEWAY_*} variables, errors that name the key and where the bad
 * value came from, and a bootstrap key that never shows in {@code toString()}.
 */
class ConfigLoaderTest {

    private static final Function<String, String> NO_ENV = name -> null;
    private static final Map<ConfigKey, String> NO_FLAGS = Map.of();

    /** A valid value other than the default for every key, and how to read it back from the config. */
    private static final Map<ConfigKey, Map.Entry<String, Function<GatewayConfig, Object>>> OTHER_VALUES = otherValues();

    private static Map<ConfigKey, Map.Entry<String, Function<GatewayConfig, Object>>> otherValues() {
        Map<ConfigKey, Map.Entry<String, Function<GatewayConfig, Object>>> values = new EnumMap<>(ConfigKey.class);
        values.put(ConfigKey.HOST, Map.entry("0.0.0.0", GatewayConfig::host));
        values.put(ConfigKey.PORT, Map.entry("9464", GatewayConfig::port));
        values.put(ConfigKey.TLS_CERT_FILE, Map.entry("/etc/gw/tls.crt", c -> String.valueOf(c.tlsCertFile())));
        values.put(ConfigKey.TLS_KEY_FILE, Map.entry("/etc/gw/tls.key", c -> String.valueOf(c.tlsKeyFile())));
        values.put(ConfigKey.DATA_DIR, Map.entry("/var/lib/metrics-gateway", c -> c.dataDir().toString()));
        values.put(ConfigKey.CHECKPOINT_INTERVAL_SECONDS, Map.entry("30", GatewayConfig::checkpointIntervalSeconds));
        values.put(ConfigKey.WINDOW_SECONDS, Map.entry("120", GatewayConfig::windowSeconds));
        values.put(ConfigKey.SERIES_TTL_SECONDS, Map.entry("900", GatewayConfig::seriesTtlSeconds));
        values.put(ConfigKey.INSTANCE_TTL_SECONDS, Map.entry("30", GatewayConfig::instanceTtlSeconds));
        values.put(ConfigKey.MAX_FUTURE_SKEW_SECONDS, Map.entry("5", GatewayConfig::maxFutureSkewSeconds));
        values.put(ConfigKey.TIMESTAMPS, Map.entry("false", GatewayConfig::timestamps));
        values.put(ConfigKey.MAX_BODY_BYTES, Map.entry("1048576", GatewayConfig::maxBodyBytes));
        values.put(ConfigKey.MAX_DECOMPRESSED_BYTES, Map.entry("2097152", GatewayConfig::maxDecompressedBytes));
        values.put(ConfigKey.MAX_INFLIGHT_INGEST_REQUESTS, Map.entry("16", GatewayConfig::maxInflightIngestRequests));
        values.put(ConfigKey.IDLE_TIMEOUT_SECONDS, Map.entry("90", GatewayConfig::idleTimeoutSeconds));
        values.put(ConfigKey.REQUEST_TIMEOUT_SECONDS, Map.entry("15", GatewayConfig::requestTimeoutSeconds));
        values.put(ConfigKey.MAX_SERIES_PER_METRIC, Map.entry("5000", GatewayConfig::maxSeriesPerMetric));
        values.put(ConfigKey.MAX_SERIES_TOTAL, Map.entry("20000", GatewayConfig::maxSeriesTotal));
        values.put(ConfigKey.IDEMPOTENCY_WINDOW_SECONDS, Map.entry("120", GatewayConfig::idempotencyWindowSeconds));
        values.put(ConfigKey.MAX_IDEMPOTENCY_KEYS, Map.entry("500", GatewayConfig::maxIdempotencyKeys));
        values.put(ConfigKey.CATALOG, Map.entry("/etc/metrics-gateway/catalog.yaml", c -> String.valueOf(c.catalog())));
        values.put(ConfigKey.SHUTDOWN_DRAIN_SECONDS, Map.entry("7", GatewayConfig::shutdownDrainSeconds));
        values.put(ConfigKey.SHUTDOWN_TIMEOUT_SECONDS, Map.entry("10", GatewayConfig::shutdownTimeoutSeconds));
        values.put(ConfigKey.EVENT_LOOPS, Map.entry("4", GatewayConfig::eventLoops));
        values.put(ConfigKey.AUTH_FAILURE_LIMIT, Map.entry("5", GatewayConfig::authFailureLimit));
        values.put(ConfigKey.AUTH_FAILURE_WINDOW_SECONDS, Map.entry("300", GatewayConfig::authFailureWindowSeconds));
        values.put(ConfigKey.AUTH_FAILURE_MAX_ADDRESSES, Map.entry("1000", GatewayConfig::authFailureMaxAddresses));
        values.put(ConfigKey.MAX_EVENTS_PER_BATCH, Map.entry("5000", GatewayConfig::maxEventsPerBatch));
        values.put(ConfigKey.MAX_CONNECTIONS, Map.entry("64", GatewayConfig::maxConnections));
        values.put(ConfigKey.MAX_EVENT_LOOP_LAG_MILLIS, Map.entry("500", GatewayConfig::maxEventLoopLagMillis));
        values.put(ConfigKey.CLUSTER, Map.entry("true", c -> c.cluster().enabled()));
        values.put(ConfigKey.CLUSTER_HOST, Map.entry("10.0.0.7", c -> c.cluster().host()));
        values.put(ConfigKey.CLUSTER_PORT, Map.entry("6701", c -> c.cluster().port()));
        values.put(ConfigKey.CLUSTER_BUS_PORT, Map.entry("6702", c -> c.cluster().busPort()));
        values.put(ConfigKey.CLUSTER_MEMBERS, Map.entry("gw-0.gw:5701,gw-1.gw:5701", c -> String.join(",", c.cluster().members())));
        values.put(ConfigKey.CLUSTER_MULTICAST, Map.entry("true", c -> c.cluster().multicast()));
        values.put(ConfigKey.CLUSTER_NAME, Map.entry("prod-gateways", c -> c.cluster().name()));
        values.put(ConfigKey.CLUSTER_NODE_NAME, Map.entry("gw-2", c -> c.cluster().nodeName()));
        values.put(ConfigKey.CLUSTER_PUBLISH_INTERVAL_SECONDS, Map.entry("2", c -> c.cluster().publishIntervalSeconds()));
        values.put(ConfigKey.CLUSTER_SCRAPE_TIMEOUT_MILLIS, Map.entry("1500", c -> c.cluster().scrapeTimeoutMillis()));
        return values;
    }

    @TempDir
    Path dir;

    private Path yaml(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static Function<String, String> env(Map<String, String> variables) {
        return variables::get;
    }

    private static Object read(ConfigKey key, GatewayConfig config) {
        return String.valueOf(OTHER_VALUES.get(key).getValue().apply(config));
    }

    // Defaults

    @Test
    void withNothingSetEveryKeyHasTheContractsDefault() {
        GatewayConfig config = ConfigLoader.load(null, NO_ENV, NO_FLAGS);

        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.windowSeconds()).isEqualTo(300);
        assertThat(config.seriesTtlSeconds()).isEqualTo(600);
        assertThat(config.instanceTtlSeconds()).isEqualTo(60);
        assertThat(config.maxFutureSkewSeconds()).isEqualTo(60);
        assertThat(config.timestamps()).isTrue();
        assertThat(config.maxBodyBytes()).isEqualTo(8L * 1024 * 1024).isEqualTo(8_388_608);
        assertThat(config.maxDecompressedBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(config.maxInflightIngestRequests()).isEqualTo(256);
        assertThat(config.catalog()).isNull();
        assertThat(config.shutdownTimeoutSeconds()).isEqualTo(30);
        assertThat(config.eventLoops()).isZero();
        assertThat(config.bootstrapKey()).isNull();
    }

    @ParameterizedTest
    @EnumSource(ConfigKey.class)
    void theLoadedDefaultIsTheKeysDeclaredDefault(ConfigKey key) {
        GatewayConfig config = ConfigLoader.load(null, NO_ENV, NO_FLAGS);

        boolean unsetPath = key == ConfigKey.CATALOG || key == ConfigKey.TLS_CERT_FILE || key == ConfigKey.TLS_KEY_FILE;
        String expected = unsetPath ? "null" : key.defaultValue();
        assertThat(read(key, config)).as(key.name()).isEqualTo(key == ConfigKey.DATA_DIR ? Path.of(expected).toString() : expected);
    }

    @Test
    void everyKeyHasAValidOtherValueInThisTest() {
        assertThat(OTHER_VALUES.keySet()).containsExactlyInAnyOrder(ConfigKey.values());
        OTHER_VALUES.forEach((key, value) -> assertThat(value.getKey()).as(key.name()).isNotEqualTo(key.defaultValue()));
    }

    // Where each key is read

    @ParameterizedTest
    @EnumSource(ConfigKey.class)
    void everyKeysEnvironmentVariableIsThePrefixAndItsYamlKeyInUpperCase(ConfigKey key) {
        assertThat(key.environmentVariable())
                .isEqualTo("METRICS_GATEWAY_" + key.yamlKey().toUpperCase(Locale.ROOT))
                .matches("METRICS_GATEWAY_[A-Z0-9_]+");
    }

    @Test
    void theContractsNamedVariablesAreThoseOfPortAndDataDir() {
        assertThat(ConfigKey.PORT.environmentVariable()).isEqualTo("METRICS_GATEWAY_PORT");
        assertThat(ConfigKey.DATA_DIR.environmentVariable()).isEqualTo("METRICS_GATEWAY_DATA_DIR");
        assertThat(ConfigLoader.CONFIG_FILE_ENV).isEqualTo("METRICS_GATEWAY_CONFIG");
        assertThat(ConfigLoader.BOOTSTRAP_KEY_ENV).isEqualTo("METRICS_GATEWAY_BOOTSTRAP_KEY");
    }

    @ParameterizedTest
    @EnumSource(ConfigKey.class)
    void everyKeyIsReadFromItsEnvironmentVariable(ConfigKey key) {
        String value = OTHER_VALUES.get(key).getKey();

        Map<String, String> env = new HashMap<>();
        env.put(key.environmentVariable(), value);
        companion(key).ifPresent(other -> env.put(other.environmentVariable(), OTHER_VALUES.get(other).getKey()));

        GatewayConfig config = ConfigLoader.load(null, env(env), NO_FLAGS);

        assertThat(read(key, config)).as(key.environmentVariable()).isEqualTo(value);
    }

    @ParameterizedTest
    @EnumSource(ConfigKey.class)
    void everyKeyIsReadFromTheYamlFile(ConfigKey key) throws IOException {
        String value = OTHER_VALUES.get(key).getKey();
        String companionLine = companion(key).map(other -> other.yamlKey() + ": \"" + OTHER_VALUES.get(other).getKey() + "\"\n").orElse("");
        Path file = yaml("gateway.yaml", key.yamlKey() + ": \"" + value + "\"\n" + companionLine);

        GatewayConfig config = ConfigLoader.load(file, NO_ENV, NO_FLAGS);

        assertThat(read(key, config)).as(key.yamlKey()).isEqualTo(value);
    }

    @ParameterizedTest
    @EnumSource(ConfigKey.class)
    void everyKeyIsReadFromAFlag(ConfigKey key) {
        String value = OTHER_VALUES.get(key).getKey();

        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        flags.put(key, value);
        companion(key).ifPresent(other -> flags.put(other, OTHER_VALUES.get(other).getKey()));

        GatewayConfig config = ConfigLoader.load(null, NO_ENV, flags);

        assertThat(read(key, config)).as(key.name()).isEqualTo(value);
    }

    /** The key that must be set together with {@code key}: the TLS certificate and its private key. */
    private static Optional<ConfigKey> companion(ConfigKey key) {
        return switch (key) {
            case TLS_CERT_FILE -> Optional.of(ConfigKey.TLS_KEY_FILE);
            case TLS_KEY_FILE -> Optional.of(ConfigKey.TLS_CERT_FILE);
            default -> Optional.empty();
        };
    }

    @Test
    void aTlsCertificateWithoutItsKeyIsRefusedNamingBoth() {
        assertThatThrownBy(() -> ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_TLS_CERT_FILE", "/etc/gw/tls.crt")), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tls_key_file")
                .hasMessageContaining("tls_cert_file (environment variable METRICS_GATEWAY_TLS_CERT_FILE)");
    }

    @Test
    void yamlValuesMayBeWrittenAsNativeNumbersAndBooleans() throws IOException {
        Path file = yaml("gateway.yaml", """
                port: 9090
                window_seconds: 60
                series_ttl_seconds: 120
                timestamps: false
                """);

        GatewayConfig config = ConfigLoader.load(file, NO_ENV, NO_FLAGS);

        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.windowSeconds()).isEqualTo(60);
        assertThat(config.seriesTtlSeconds()).isEqualTo(120);
        assertThat(config.timestamps()).isFalse();
    }

    @Test
    void anEmptyYamlFileChangesNothing() throws IOException {
        Path file = yaml("empty.yaml", "");

        assertThat(ConfigLoader.load(file, NO_ENV, NO_FLAGS)).isEqualTo(ConfigLoader.load(null, NO_ENV, NO_FLAGS));
    }

    // Precedence

    @Test
    void theFileOverridesDefaultsTheEnvironmentOverridesTheFileAndFlagsOverrideTheEnvironment() throws IOException {
        Path file = yaml("gateway.yaml", """
                host: 0.0.0.0
                port: 9001
                data_dir: /from/file
                window_seconds: 120
                """);
        Function<String, String> env = env(Map.of(
                "METRICS_GATEWAY_PORT", "9002",
                "METRICS_GATEWAY_DATA_DIR", "/from/env",
                "METRICS_GATEWAY_INSTANCE_TTL_SECONDS", "45"));
        Map<ConfigKey, String> flags = Map.of(ConfigKey.DATA_DIR, "/from/flag");

        GatewayConfig config = ConfigLoader.load(file, env, flags);

        assertThat(config.seriesTtlSeconds()).as("default").isEqualTo(600);
        assertThat(config.host()).as("file over default").isEqualTo("0.0.0.0");
        assertThat(config.windowSeconds()).as("file over default").isEqualTo(120);
        assertThat(config.port()).as("environment over file").isEqualTo(9002);
        assertThat(config.instanceTtlSeconds()).as("environment over default").isEqualTo(45);
        assertThat(config.dataDir()).as("flag over environment over file").isEqualTo(Path.of("/from/flag"));
    }

    @Test
    void aFlagOverridesTheFileWhenTheEnvironmentIsSilent() throws IOException {
        Path file = yaml("gateway.yaml", "port: 9001\n");

        assertThat(ConfigLoader.load(file, NO_ENV, Map.of(ConfigKey.PORT, "9003")).port()).isEqualTo(9003);
    }

    @Test
    void aNullFlagIsNoFlag() {
        Map<ConfigKey, String> flags = new HashMap<>();
        flags.put(ConfigKey.PORT, null);

        assertThat(ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_PORT", "9002")), flags).port()).isEqualTo(9002);
    }

    // The config file's name

    @Test
    void theConfigVariableNamesTheFileWhenNoConfigFlagIsGiven() throws IOException {
        Path file = yaml("from-env.yaml", "port: 9004\n");

        GatewayConfig config = ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_CONFIG", file.toString())), NO_FLAGS);

        assertThat(config.port()).isEqualTo(9004);
    }

    @Test
    void theConfigFlagWinsOverTheConfigVariable() throws IOException {
        Path fromFlag = yaml("from-flag.yaml", "port: 9005\n");
        Path fromEnv = yaml("from-env.yaml", "port: 9004\n");

        GatewayConfig config = ConfigLoader.load(fromFlag, env(Map.of("METRICS_GATEWAY_CONFIG", fromEnv.toString())), NO_FLAGS);

        assertThat(config.port()).isEqualTo(9005);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void aBlankConfigVariableNamesNoFile(String blank) {
        GatewayConfig config = ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_CONFIG", blank)), NO_FLAGS);

        assertThat(config).isEqualTo(ConfigLoader.load(null, NO_ENV, NO_FLAGS));
    }

    // Cluster settings

    @Test
    void theClusterMemberListIsSplitOnCommasAndTrimmed() {
        GatewayConfig config = ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_CLUSTER_MEMBERS", " gw-0.gw:5701 , gw-1.gw,, ")), NO_FLAGS);

        assertThat(config.cluster().members()).containsExactly("gw-0.gw:5701", "gw-1.gw");
    }

    @Test
    void aMembersNameDefaultsToItsClusterAddress() {
        GatewayConfig config = ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_CLUSTER_HOST", "10.0.0.7")), NO_FLAGS);

        assertThat(config.cluster().memberName()).isEqualTo("10.0.0.7:5701");
    }

    @Test
    void multicastAndAMemberListAreRefusedTogether() {
        assertThatThrownBy(() -> ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_CLUSTER_MULTICAST", "true",
                "METRICS_GATEWAY_CLUSTER_MEMBERS", "10.0.0.8")), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster_multicast (environment variable METRICS_GATEWAY_CLUSTER_MULTICAST)")
                .hasMessageContaining("cluster_members");
    }

    @Test
    void aWildcardClusterHostIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_CLUSTER_HOST", "0.0.0.0")), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster_host")
                .hasMessageContaining("not 0.0.0.0");
    }

    @Test
    void theEventBusCannotShareHazelcastsPort() {
        assertThatThrownBy(() -> ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_CLUSTER_BUS_PORT", "5701")), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cluster_bus_port")
                .hasMessageContaining("must differ from cluster_port");
    }

    // Errors name the key and the source

    @Test
    void aNonIntegerPortFromTheEnvironmentNamesTheKeyAndTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_PORT", "eighty")), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("port")
                .hasMessageContaining("METRICS_GATEWAY_PORT")
                .hasMessageContaining("\"eighty\" is not an integer");
    }

    @Test
    void aNonIntegerPortFromTheFileNamesTheKeyAndTheFile() throws IOException {
        Path file = yaml("gateway.yaml", "port: 80.5\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV, NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("port")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("80.5");
    }

    @Test
    void port70000FromTheFileNamesTheKeyTheFileAndTheRange() throws IOException {
        Path file = yaml("gateway.yaml", "port: 70000\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV, NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("port (" + file + "): 70000 must be between 0 and 65535");
    }

    @Test
    void port70000FromTheEnvironmentNamesTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_PORT", "70000")), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessage("port (environment variable METRICS_GATEWAY_PORT): 70000 must be between 0 and 65535");
    }

    @Test
    void port70000FromAFlagSaysItCameFromAFlag() {
        assertThatThrownBy(() -> ConfigLoader.load(null, NO_ENV, Map.of(ConfigKey.PORT, "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("port")
                .hasMessageContaining("flag")
                .hasMessageContaining("70000");
    }

    @Test
    void anUnknownYamlKeyNamesTheKeyAndTheFile() throws IOException {
        Path file = yaml("gateway.yaml", "port: 8080\nwindow_secs: 60\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV, NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("window_secs");
    }

    @Test
    void aSeriesTtlBelowTheWindowNamesBothKeysAndTheTtlsSource() throws IOException {
        Path file = yaml("gateway.yaml", "window_seconds: 600\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, env(Map.of("METRICS_GATEWAY_SERIES_TTL_SECONDS", "300")), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("series_ttl_seconds")
                .hasMessageContaining("METRICS_GATEWAY_SERIES_TTL_SECONDS")
                .hasMessageContaining("window_seconds")
                .hasMessageContaining("600");
    }

    @Test
    void aSeriesTtlEqualToTheWindowIsAccepted() {
        GatewayConfig config = ConfigLoader.load(null, NO_ENV, Map.of(ConfigKey.WINDOW_SECONDS, "600", ConfigKey.SERIES_TTL_SECONDS, "600"));

        assertThat(config.seriesTtlSeconds()).isEqualTo(config.windowSeconds());
    }

    @Test
    void aBadBooleanNamesTheKeyAndTheFile() throws IOException {
        Path file = yaml("gateway.yaml", "timestamps: maybe\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV, NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("timestamps")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("maybe");
    }

    @Test
    void aBadBooleanFromTheEnvironmentNamesTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_TIMESTAMPS", "enabled")), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("timestamps")
                .hasMessageContaining("METRICS_GATEWAY_TIMESTAMPS")
                .hasMessageContaining("enabled");
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "yes", "on", "1"})
    void commonSpellingsOfTrueAreAccepted(String spelling) {
        assertThat(ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_TIMESTAMPS", spelling)), NO_FLAGS).timestamps()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "False", "no", "off", "0"})
    void commonSpellingsOfFalseAreAccepted(String spelling) {
        assertThat(ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_TIMESTAMPS", spelling)), NO_FLAGS).timestamps()).isFalse();
    }

    @Test
    void aMissingConfigFileIsAnErrorNamingIt() {
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(missing, NO_ENV, NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void aMissingFileNamedByTheConfigVariableIsAnErrorNamingIt() {
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_CONFIG", missing.toString())), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void aFileThatIsNotAMappingIsAnErrorNamingIt() throws IOException {
        Path file = yaml("gateway.yaml", "- port\n- 8080\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV, NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void aNestedValueIsAnErrorNamingTheKeyAndTheFile() throws IOException {
        Path file = yaml("gateway.yaml", "port:\n  value: 8080\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV, NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("port");
    }

    @Test
    void aDuplicateYamlKeyIsAnErrorNamingTheFile() throws IOException {
        Path file = yaml("gateway.yaml", "port: 9001\nport: 9002\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV, NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536"})
    void portsOutsideZeroTo65535AreRefused(String port) {
        assertThatThrownBy(() -> ConfigLoader.load(null, NO_ENV, Map.of(ConfigKey.PORT, port)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("port");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65535"})
    void portsZeroAnd65535AreAccepted(String port) {
        assertThat(ConfigLoader.load(null, NO_ENV, Map.of(ConfigKey.PORT, port)).port()).isEqualTo(Integer.parseInt(port));
    }

    @Test
    void anEmptyDataDirIsAnErrorNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_DATA_DIR", " ")), NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("data_dir")
                .hasMessageContaining("METRICS_GATEWAY_DATA_DIR");
    }

    // The bootstrap key

    @Test
    void theBootstrapKeyComesFromItsVariableAndNeverShowsInToString() {
        String secret = "tk-s3cr3t-bootstrap-key-0123456789";

        GatewayConfig config = ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_BOOTSTRAP_KEY", secret)), NO_FLAGS);

        assertThat(config.bootstrapKey()).isEqualTo(secret);
        assertThat(config.toString()).doesNotContain(secret).doesNotContain("s3cr3t").contains("bootstrapKey=***");
    }

    @Test
    void anUnsetBootstrapKeyShowsAsUnset() {
        GatewayConfig config = ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_BOOTSTRAP_KEY", "")), NO_FLAGS);

        assertThat(config.bootstrapKey()).isNull();
        assertThat(config.toString()).contains("bootstrapKey=unset");
    }

    @Test
    void theBootstrapKeyIsNotAConfigFileKeyAndTheErrorDoesNotEchoIt() throws IOException {
        String secret = "tk-s3cr3t-in-a-file";
        Path file = yaml("gateway.yaml", "bootstrap_key: " + secret + "\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, NO_ENV, NO_FLAGS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bootstrap_key")
                .hasMessageNotContaining(secret);
    }

    @Test
    void toStringShowsTheOtherSettings() {
        GatewayConfig config = ConfigLoader.load(null, env(Map.of("METRICS_GATEWAY_BOOTSTRAP_KEY", "tk-secret")), Map.of(ConfigKey.PORT, "9464"));

        assertThat(config.toString()).contains("port=9464", "windowSeconds=300", "timestamps=true");
    }
}
