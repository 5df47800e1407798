package dev.metricsgateway.it;

import dev.metricsgateway.it.PrometheusExposition.Family;
import dev.metricsgateway.it.PrometheusExposition.Sample;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the OpenTelemetry Collector's prometheus receiver needs of a summary to keep it
 * (CONFORMANCE.md, consumer item 4); it drops a point that breaks them without a word, so no
 * consumer's parser reports them and this class does:
 * <ul>
 *   <li>every point (the labels without {@code quantile}) has a {@code _count} and a {@code _sum};</li>
 *   <li>every part of a point (quantiles, {@code _count}, {@code _sum}) carries the same
 *       timestamp, or none carries one;</li>
 *   <li>quantiles are ≥ 0 or NaN, and {@code _count} is a non-negative integer.</li>
 * </ul>
 *
 * <p>Stateless.
 */
final class PrometheusSummaryInvariants {

    private PrometheusSummaryInvariants() {
    }

    /** Every violation in the body's summaries, one message each; empty when all hold. */
    static List<String> violations(PrometheusExposition exposition) {
        List<String> violations = new ArrayList<>();
        for (Family family : exposition.families()) {
            if (!family.type().equals("summary")) {
                continue;
            }
            for (Map.Entry<Map<String, String>, List<Sample>> point : points(family).entrySet()) {
                check(family.name(), point.getKey(), point.getValue(), exposition.format(), violations);
            }
        }
        return violations;
    }

    /** The family's samples grouped by point: labels without {@code quantile}, in body order. */
    private static Map<Map<String, String>, List<Sample>> points(Family family) {
        Map<Map<String, String>, List<Sample>> points = new LinkedHashMap<>();
        for (Sample sample : family.samples()) {
            Map<String, String> point = new TreeMap<>(sample.labels());
            point.remove("quantile");
            points.computeIfAbsent(point, labels -> new ArrayList<>()).add(sample);
        }
        return points;
    }

    private static void check(String family, Map<String, String> point, List<Sample> parts,
            PrometheusExposition.Format format, List<String> violations) {
        String where = family + point;
        long counts = parts.stream().filter(part -> part.name().equals(family + "_count")).count();
        long sums = parts.stream().filter(part -> part.name().equals(family + "_sum")).count();
        if (counts != 1) {
            violations.add(where + ": " + counts + " _count samples, want 1");
        }
        if (sums != 1) {
            violations.add(where + ": " + sums + " _sum samples, want 1");
        }
        List<BigDecimal> stamps = parts.stream().map(part -> part.timestampMillis(format)).distinct().toList();
        boolean oneStamp = stamps.size() == 1
                || stamps.stream().allMatch(stamp -> stamp != null && stamp.compareTo(stamps.get(0)) == 0);
        if (!oneStamp) {
            violations.add(where + ": parts carry different timestamps " + parts.stream()
                    .map(part -> "line " + part.lineNumber() + "=" + part.timestampText()).toList());
        }
        for (Sample part : parts) {
            double value = part.value();
            if (part.name().equals(family) && !(Double.isNaN(value) || value >= 0)) {
                violations.add(where + ": line " + part.lineNumber() + ": quantile " + part.valueText() + " < 0");
            }
            if (part.name().equals(family + "_count") && !(value >= 0 && value == Math.rint(value) && !Double.isInfinite(value))) {
                violations.add(where + ": line " + part.lineNumber() + ": _count " + part.valueText() + " is not a non-negative integer");
            }
        }
    }
}
