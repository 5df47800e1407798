package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The compact windows against brute-force oracles over random writes and reads (fixed seeds):
 * {@link SumWindow}, {@link MeanWindow} and {@link MaxWindow} against a list of every accepted
 * write, {@link HistogramWindow} against HdrHistogram itself, and each window through a
 * checkpoint round trip and a merge. Writes go to seconds around a clock that moves forward in
 * random steps, late by up to a window and more, as events dated by their senders do.
 */
class WindowOracleTest {

    /** One accepted write. */
    private record Write(long second, double value, double weight) {
    }

    /**
     * What every window of length {@code window} must hold: a write at or before {@code newest −
     * window} is dropped, and writes leave once a newer second puts them there.
     */
    private static final class Oracle {
        private final int window;
        private final List<Write> writes = new ArrayList<>();
        private long newest = Long.MIN_VALUE;

        Oracle(int window) {
            this.window = window;
        }

        void add(long second, double value, double weight) {
            if (newest != Long.MIN_VALUE && second <= newest - window) {
                return;
            }
            newest = Math.max(newest, second);
            writes.add(new Write(second, value, weight));
            writes.removeIf(write -> write.second() <= newest - window);
        }

        List<Write> inWindow(long nowSecond) {
            return writes.stream().filter(w -> w.second() > nowSecond - window && w.second() <= nowSecond).toList();
        }
    }

    private static final long BASE = 1_700_000_000L;

    @ParameterizedTest(name = "W = {0} s")
    @ValueSource(ints = {1, 2, 7, 300})
    void sumAndMeanMatchTheOracle(int window) throws CheckpointException {
        for (int seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            SumWindow sums = new SumWindow(window);
            MeanWindow means = new MeanWindow(window);
            Oracle oracle = new Oracle(window);
            long now = BASE;
            for (int step = 0; step < 2_000; step++) {
                now += random.nextInt(10) == 0 ? random.nextInt(2 * window + 2) : random.nextInt(2);
                long second = now - (random.nextInt(4) == 0 ? random.nextInt(window + 3) : 0);
                // whole numbers of every width first, fractions later: the columns widen on the way
                double value = step < 500 ? random.nextInt(100) : step < 1_000 ? random.nextInt(100_000) - 50_000
                        : step < 1_500 ? random.nextInt() : random.nextDouble() * 1000;
                double weight = random.nextInt(5);
                sums.add(second, value);
                means.add(second, value, weight);
                oracle.add(second, value, weight);
                long readAt = now + random.nextInt(window + 2);
                List<Write> expected = oracle.inWindow(readAt);
                double sum = expected.stream().mapToDouble(Write::value).sum();
                double weightSum = expected.stream().mapToDouble(Write::weight).sum();
                double weighted = expected.stream().mapToDouble(w -> w.weight() * w.value()).sum();
                assertThat(sums.sum(readAt)).as("seed %d step %d", seed, step).isCloseTo(sum, relative(sum));
                if (weightSum == 0) {
                    assertThat(means.mean(readAt)).isNaN();
                } else {
                    assertThat(means.mean(readAt)).as("seed %d step %d", seed, step)
                            .isCloseTo(weighted / weightSum, relative(weighted / weightSum));
                }
            }
            long readAt = now + 1;
            SumWindow restoredSums = new SumWindow(window);
            roundTrip(sums::writeBuckets, restoredSums::readBuckets);
            assertSameDouble(restoredSums.sum(readAt), sums.sum(readAt));
            MeanWindow restoredMeans = new MeanWindow(window);
            roundTrip(means::writeBuckets, restoredMeans::readBuckets);
            assertSameDouble(restoredMeans.mean(readAt), means.mean(readAt));
            SumWindow merged = new SumWindow(window);
            merged.mergeBuckets(sums);
            merged.mergeBuckets(sums);
            assertThat(merged.sum(readAt)).isCloseTo(2 * sums.sum(readAt), relative(sums.sum(readAt)));
        }
    }

    @ParameterizedTest(name = "W = {0} s")
    @ValueSource(ints = {1, 2, 7, 300})
    void maxMatchesTheOracleAndKeepsOnlyDominatingSeconds(int window) throws CheckpointException {
        long keptTotal = 0;
        long reads = 0;
        for (int seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            MaxWindow maxima = new MaxWindow(window);
            Oracle oracle = new Oracle(window);
            long now = BASE;
            for (int step = 0; step < 3_000; step++) {
                now += random.nextInt(10) == 0 ? random.nextInt(2 * window + 2) : random.nextInt(2);
                long second = now - (random.nextInt(4) == 0 ? random.nextInt(window + 3) : 0);
                double value = random.nextInt(3) == 0 ? random.nextInt(10) : random.nextDouble() * 100 - 50;
                maxima.add(second, value);
                oracle.add(second, value, 1);
                // windows only move forward: read at or after the newest second
                long readAt = oracle.newest + random.nextInt(window + 2);
                double expected = oracle.inWindow(readAt).stream().mapToDouble(Write::value).max().orElse(Double.NaN);
                assertSameDouble(maxima.max(readAt), expected);
                keptTotal += maxima.keptSeconds();
                reads++;
            }
            MaxWindow restored = new MaxWindow(window);
            roundTrip(maxima::writeBuckets, restored::readBuckets);
            MaxWindow merged = new MaxWindow(window);
            merged.mergeBuckets(maxima);
            for (int later = 0; later <= window; later++) {
                assertSameDouble(restored.max(oracle.newest + later), maxima.max(oracle.newest + later));
                assertSameDouble(merged.max(oracle.newest + later), maxima.max(oracle.newest + later));
            }
        }
        // the point of the deque: far fewer seconds than the window holds
        assertThat((double) keptTotal / reads).isLessThan(Math.max(3, window / 4.0));
    }

