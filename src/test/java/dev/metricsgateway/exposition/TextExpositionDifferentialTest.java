package dev.metricsgateway.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.catalog.CatalogSource;
import dev.metricsgateway.catalog.MetricSpec;
import dev.metricsgateway.catalog.MetricType;
import dev.metricsgateway.core.GatewaySnapshot;
import dev.metricsgateway.core.GaugeSample;
import dev.metricsgateway.core.MetricFamilySnapshot;
import dev.metricsgateway.core.Quantiles;
import dev.metricsgateway.core.SeriesSample;
import dev.metricsgateway.core.SummarySample;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * {@link TextExposition} against client_java's writers (through {@link SnapshotConverter}), byte
 * for byte, over random snapshots with a fixed seed: label values that need escaping or are not
 * ASCII (an unpaired surrogate included), NaN, infinities, -0.0, tiny and huge numbers, NaN sums,
 * timestamps at the edges of a second, label names declared out of alphabetical order, and help
 * texts with quotes, backslashes and non-ASCII characters; both formats, with and without
 * timestamps.
 */
class TextExpositionDifferentialTest {

    private static final String CATALOG = """
            event_types:
              upload:
                fields:
                  zone: {type: label}
                  bucket: {type: label}
                  size: {type: number, min: 0}
            metrics:
              upload_size_by_zone:
                type: gauge
                stage: GA
                help: 'Bytes "uploaded" per zone \\\\ bucket, in €.'
                event_type: upload
                labels: [zone, bucket]
                aggregation: rate
                field: size
              upload_size_distribution:
                type: summary
                stage: Preview
                help: Sizes of uploads.
                event_type: upload
                labels: [zone, bucket]
                aggregation: summary
                field: size
            """;

    /** Whole numbers around the edges of the writer's fast path for them (below 10^7 in magnitude). */
    private static final double[] WHOLE_NUMBERS = {0.0, 1.0, -1.0, 9.0, 10.0, -10.0, 99.0, 100.0, 9_999_999.0, -9_999_999.0,
        10_000_000.0, -10_000_000.0, 123_456_789.0, 1e18, -1e18, 0x1p63, 4_294_967_296.0};
    private static final String[] PIECES = {"a", "b", "fs-1", "us-west-2", "\\", "\"", "\n", "é", "€", "😀", "\ud800", " ", "{", "}", "="};

