package dev.metricsgateway.catalog;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The naming rules every consumer of the exposition agrees on (CONFORMANCE.md "Text rules"):
 * checked when a catalog loads, so a user catalog can never break a scrape.
 */
final class OpenMetricsNames {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Labels Prometheus, OpenMetrics or the scrapers themselves own. */
    private static final Set<String> RESERVED_LABELS = Set.of("le", "quantile", "job", "instance");
    /** Suffixes that consumers read as parts of counters, summaries, histograms or info metrics. */
    private static final List<String> RESERVED_SUFFIXES = List.of("_count", "_sum", "_total", "_created", "_bucket", "_info");

    private OpenMetricsNames() {
    }

    /** The problem with {@code name} as a metric family name, or {@code null} when it is fine. */
    static String metricNameProblem(String name) {
        if (!NAME.matcher(name).matches()) {
            return "metric name \"" + name + "\" does not match [a-zA-Z_][a-zA-Z0-9_]*";
        }
        for (String suffix : RESERVED_SUFFIXES) {
            if (name.endsWith(suffix)) {
                return "metric name \"" + name + "\" ends with the reserved suffix " + suffix;
            }
        }
        return null;
    }

    /** The problem with {@code name} as a label name, or {@code null} when it is fine. */
    static String labelNameProblem(String name) {
        if (!NAME.matcher(name).matches()) {
            return "label name \"" + name + "\" does not match [a-zA-Z_][a-zA-Z0-9_]*";
        }
        if (name.startsWith("__")) {
            return "label name \"" + name + "\" starts with __, which is reserved";
        }
        if (RESERVED_LABELS.contains(name)) {
            return "label name \"" + name + "\" is reserved (le, quantile, job and instance are)";
        }
        return null;
    }
}