    @Test
    void aFallingValueEverySecondKeepsEverySecondAndStillReadsRight() {
        MaxWindow maxima = new MaxWindow(300);
        for (int second = 0; second < 600; second++) {
            maxima.add(BASE + second, 1000 - second);
            assertThat(maxima.max(BASE + second)).isEqualTo(1000 - Math.max(0, second - 299));
        }
        assertThat(maxima.keptSeconds()).isEqualTo(300);
    }

    @Test
    void histogramQuantilesAreHdrHistogramsForTheSameValues() throws CheckpointException {
        for (int seed = 0; seed < 10; seed++) {
            histogramsMatchTheOracle(seed, 3_000, 1, 7);
        }
    }

    /**
     * Up to thousands of values a second, more than wait unsorted for their second's histogram
     * ({@link HistogramWindow#MAX_PENDING}), and reads, checkpoints and merges between them.
     */
    @Test
    void busySecondsReadAsHdrHistogramsDoWhileTheirValuesWait() throws CheckpointException {
        for (int seed = 0; seed < 4; seed++) {
            histogramsMatchTheOracle(seed, 200, 3 * HistogramWindow.MAX_PENDING, 20);
        }
    }

    private static void histogramsMatchTheOracle(int seed, int steps, int maxBurst, int readEvery) throws CheckpointException {
        int window = 30;
        Random random = new Random(seed);
        HistogramWindow histograms = new HistogramWindow(window);
        List<long[]> recorded = new ArrayList<>(); // {second, recorded value}
        long newest = Long.MIN_VALUE;
        long lastRead = Long.MIN_VALUE;
        long now = BASE;
        for (int step = 0; step < steps; step++) {
            now += random.nextInt(20) == 0 ? random.nextInt(2 * window) : random.nextInt(2);
            int burst = 1 + random.nextInt(maxBurst);
            // a late value flushes the values waiting: only a burst without them fills the pending array
            boolean lateValues = random.nextBoolean();
            for (int b = 0; b < burst; b++) {
                long second = now - (lateValues && random.nextInt(4) == 0 ? random.nextInt(window + 3) : 0);
                double value = random.nextInt(10) == 0 ? random.nextInt(3) : Math.pow(10, -7 + 10 * random.nextDouble());
                histograms.record(second, value);
                if (newest == Long.MIN_VALUE || second > newest - window) {
                    newest = Math.max(newest, second);
                    recorded.add(new long[] {second, histograms.toRecorded(value)});
                }
            }
            // reads move forward, as the scrape clock does: a read drops the seconds that left its window
            long readAt = Math.max(lastRead, newest + (random.nextBoolean() ? 0 : random.nextInt(window + 2)));
            if (step % readEvery == 0) {
                lastRead = readAt;
                assertThat(histograms.quantiles(readAt)).as("seed %d step %d", seed, step)
                        .containsExactly(hdrQuantiles(histograms, recorded, readAt, window));
            } else if (step % readEvery == readEvery / 2 && maxBurst > 1) {
                // a checkpoint or a merge of a window with values waiting, then more values into both
                HistogramWindow copy = new HistogramWindow(window);
                if (random.nextBoolean()) {
                    roundTrip(histograms::writeBuckets, copy::readBuckets);
                } else {
                    copy.mergeBuckets(histograms);
                }
                histograms = copy;
            }
        }
        long readAt = Math.max(lastRead, newest);
        double[] before = histograms.quantiles(readAt);
        HistogramWindow restored = new HistogramWindow(window);
        roundTrip(histograms::writeBuckets, restored::readBuckets);
        assertThat(restored.quantiles(readAt)).containsExactly(before);
        HistogramWindow merged = new HistogramWindow(window);
        merged.mergeBuckets(histograms);
        merged.mergeBuckets(histograms);
        assertThat(merged.quantiles(readAt)).containsExactly(before); // doubling every count moves no quantile
        assertThat(merged.runningBuckets()).isEqualTo(histograms.runningBuckets());
    }

