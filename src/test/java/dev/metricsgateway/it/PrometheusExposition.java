package dev.metricsgateway.it;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scrape body read back into families and samples, for the jar-level Prometheus tests: which
 * series a body holds (to compare with what a Prometheus server stored), and the summary points
 * {@link PrometheusSummaryInvariants} checks.
 *
 * <p>This is a reader for test oracles, not a validator: it accepts both text 0.0.4 and
 * OpenMetrics lines (label values unescaped from {@code \\}, {@code \"} and {@code \n}), skips
 * blank lines, {@code # HELP}, {@code # UNIT} and {@code # EOF}, and attributes each sample to the
 * family of the last {@code # TYPE} line. Whether a body is well-formed is what the real consumers
 * (promtool, the Python parsers, Prometheus) decide. A line it cannot read at all throws
 * {@link IllegalArgumentException} naming the line.
 *
 * <p>Immutable once parsed.
 */
final class PrometheusExposition {

    /** The two formats the gateway serves, with the exact Content-Type of each. */
    enum Format {
        TEXT("text/plain; version=0.0.4; charset=utf-8"),
        OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

        final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }
    }

    /**
     * One sample line.
     *
     * @param timestampText the timestamp as written (seconds in OpenMetrics, milliseconds in
     *                      text 0.0.4), or null when the line has none
     * @param lineNumber    1-based, for messages
     */
    record Sample(String name, Map<String, String> labels, String valueText, String timestampText, int lineNumber) {

        Sample {
            labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        }

        /** The value, with the exposition spellings {@code NaN}, {@code +Inf}, {@code -Inf}. */
        double value() {
            return parseValue(valueText);
        }

        /** The timestamp in milliseconds as the given format means it (OpenMetrics: seconds), or null. */
        BigDecimal timestampMillis(Format format) {
            if (timestampText == null) {
                return null;
            }
            BigDecimal written = new BigDecimal(timestampText);
            return format == Format.OPENMETRICS ? written.movePointRight(3) : written;
        }

        /** The labels plus {@code __name__}: the series as Prometheus names it (before job and instance). */
        Map<String, String> series() {
            Map<String, String> series = new TreeMap<>(labels);
            series.put("__name__", name);
            return Collections.unmodifiableMap(series);
        }
    }

    /** One {@code # TYPE} family and its samples, in body order. */
    record Family(String name, String type, List<Sample> samples) {

        Family {
            samples = List.copyOf(samples);
        }
    }

    private final Format format;
    private final List<Family> families;

    private PrometheusExposition(Format format, List<Family> families) {
        this.format = format;
        this.families = List.copyOf(families);
    }

    /** Reads {@code body} as {@code format}. */
    static PrometheusExposition parse(String body, Format format) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, List<Sample>> samplesByFamily = new LinkedHashMap<>();
        String currentFamily = null;
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int lineNumber = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 4 && parts[1].equals("TYPE")) {
                    currentFamily = parts[2];
                    types.put(currentFamily, parts[3].trim());
                    samplesByFamily.putIfAbsent(currentFamily, new ArrayList<>());
                }
                continue;
            }
            Sample sample = parseSample(line, lineNumber);
            String family = currentFamily != null && sample.name().startsWith(currentFamily) ? currentFamily : sample.name();
            types.putIfAbsent(family, "untyped");
            samplesByFamily.computeIfAbsent(family, name -> new ArrayList<>()).add(sample);
        }
        List<Family> families = new ArrayList<>();
        samplesByFamily.forEach((name, samples) -> families.add(new Family(name, types.get(name), samples)));
        return new PrometheusExposition(format, families);
    }

    Format format() {
        return format;
    }

    List<Family> families() {
        return families;
    }

    /** Every sample of the body, in body order. */
    List<Sample> samples() {
        return families.stream().flatMap(family -> family.samples().stream()).toList();
    }

    /** Every series of the body (labels plus {@code __name__}) with the value served. */
    Map<Map<String, String>, Double> valuesBySeries() {
        Map<Map<String, String>, Double> values = new LinkedHashMap<>();
        for (Sample sample : samples()) {
            if (values.put(sample.series(), sample.value()) != null) {
                throw new IllegalArgumentException("line " + sample.lineNumber() + ": series served twice: " + sample.series());
            }
        }
        return values;
    }

    static double parseValue(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static Sample parseSample(String line, int lineNumber) {
        int position = 0;
        while (position < line.length() && line.charAt(position) != '{' && line.charAt(position) != ' ') {
            position++;
        }
        String name = line.substring(0, position);
        Map<String, String> labels = new TreeMap<>();
        if (position < line.length() && line.charAt(position) == '{') {
            position = parseLabels(line, position + 1, labels, lineNumber);
        }
        String rest = line.substring(position).trim();
        String[] fields = rest.split(" ");
        if (name.isEmpty() || rest.isEmpty() || fields.length > 2) {
            throw new IllegalArgumentException("line " + lineNumber + ": not a sample: " + line);
        }
        return new Sample(name, labels, fields[0], fields.length == 2 ? fields[1] : null, lineNumber);
    }

    /** Reads {@code name="value",...}} from {@code position}; returns the index after the {@code }}. */
    private static int parseLabels(String line, int position, Map<String, String> labels, int lineNumber) {
        int i = position;
        while (true) {
            if (i >= line.length()) {
                throw new IllegalArgumentException("line " + lineNumber + ": unterminated labels: " + line);
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            if (line.charAt(i) == ',') {
                i++;
                continue;
            }
            int equals = line.indexOf('=', i);
            if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
                throw new IllegalArgumentException("line " + lineNumber + ": bad label at column " + (i + 1) + ": " + line);
            }
            String labelName = line.substring(i, equals).trim();
            StringBuilder value = new StringBuilder();
            i = equals + 2;
            while (true) {
                if (i >= line.length()) {
                    throw new IllegalArgumentException("line " + lineNumber + ": unterminated label value: " + line);
                }
                char c = line.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c == '\\' && i < line.length()) {
                    char escaped = line.charAt(i++);
                    value.append(switch (escaped) {
                        case 'n' -> '\n';
                        case '\\' -> '\\';
                        case '"' -> '"';
                        default -> throw new IllegalArgumentException(
                                "line " + lineNumber + ": unknown escape \\" + escaped + ": " + line);
                    });
                } else {
                    value.append(c);
                }
            }
            labels.put(labelName, value.toString());
        }
    }
}
