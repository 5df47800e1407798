package dev.metricsgateway.exposition;

import dev.metricsgateway.catalog.LabelSpec;
import dev.metricsgateway.catalog.MetricSpec;
import dev.metricsgateway.catalog.MetricType;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.GaugeSample;
import dev.metricsgateway.core.MetricFamilySnapshot;
import dev.metricsgateway.core.Quantiles;
import dev.metricsgateway.core.SeriesLabels;
import dev.metricsgateway.core.SeriesSample;
import dev.metricsgateway.core.SummarySample;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Writes a core snapshot straight to bytes, byte for byte as client_java 1.5.1's text writers
 * write it after {@link SnapshotConverter} (ExpositionWriter's differential test holds it to
 * that), without building client_java's snapshot objects: at 100k series those cost more than
 * the rendering itself (label validation and sorting per data point, a Writer chain per byte).
 *
 * <p>What client_java does and this repeats: families in name order; label names sorted, series
 * in the order of their label values in that sorted order; {@code # HELP} before {@code # TYPE}
 * in text 0.0.4 (help escaping {@code \\} and newline) and after it in OpenMetrics (escaping
 * {@code \\}, {@code "} and newline); label values escaping {@code \\}, {@code "} and newline;
 * numbers as {@link Double#toString} with {@code +Inf}/{@code -Inf}; counts as longs; a summary's
 * {@code _sum} left out when it is NaN; timestamps in ms (text) or seconds with three decimals
 * (OpenMetrics); {@code # EOF} closing OpenMetrics.
 *
 * <p>Only for names client_java writes as they are (legacy metric and label names, no label
 * named {@code quantile} on a summary): {@link #supports} says so, and the caller falls back to
 * client_java otherwise.
 *
 * <p>Families, and slices of a large family, are rendered as separate parts by an executor: a
 * scrape of 1M series then uses both cores, and no part is copied into one large array (the
 * HTTP layer sends the parts as they are). Stateless.
 */
final class TextExposition {

    /** Below this magnitude, Double.toString writes a whole number without an exponent. */
    private static final long WHOLE_LIMIT = 10_000_000L;
    private static final byte[][] QUANTILE_LABELS = new byte[Quantiles.count()][];

    static {
        for (int i = 0; i < QUANTILE_LABELS.length; i++) {
            QUANTILE_LABELS[i] = ascii("quantile=\"" + Double.toString(Quantiles.at(i)) + "\"");
        }
    }

    private TextExposition() {
    }

    /** Whether every name of {@code snapshot} is one client_java writes unchanged. */
    static boolean supports(GatewaySnapshot snapshot) {
        for (MetricFamilySnapshot family : snapshot.families()) {
            MetricSpec spec = family.spec();
            if (!PrometheusNaming.isValidLegacyMetricName(spec.name())
                    || !spec.name().equals(PrometheusNaming.prometheusName(spec.name()))) {
                return false;
            }
            List<String> names = new ArrayList<>();
            for (LabelSpec label : spec.labels()) {
                if (!PrometheusNaming.isValidLegacyLabelName(label.name()) || names.contains(label.name())
                        || label.name().equals("quantile") || label.name().startsWith("__")) {
                    return false;
                }
                names.add(label.name());
            }
        }
        return true;
    }

    /** Samples rendered by one task: small enough to spread a family over both cores, large enough that a task's overhead vanishes. */
    static final int SAMPLES_PER_PART = 8192;

    /**
     * {@code snapshot} in {@code format} as consecutive parts, rendered by {@code executor}: a
     * part per family, a large family cut into parts of {@value #SAMPLES_PER_PART} samples.
     * The calling thread waits for them.
     */
    static Rendering write(GatewaySnapshot snapshot, ExpositionFormat format, boolean withTimestamps, Executor executor) {
        boolean openMetrics = format == ExpositionFormat.OPENMETRICS_TEXT;
        byte[] timestamp = withTimestamps ? ascii(" " + timestamp(snapshot.computedAtMillis(), openMetrics) + "\n") : ascii("\n");
        List<CompletableFuture<ByteBuffer>> parts = new ArrayList<>();
        for (MetricFamilySnapshot family : snapshot.families()) {
            if (family.samples().isEmpty()) {
                continue;
            }
            FamilyFormat familyFormat = new FamilyFormat(family.spec(), openMetrics, timestamp);
            List<SeriesSample> samples = family.sortedByLabels() ? family.samples() : inClientJavaOrder(family.samples(), familyFormat.order);
            for (int from = 0; from < samples.size(); from += SAMPLES_PER_PART) {
                List<SeriesSample> part = samples.subList(from, Math.min(samples.size(), from + SAMPLES_PER_PART));
                boolean first = from == 0;
                parts.add(CompletableFuture.supplyAsync(() -> {
                    Bytes out = new Bytes(Math.max(1 << 12, part.size() * (familyFormat.summary ? 512 : 128)));
                    if (first) {
                        familyFormat.writeHeader(out);
                    }
                    familyFormat.writeSamples(out, part);
                    return out.asByteBuffer();
                }, executor));
            }
        }
        List<ByteBuffer> rendered = new ArrayList<>(parts.size() + 1);
        for (CompletableFuture<ByteBuffer> part : parts) {
            rendered.add(part.join());
        }
        if (openMetrics) {
            rendered.add(ByteBuffer.wrap(ascii("# EOF\n")));
        }
        return new Rendering(rendered);
    }

    /** What every line of one family shares, worked out once per family. Immutable. */
    private static final class FamilyFormat {
        final MetricSpec spec;
        final boolean openMetrics;
        final boolean summary;
        final byte[] timestamp;
        final int[] order;
        final byte[][] labelNames;
        final byte[] name;

        FamilyFormat(MetricSpec spec, boolean openMetrics, byte[] timestamp) {
            this.spec = spec;
            this.openMetrics = openMetrics;
            this.summary = spec.type() == MetricType.SUMMARY;
            this.timestamp = timestamp;
            this.order = sortedLabelOrder(spec);
            this.labelNames = new byte[order.length][];
            for (int i = 0; i < order.length; i++) {
                labelNames[i] = ascii(spec.labels().get(order[i]).name() + "=\"");
            }
            this.name = ascii(spec.name());
        }

        void writeHeader(Bytes out) {
            String type = summary ? "summary" : "gauge";
            String help = spec.helpWithStage();
            boolean hasHelp = help != null && !help.isEmpty();
            if (openMetrics) {
                out.ascii("# TYPE ").ascii(spec.name()).ascii(" ").ascii(type).ascii("\n");
            }
            if (hasHelp) {
                out.ascii("# HELP ").ascii(spec.name()).ascii(" ");
                out.escaped(help, openMetrics);
                out.ascii("\n");
            }
            if (!openMetrics) {
                out.ascii("# TYPE ").ascii(spec.name()).ascii(" ").ascii(type).ascii("\n");
            }
        }

        void writeSamples(Bytes out, List<SeriesSample> samples) {
            Bytes scratch = new Bytes(256);
            Bytes labels = new Bytes(256);
            boolean hasLabels = order.length > 0;
            for (SeriesSample sample : samples) {
                // The label part, assembled once per series (a summary writes it on seven lines)
                // from the label names and the escaped values. The escaped values are kept with
                // the core's series for the next scrapes; the names are the family's, so they are
                // not kept per series (they would be half of what the cache holds).
                List<String> values = sample.labelValues();
                byte[] escaped = values instanceof SeriesLabels series ? series.rendering() : null;
                if (escaped == null) {
                    escaped = escapedValues(scratch, order, values);
                    if (values instanceof SeriesLabels series) {
                        series.rendering(escaped);
                    }
                }
                if (sample instanceof GaugeSample gauge) {
                    out.bytes(name);
                    if (hasLabels) {
                        out.ascii("{");
                        writeLabels(out, labelNames, escaped);
                        out.ascii("}");
                    }
                    out.ascii(" ").number(gauge.value()).bytes(timestamp);
                } else {
                    SummarySample point = (SummarySample) sample;
                    labels.reset();
                    writeLabels(labels, labelNames, escaped);
                    for (int q = 0; q < QUANTILE_LABELS.length; q++) {
                        out.bytes(name).ascii("{").bytes(labels);
                        if (hasLabels) {
                            out.ascii(",");
                        }
                        out.bytes(QUANTILE_LABELS[q]).ascii("} ").number(point.quantileValue(q)).bytes(timestamp);
                    }
                    out.bytes(name).ascii("_count");
                    if (hasLabels) {
                        out.ascii("{").bytes(labels).ascii("}");
                    }
                    out.ascii(" ").wholeNumber(point.count()).bytes(timestamp);
                    if (!Double.isNaN(point.sum())) {
                        out.bytes(name).ascii("_sum");
                        if (hasLabels) {
                            out.ascii("{").bytes(labels).ascii("}");
                        }
                        out.ascii(" ").number(point.sum()).bytes(timestamp);
                    }
                }
            }
        }
    }

    /**
     * The label values in the order of their names, escaped, each after its length in bytes (a
     * varint: an escaped value of 128 code points fits in two bytes).
     */
    private static byte[] escapedValues(Bytes scratch, int[] order, List<String> values) {
        Bytes all = new Bytes(64);
        for (int position : order) {
            scratch.reset();
            scratch.escaped(values.get(position), true);
            all.varint(scratch.size).bytes(scratch);
        }
        return all.toByteArray();
    }

    /** {@code name1="value1",name2="value2"} from the names and what {@link #escapedValues} made. */
    private static void writeLabels(Bytes out, byte[][] labelNames, byte[] escaped) {
        int at = 0;
        for (int i = 0; i < labelNames.length; i++) {
            if (i > 0) {
                out.ascii(",");
            }
            out.bytes(labelNames[i]);
            int length = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = escaped[at++];
                length |= (b & 0x7f) << shift;
                if (b >= 0) {
                    break;
                }
            }
            out.bytes(escaped, at, length);
            at += length;
            out.ascii("\"");
        }
    }

    /** Positions of the metric's labels sorted by name, as client_java's {@code Labels} sorts them. */
    private static int[] sortedLabelOrder(MetricSpec spec) {
        Integer[] positions = new Integer[spec.labels().size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        Arrays.sort(positions, Comparator.comparing(i -> spec.labels().get(i).name()));
        return Arrays.stream(positions).mapToInt(Integer::intValue).toArray();
    }

    /**
     * The samples sorted by their label values in sorted-name order, as client_java orders data
     * points. The core usually delivers them so (then this is one pass over them); otherwise sorted here.
     */
    private static List<SeriesSample> inClientJavaOrder(List<SeriesSample> samples, int[] order) {
        Comparator<SeriesSample> byLabels = (a, b) -> {
            for (int position : order) {
                int result = a.labelValues().get(position).compareTo(b.labelValues().get(position));
                if (result != 0) {
                    return result;
                }
            }
            return 0;
        };
        for (int i = 1; i < samples.size(); i++) {
            if (byLabels.compare(samples.get(i - 1), samples.get(i)) > 0) {
                List<SeriesSample> sorted = new ArrayList<>(samples);
                sorted.sort(byLabels);
                return sorted;
            }
        }
        return samples;
    }

    /** client_java's {@code writePrometheusTimestamp} (in ms) and {@code writeOpenMetricsTimestamp}. */
    private static String timestamp(long millis, boolean openMetrics) {
        if (!openMetrics) {
            return Long.toString(millis);
        }
        long ms = millis % 1000;
        return (millis / 1000L) + "." + (ms < 100 ? "0" : "") + (ms < 10 ? "0" : "") + ms;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A growable byte buffer with the few writes the text formats need. */
    private static final class Bytes {
        private byte[] buffer;
        private int size;

        Bytes(int capacity) {
            buffer = new byte[capacity];
        }

        Bytes bytes(byte[] bytes) {
            return bytes(bytes, 0, bytes.length);
        }

        Bytes bytes(byte[] bytes, int from, int length) {
            ensure(length);
            System.arraycopy(bytes, from, buffer, size, length);
            size += length;
            return this;
        }

        Bytes bytes(Bytes other) {
            return bytes(other.buffer, 0, other.size);
        }

        /** A non-negative int in 7-bit groups, low first, the high bit set on all but the last. */
        Bytes varint(int value) {
            ensure(5);
            int rest = value;
            while (rest >= 0x80) {
                buffer[size++] = (byte) (rest & 0x7f | 0x80);
                rest >>>= 7;
            }
            buffer[size++] = (byte) rest;
            return this;
        }

        /** A string of which every char is below 0x80 is copied char by char; others go through UTF-8. */
        Bytes ascii(String text) {
            int length = text.length();
            ensure(length);
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c >= 0x80) {
                    size -= i;
                    return bytes(text.getBytes(StandardCharsets.UTF_8));
                }
                buffer[size++] = (byte) c;
            }
            return this;
        }

        /**
         * {@code text} escaped: backslash and newline always, the double quote when {@code quotes}
         * (label values and OpenMetrics help; text 0.0.4 help leaves quotes alone). One pass for
         * ASCII; from the first other char on, through {@link String#getBytes} (UTF-8, an unpaired
         * surrogate as {@code ?}, as client_java's OutputStreamWriter writes it).
         */
        void escaped(String text, boolean quotes) {
            int length = text.length();
            ensure(2 * length);
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c >= 0x80) {
                    StringBuilder rest = new StringBuilder(length - i + 8);
                    for (int j = i; j < length; j++) {
                        char d = text.charAt(j);
                        rest.append(d == '\\' ? "\\\\" : d == '\n' ? "\\n" : d == '"' && quotes ? "\\\"" : String.valueOf(d));
                    }
                    bytes(rest.toString().getBytes(StandardCharsets.UTF_8));
                    return;
                }
                if (c == '\\' || c == '\n' || c == '"' && quotes) {
                    buffer[size++] = '\\';
                    buffer[size++] = (byte) (c == '\n' ? 'n' : c);
                } else {
                    buffer[size++] = (byte) c;
                }
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer, size);
        }

        void reset() {
            size = 0;
        }

        Bytes number(double value) {
            long whole = (long) value;
            if (whole == value && whole > -WHOLE_LIMIT && whole < WHOLE_LIMIT && (whole != 0 || Double.doubleToRawLongBits(value) == 0)) {
                // Double.toString writes a whole number below 10^7 as its digits and ".0" ("-0.0" excepted)
                return wholeNumber(whole).ascii(".0");
            }
            return ascii(value == Double.POSITIVE_INFINITY ? "+Inf" : value == Double.NEGATIVE_INFINITY ? "-Inf" : Double.toString(value));
        }

        /** {@code value}'s decimal digits, as {@link Long#toString} writes them, without a String. */
        private Bytes wholeNumber(long value) {
            ensure(20);
            if (value < 0) {
                buffer[size++] = '-';
            }
            long rest = Math.abs(value); // never Long.MIN_VALUE: counts are >= 0, other numbers below 10^7
            int digits = 1;
            for (long left = rest; left >= 10; left /= 10) {
                digits++;
            }
            for (int i = size + digits - 1; i >= size; i--) {
                buffer[i] = (byte) ('0' + rest % 10);
                rest /= 10;
            }
            size += digits;
            return this;
        }

        private void ensure(int extra) {
            if (size + extra > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
            }
        }

        /** The bytes written, without a copy: nothing may write to this buffer afterwards. */
        ByteBuffer asByteBuffer() {
            return ByteBuffer.wrap(buffer, 0, size);
        }
    }
}
