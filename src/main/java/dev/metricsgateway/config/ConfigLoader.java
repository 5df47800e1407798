package dev.metricsgateway.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds the {@link GatewayConfig} from, in increasing precedence: defaults, the YAML file
 * ({@code --config} or {@code METRICS_GATEWAY_CONFIG}), environment variables
 * ({@code METRICS_GATEWAY_<KEY>}) and flags. The environment is a function, so tests pass
 * {@code Map.of(...)::get}. Every error names the key and the source of the bad value.
 */
public final class ConfigLoader {

    static final String ENV_PREFIX = "METRICS_GATEWAY_";
    /** Environment variable naming the config file when {@code --config} is not given. */
    public static final String CONFIG_FILE_ENV = ENV_PREFIX + "CONFIG";
    /** Environment variable holding the key of the bootstrap admin account; never read from a file. */
    public static final String BOOTSTRAP_KEY_ENV = ENV_PREFIX + "BOOTSTRAP_KEY";

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private ConfigLoader() {
    }

    /**
     * @param configFile the {@code --config} flag, or null
     * @param env        environment lookup
     * @param flags      values given as flags, by key
     */
    public static GatewayConfig load(Path configFile, Function<String, String> env, Map<ConfigKey, String> flags) {
        Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
        Map<ConfigKey, String> sources = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.all()) {
            values.put(key, key.defaultValue());
            sources.put(key, "default");
        }
        Path file = configFile != null ? configFile : blankToNull(env.apply(CONFIG_FILE_ENV)) == null ? null : Path.of(env.apply(CONFIG_FILE_ENV));
        if (file != null) {
            readFile(file, values, sources);
        }
        for (ConfigKey key : ConfigKey.all()) {
            String value = env.apply(key.environmentVariable());
            if (value != null) {
                values.put(key, value);
                sources.put(key, "environment variable " + key.environmentVariable());
            }
        }
        flags.forEach((key, value) -> {
            if (value != null) {
                values.put(key, value);
                sources.put(key, "flag --" + key.yamlKey().replace('_', '-'));
            }
        });
        return build(new Values(values, sources), blankToNull(env.apply(BOOTSTRAP_KEY_ENV)));
    }

    private static void readFile(Path file, Map<ConfigKey, String> values, Map<ConfigKey, String> sources) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read config file: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(file + ": expected a mapping of keys to values");
        }
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            ConfigKey key = byYamlKey(entry.getKey());
            if (key == null) {
                throw new ConfigException(file + ": unknown key \"" + entry.getKey() + "\"");
            }
            if (!entry.getValue().isValueNode()) {
                throw new ConfigException(file + ": " + entry.getKey() + ": expected a single value");
            }
            values.put(key, entry.getValue().isNull() ? "" : entry.getValue().asText());
            sources.put(key, file.toString());
        }
    }

    private static ConfigKey byYamlKey(String yamlKey) {
        for (ConfigKey key : ConfigKey.all()) {
            if (key.yamlKey().equals(yamlKey)) {
                return key;
            }
        }
        return null;
    }

    private static GatewayConfig build(Values v, String bootstrapKey) {
        int windowSeconds = (int) v.longIn(ConfigKey.WINDOW_SECONDS, 1, 86_400);
        long seriesTtl = v.longIn(ConfigKey.SERIES_TTL_SECONDS, 1, 30L * 86_400);
        if (seriesTtl < windowSeconds) {
            throw new ConfigException(ConfigKey.SERIES_TTL_SECONDS.yamlKey() + " (" + v.source(ConfigKey.SERIES_TTL_SECONDS)
                    + "): " + seriesTtl + " must be at least window_seconds (" + windowSeconds + ")");
        }
        String catalog = v.text(ConfigKey.CATALOG);
        String tlsCert = v.text(ConfigKey.TLS_CERT_FILE);
        String tlsKey = v.text(ConfigKey.TLS_KEY_FILE);
        if (tlsCert.isBlank() != tlsKey.isBlank()) {
            ConfigKey missing = tlsCert.isBlank() ? ConfigKey.TLS_CERT_FILE : ConfigKey.TLS_KEY_FILE;
            ConfigKey given = tlsCert.isBlank() ? ConfigKey.TLS_KEY_FILE : ConfigKey.TLS_CERT_FILE;
            throw v.error(missing, "must be set together with " + given.yamlKey() + " (" + v.source(given) + ")");
        }
        return new GatewayConfig(
                v.nonBlank(ConfigKey.HOST),
                (int) v.longIn(ConfigKey.PORT, 0, 65_535),
                tlsCert.isBlank() ? null : Path.of(tlsCert),
                tlsKey.isBlank() ? null : Path.of(tlsKey),
                Path.of(v.nonBlank(ConfigKey.DATA_DIR)),
                v.longIn(ConfigKey.CHECKPOINT_INTERVAL_SECONDS, 0, 86_400),
                windowSeconds,
                seriesTtl,
                v.longIn(ConfigKey.INSTANCE_TTL_SECONDS, 1, 86_400),
                v.longIn(ConfigKey.MAX_FUTURE_SKEW_SECONDS, 0, 86_400),
                v.bool(ConfigKey.TIMESTAMPS),
                v.longIn(ConfigKey.MAX_BODY_BYTES, 1024, 1L << 30),
                v.longIn(ConfigKey.MAX_DECOMPRESSED_BYTES, 1024, 1L << 31),
                (int) v.longIn(ConfigKey.MAX_INFLIGHT_INGEST_REQUESTS, 1, 1_000_000),
                v.longIn(ConfigKey.IDLE_TIMEOUT_SECONDS, 1, 86_400),
                v.longIn(ConfigKey.REQUEST_TIMEOUT_SECONDS, 1, 3_600),
                (int) v.longIn(ConfigKey.MAX_SERIES_PER_METRIC, 1, Integer.MAX_VALUE),
                v.longIn(ConfigKey.MAX_SERIES_TOTAL, 1, Long.MAX_VALUE),
                v.longIn(ConfigKey.IDEMPOTENCY_WINDOW_SECONDS, 1, 7L * 86_400),
                (int) v.longIn(ConfigKey.MAX_IDEMPOTENCY_KEYS, 1, 10_000_000),
                catalog.isBlank() ? null : Path.of(catalog),
                v.longIn(ConfigKey.SHUTDOWN_DRAIN_SECONDS, 0, 600),
                v.longIn(ConfigKey.SHUTDOWN_TIMEOUT_SECONDS, 0, 3600),
                (int) v.longIn(ConfigKey.EVENT_LOOPS, 0, 1024),
                (int) v.longIn(ConfigKey.AUTH_FAILURE_LIMIT, 0, 1_000_000),
                v.longIn(ConfigKey.AUTH_FAILURE_WINDOW_SECONDS, 1, 86_400),
                (int) v.longIn(ConfigKey.AUTH_FAILURE_MAX_ADDRESSES, 1, 10_000_000),
                (int) v.longIn(ConfigKey.MAX_EVENTS_PER_BATCH, 1, 10_000_000),
                (int) v.longIn(ConfigKey.MAX_CONNECTIONS, 1, 1_000_000),
                v.longIn(ConfigKey.MAX_EVENT_LOOP_LAG_MILLIS, 0, 60_000),
                bootstrapKey,
                cluster(v));
    }

    private static ClusterConfig cluster(Values v) {
        String host = v.nonBlank(ConfigKey.CLUSTER_HOST);
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            throw v.error(ConfigKey.CLUSTER_HOST, "must be an address of this machine that the other members can reach, not " + host);
        }
        int port = (int) v.longIn(ConfigKey.CLUSTER_PORT, 1, 65_535);
        int busPort = (int) v.longIn(ConfigKey.CLUSTER_BUS_PORT, 1, 65_535);
        if (busPort == port) {
            throw v.error(ConfigKey.CLUSTER_BUS_PORT, busPort + " must differ from cluster_port (" + v.source(ConfigKey.CLUSTER_PORT) + ")");
        }
        java.util.List<String> members = new java.util.ArrayList<>();
        for (String member : v.text(ConfigKey.CLUSTER_MEMBERS).split(",")) {
            if (!member.isBlank()) {
                members.add(member.strip());
            }
        }
        boolean multicast = v.bool(ConfigKey.CLUSTER_MULTICAST);
        if (multicast && !members.isEmpty()) {
            throw v.error(ConfigKey.CLUSTER_MULTICAST, "true cannot be combined with cluster_members ("
                    + v.source(ConfigKey.CLUSTER_MEMBERS) + "): choose one way to find members");
        }
        return new ClusterConfig(
                v.bool(ConfigKey.CLUSTER),
                host,
                port,
                busPort,
                java.util.List.copyOf(members),
                multicast,
                v.nonBlank(ConfigKey.CLUSTER_NAME),
                v.text(ConfigKey.CLUSTER_NODE_NAME),
                v.longIn(ConfigKey.CLUSTER_PUBLISH_INTERVAL_SECONDS, 1, 3_600),
                v.longIn(ConfigKey.CLUSTER_SCRAPE_TIMEOUT_MILLIS, 100, 600_000));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /** Raw values with their sources, and typed reads whose errors name both. */
    private record Values(Map<ConfigKey, String> raw, Map<ConfigKey, String> sources) {

        String source(ConfigKey key) {
            return sources.get(key);
        }

        String text(ConfigKey key) {
            return raw.get(key).strip();
        }

        String nonBlank(ConfigKey key) {
            String text = text(key);
            if (text.isEmpty()) {
                throw error(key, "must not be empty");
            }
            return text;
        }

        long longIn(ConfigKey key, long min, long max) {
            long value;
            try {
                value = Long.parseLong(text(key));
            } catch (NumberFormatException e) {
                throw error(key, "\"" + text(key) + "\" is not an integer");
            }
            if (value < min || value > max) {
                throw error(key, value + " must be between " + min + " and " + max);
            }
            return value;
        }

        boolean bool(ConfigKey key) {
            return switch (text(key).toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw error(key, "\"" + text(key) + "\" is not a boolean (true or false)");
            };
        }

        ConfigException error(ConfigKey key, String problem) {
            return new ConfigException(key.yamlKey() + " (" + source(key) + "): " + problem);
        }
    }
}
