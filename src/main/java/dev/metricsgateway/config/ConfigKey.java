package dev.metricsgateway.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration key: its name in the YAML file, its environment variable, its default and a
 * one-line description (the README's configuration table is this list).
 */
public enum ConfigKey {
    HOST("host", "127.0.0.1", "Address to listen on; 0.0.0.0 in a container."),
    PORT("port", "8080", "HTTP port (0 picks a free one)."),
    TLS_CERT_FILE("tls_cert_file", "", "PEM certificate chain; with tls_key_file, serves HTTPS (TLS 1.2 and 1.3 only)."),
    TLS_KEY_FILE("tls_key_file", "", "PEM private key (PKCS#8 or PKCS#1) of tls_cert_file."),
    DATA_DIR("data_dir", "./data", "Directory of the service-account store and the aggregation checkpoint."),
    CHECKPOINT_INTERVAL_SECONDS("checkpoint_interval_seconds", "10", "How often the aggregation state is checkpointed to the data dir; 0 keeps it in memory only."),
    WINDOW_SECONDS("window_seconds", "300", "Sliding window W of every rate, ratio, age and quantile."),
    SERIES_TTL_SECONDS("series_ttl_seconds", "600", "A series with no event for this long leaves the output."),
    INSTANCE_TTL_SECONDS("instance_ttl_seconds", "60", "An instance's utilization sample counts for this long."),
    MAX_FUTURE_SKEW_SECONDS("max_future_skew_seconds", "60", "Events dated further in the future are invalid (400)."),
    TIMESTAMPS("timestamps", "true", "Stamp every sample with the scrape's computation time."),
    MAX_BODY_BYTES("max_body_bytes", "8388608", "Largest request body as sent (compressed or not); larger gets 413."),
    MAX_DECOMPRESSED_BYTES("max_decompressed_bytes", "67108864", "Largest gzip body after decompression; larger gets 413."),
    MAX_INFLIGHT_INGEST_REQUESTS("max_inflight_ingest_requests", "256", "Ingest requests in progress at once; more get 429."),
    IDLE_TIMEOUT_SECONDS("idle_timeout_seconds", "60", "A connection with no traffic for this long is closed."),
    REQUEST_TIMEOUT_SECONDS("request_timeout_seconds", "30", "An ingest request not answered within this long (e.g. a body sent too slowly) gets 408."),
    MAX_SERIES_PER_METRIC("max_series_per_metric", "100000", "Live series one metric may hold; a batch creating more is refused (400)."),
    MAX_SERIES_TOTAL("max_series_total", "1000000", "Live series all metrics together may hold."),
    IDEMPOTENCY_WINDOW_SECONDS("idempotency_window_seconds", "600", "A batch retried with the same Idempotency-Key within this window is not applied twice."),
    MAX_IDEMPOTENCY_KEYS("max_idempotency_keys", "100000", "Idempotency keys remembered at once; the oldest are forgotten first."),
    CATALOG("catalog", "", "A catalog YAML file whose entries add to or replace the default catalog's."),
    SHUTDOWN_DRAIN_SECONDS("shutdown_drain_seconds", "2", "After SIGTERM, /readyz answers 503 this long before the server stops accepting."),
    SHUTDOWN_TIMEOUT_SECONDS("shutdown_timeout_seconds", "30", "How long SIGTERM waits for in-flight requests."),
    EVENT_LOOPS("event_loops", "0", "HTTP event-loop threads; 0 means one per core."),
    AUTH_FAILURE_LIMIT("auth_failure_limit", "20", "Rejected keys from one client address within auth_failure_window_seconds after which its requests get 429 until the window ends; 0 turns throttling off."),
    AUTH_FAILURE_WINDOW_SECONDS("auth_failure_window_seconds", "60", "The window of auth_failure_limit, opened by an address's first rejected key."),
    AUTH_FAILURE_MAX_ADDRESSES("auth_failure_max_addresses", "100000", "Client addresses whose rejected keys are tracked at once; the oldest window is forgotten first."),
    MAX_EVENTS_PER_BATCH("max_events_per_batch", "100000", "Most events one ingest batch may hold; a larger batch gets 413 and nothing of it is applied."),
    MAX_CONNECTIONS("max_connections", "10000", "Client connections open at once; a further connection is closed as soon as it is accepted."),
    MAX_EVENT_LOOP_LAG_MILLIS("max_event_loop_lag_millis", "250", "An event loop this far behind on 2 ticks in a row, with requests queued, sheds new ingest requests with 429 for 100 ms; 0: never."),
    CLUSTER("cluster", "false", "Join a cluster of gateways (Vert.x on Hazelcast): any node ingests, any node serves the global view."),
    CLUSTER_HOST("cluster_host", "127.0.0.1", "Address the cluster listens on and announces (an IP address of this machine or pod; never 0.0.0.0)."),
    CLUSTER_PORT("cluster_port", "5701", "Hazelcast membership port."),
    CLUSTER_BUS_PORT("cluster_bus_port", "5702", "Vert.x clustered event-bus port."),
    CLUSTER_MEMBERS("cluster_members", "", "Comma-separated host[:port] of the members to join (static TCP/IP; DNS names allowed)."),
    CLUSTER_MULTICAST("cluster_multicast", "false", "Find members by multicast instead of cluster_members."),
    CLUSTER_NAME("cluster_name", "metrics-gateway", "Only members with the same cluster name join each other."),
    CLUSTER_NODE_NAME("cluster_node_name", "", "Stable name of this member across restarts (default cluster_host:cluster_port)."),
    CLUSTER_PUBLISH_INTERVAL_SECONDS("cluster_publish_interval_seconds", "5", "How often a member publishes its state to the cluster: what a crash of it can lose."),
    CLUSTER_SCRAPE_TIMEOUT_MILLIS("cluster_scrape_timeout_millis", "3000", "How long a scrape waits for each member's state before serving its last published one.");

    private final String yamlKey;
    private final String defaultValue;
    private final String description;

    ConfigKey(String yamlKey, String defaultValue, String description) {
        this.yamlKey = yamlKey;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String yamlKey() {
        return yamlKey;
    }

    /** {@code METRICS_GATEWAY_} + the YAML key in upper case. */
    public String environmentVariable() {
        return ConfigLoader.ENV_PREFIX + yamlKey.toUpperCase(Locale.ROOT);
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    static List<ConfigKey> all() {
        return List.of(values());
    }
}