    @Test
    void aReadBeforeTheNewestSecondSeesOnlyItsOwnWindow() {
        HistogramWindow histograms = new HistogramWindow(10);
        histograms.record(BASE, 1.0);
        histograms.record(BASE + 5, 2.0);
        assertThat(histograms.quantiles(BASE + 4)).containsOnly(histograms.quantiles(BASE + 4)[0]);
        assertThat(histograms.quantiles(BASE + 4)[0]).isCloseTo(1.0, within(0.01));
        assertThat(histograms.quantiles(BASE + 5)[0]).isCloseTo(1.0, within(0.01));
        assertThat(histograms.quantiles(BASE + 5)[4]).isCloseTo(2.0, within(0.02));
        assertThat(histograms.quantiles(BASE + 12)[0]).isCloseTo(2.0, within(0.02));
        assertThat(histograms.quantiles(BASE + 15)[0]).isNaN();
        assertThat(histograms.runningBuckets()).isZero();
    }

    @Test
    void aCheckpointedHistogramCountTooLargeToPackIsCorrupt() {
        org.HdrHistogram.PackedHistogram histogram = new org.HdrHistogram.PackedHistogram(HistogramWindow.SIGNIFICANT_DIGITS);
        histogram.recordValueWithCount(1_000, HistogramBuckets.COUNT_MASK / 300 + 1);
        StateWriter out = new StateWriter();
        out.writeVarLong(1);
        out.writeSignedVarLong(0);
        out.writeHistogram(histogram);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            out.writeTo(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HistogramWindow(300).readBuckets(new StateReader(bytes.toByteArray()), BASE))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("not a possible count");
    }

    @Test
    void wholeNumbersTakeTheNarrowestWidthAndReadBackExactly() {
        Object column = PackedColumn.create(4);
        Object same = PackedColumn.set(column, 0, 127);
        assertThat(same).isSameAs(column); // fits: written in place
        assertThat(PackedColumn.bytesPerValue(column)).isEqualTo(1);
        column = PackedColumn.add(column, 0, 1);
        assertThat(PackedColumn.bytesPerValue(column)).isEqualTo(2);
        column = PackedColumn.set(column, 1, -40_000);
        assertThat(PackedColumn.bytesPerValue(column)).isEqualTo(4);
        column = PackedColumn.set(column, 2, -0.0);
        assertThat(PackedColumn.bytesPerValue(column)).isEqualTo(8);
        assertThat(Double.doubleToRawLongBits(PackedColumn.get(column, 2))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(PackedColumn.get(column, 0)).isEqualTo(128.0);
        assertThat(PackedColumn.get(column, 1)).isEqualTo(-40_000.0);
        assertThat(PackedColumn.sum(column, 3, 3)).isEqualTo(128.0 - 40_000.0);
        assertThat(PackedColumn.length(PackedColumn.emptyCopy(column, 7))).isEqualTo(7);
        assertThat(PackedColumn.bytesPerValue(PackedColumn.emptyCopy(column, 7))).isEqualTo(8); // a column only widens
    }

    private static double[] hdrQuantiles(HistogramWindow window, List<long[]> recorded, long nowSecond, int length) {
        Histogram hdr = new Histogram(HistogramWindow.SIGNIFICANT_DIGITS);
        long newest = recorded.stream().mapToLong(r -> r[0]).max().orElseThrow();
        for (long[] value : recorded) {
            // the window drops what a newer second pushed out, whatever second it is read at
            if (value[0] > nowSecond - length && value[0] <= nowSecond && value[0] > newest - length) {
                hdr.recordValue(value[1]);
            }
        }
        double[] quantiles = new double[Quantiles.count()];
        for (int i = 0; i < quantiles.length; i++) {
            quantiles[i] = hdr.getTotalCount() == 0 ? Double.NaN
                    : window.fromRecorded(hdr.medianEquivalentValue(hdr.getValueAtPercentile(100 * Quantiles.at(i))));
        }
        return quantiles;
    }

    /** Equal as doubles, NaN equal to NaN. */
    private static void assertSameDouble(double actual, double expected) {
        assertThat(Double.valueOf(actual).equals(expected)).as("%s where %s was expected", actual, expected).isTrue();
    }

    private static org.assertj.core.data.Offset<Double> relative(double expected) {
        return org.assertj.core.data.Offset.offset(Math.max(1e-9, Math.abs(expected) * 1e-12));
    }

    private interface Writer {
        void write(StateWriter out, long baseSecond);
    }

    private interface Reader {
        void read(StateReader in, long baseSecond) throws CheckpointException;
    }

    private static void roundTrip(Writer writer, Reader reader) throws CheckpointException {
        StateWriter out = new StateWriter();
        writer.write(out, BASE + 17);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            out.writeTo(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        StateReader in = new StateReader(bytes.toByteArray());
        reader.read(in, BASE + 17);
        in.expectEnd();
    }
}