    @Test
    void writesWhatClientJavaWritesForRandomSnapshots() {
        Catalog catalog = CatalogLoader.load(List.of(CatalogLoader.defaultSource(), new CatalogSource("diff.yaml", CATALOG)));
        List<MetricSpec> specs = new ArrayList<>(catalog.metrics().values());
        specs.sort(Comparator.comparing(MetricSpec::name));
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            GatewaySnapshot snapshot = randomSnapshot(specs, random);
            assertThat(TextExposition.supports(snapshot)).isTrue();
            for (boolean timestamps : new boolean[] {true, false}) {
                ExpositionWriter writer = new ExpositionWriter(timestamps);
                for (ExpositionFormat format : ExpositionFormat.values()) {
                    String direct = new String(writer.write(snapshot, format), StandardCharsets.UTF_8);
                    String reference = new String(writer.writeWithClientJava(snapshot, format), StandardCharsets.UTF_8);
                    assertThat(direct).as("round %d, %s, timestamps %s", round, format, timestamps).isEqualTo(reference);
                }
            }
        }
    }

    /**
     * Families larger than a rendering part, rendered in parts by two threads: the parts join
     * into exactly what client_java writes.
     */
    @Test
    void aLargeSnapshotRenderedInPartsOnTwoThreadsIsWhatClientJavaWrites() {
        Catalog catalog = CatalogLoader.load(List.of(CatalogLoader.defaultSource(), new CatalogSource("diff.yaml", CATALOG)));
        List<MetricSpec> specs = new ArrayList<>(catalog.metrics().values());
        specs.sort(Comparator.comparing(MetricSpec::name));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Random random = new Random(7);
            for (int round = 0; round < 3; round++) {
                GatewaySnapshot snapshot = randomSnapshot(specs, random, 3 * TextExposition.SAMPLES_PER_PART);
                assertThat(snapshot.families().stream().mapToInt(family -> family.samples().size()).max().orElseThrow())
                        .as("a family spans several parts").isGreaterThan(TextExposition.SAMPLES_PER_PART);
                ExpositionWriter writer = new ExpositionWriter(true);
                for (ExpositionFormat format : ExpositionFormat.values()) {
                    Rendering parts = writer.render(snapshot, format, pool);
                    assertThat(parts.parts()).hasSizeGreaterThan(2);
                    byte[] reference = writer.writeWithClientJava(snapshot, format);
                    assertThat(parts.size()).isEqualTo(reference.length);
                    assertThat(new String(parts.toByteArray(), StandardCharsets.UTF_8)).as("round %d, %s", round, format)
                            .isEqualTo(new String(reference, StandardCharsets.UTF_8));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static GatewaySnapshot randomSnapshot(List<MetricSpec> specs, Random random) {
        return randomSnapshot(specs, random, 6);
    }

    private static GatewaySnapshot randomSnapshot(List<MetricSpec> specs, Random random, int maxSeries) {
        List<MetricFamilySnapshot> families = new ArrayList<>();
        for (MetricSpec spec : specs) {
            Set<List<String>> labelSets = new LinkedHashSet<>();
            int series = random.nextInt(4) == 0 ? 0 : random.nextInt(maxSeries);
            for (int i = 0; i < series; i++) {
                List<String> values = new ArrayList<>();
                for (int l = 0; l < spec.labels().size(); l++) {
                    values.add(randomLabel(random));
                }
                labelSets.add(values);
            }
            List<SeriesSample> samples = new ArrayList<>();
            for (List<String> values : labelSets) {
                samples.add(spec.type() == MetricType.GAUGE ? new GaugeSample(values, randomNumber(random)) : randomSummary(values, random));
            }
            // either the core's order (values in the order of the sorted label names) or the
            // catalog's label order, which the writer must sort itself
            List<Integer> positions = new ArrayList<>();
            for (int i = 0; i < spec.labels().size(); i++) {
                positions.add(i);
            }
            boolean coreOrder = random.nextBoolean();
            if (coreOrder) {
                positions.sort(Comparator.comparing(i -> spec.labels().get(i).name()));
            }
            samples.sort((a, b) -> {
                for (int i : positions) {
                    int order = a.labelValues().get(i).compareTo(b.labelValues().get(i));
                    if (order != 0) {
                        return order;
                    }
                }
                return 0;
            });
            // the core's order comes with its promise, which lets the writer skip its own check
            families.add(new MetricFamilySnapshot(spec, samples, coreOrder));
        }
        long[] times = {1_700_000_000_000L, 1_700_000_000_007L, 1_700_000_000_099L, 1_700_000_000_999L, 1_700_000_000_123L};
        return new GatewaySnapshot(times[random.nextInt(times.length)], families);
    }

    private static SummarySample randomSummary(List<String> values, Random random) {
        double[] quantiles = new double[Quantiles.count()];
        boolean empty = random.nextInt(4) == 0;
        for (int i = 0; i < quantiles.length; i++) {
            quantiles[i] = empty ? Double.NaN : Math.abs(randomNumber(random));
        }
        long count = random.nextInt(3) == 0 ? 0 : random.nextLong() & Long.MAX_VALUE;
        double sum = random.nextInt(8) == 0 ? Double.NaN : randomNumber(random);
        return new SummarySample(values, quantiles, count, sum);
    }

    private static String randomLabel(Random random) {
        StringBuilder label = new StringBuilder();
        int pieces = 1 + random.nextInt(4);
        for (int i = 0; i < pieces; i++) {
            label.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return label.toString();
    }

    private static double randomNumber(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> Double.NaN;
            case 1 -> Double.POSITIVE_INFINITY;
            case 2 -> Double.NEGATIVE_INFINITY;
            case 3 -> -0.0;
            case 4 -> random.nextInt(1000);
            case 7 -> WHOLE_NUMBERS[random.nextInt(WHOLE_NUMBERS.length)];
            case 5 -> random.nextDouble() * 1e-9;
            case 6 -> random.nextDouble() * 1e20;
            default -> random.nextDouble() * 100 - 50;
        };
    }
}
