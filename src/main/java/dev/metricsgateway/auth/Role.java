package dev.metricsgateway.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a service account may do. {@link #ADMIN} implies every other role.
 *
 * <p>Immutable and thread-safe, like every enum.
 */
public enum Role {
    /** Scrape {@code GET /api/v1/observability/metrics}. */
    METRICS_READER("metrics-reader"),
    /** Ingest {@code POST /api/v1/events}. */
    EVENT_WRITER("event-writer"),
    /** Everything, plus the service-account API. */
    ADMIN("admin");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the command line, in JSON and in the store: {@code metrics-reader}. */
    public String wireName() {
        return wireName;
    }

    /** Whether an account holding this role may do what {@code required} allows. */
    public boolean implies(Role required) {
        return this == ADMIN || this == required;
    }

    /**
     * The role with this wire name, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the value and the valid roles
     */
    public static Role parse(String value) {
        if (value != null) {
            String wanted = value.strip().toLowerCase(Locale.ROOT);
            for (Role role : values()) {
                if (role.wireName.equals(wanted)) {
                    return role;
                }
            }
        }
        throw new IllegalArgumentException(value + ": unknown role; valid roles: " + validNames());
    }

    /** The valid wire names, comma-separated, for help texts and error messages. */
    public static String validNames() {
        return Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
