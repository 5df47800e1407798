package dev.metricsgateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MeanWindow}'s exact seconds ({@link ExactMeanSeconds}): ages of millisecond timestamps
 * weighted by row counts give the exact Σ / Σ rounded once, through late writes, gaps, checkpoints
 * and merges; a steady dense series costs about a byte a second; an input that is not exact moves
 * the window to doubles without changing what it read.
 */
class ExactMeanSecondsTest {

    private static final long BASE = 1_700_000_000L;

    /** One accepted write: an age in milliseconds and a whole weight. */
    private record Write(long second, long millis, long weight) {
    }

    @ParameterizedTest(name = "W = {0} s")
    @ValueSource(ints = {1, 3, 300})
    void millisecondAgesWeightedByRowsGiveTheExactMeanRoundedOnce(int window) throws CheckpointException {
        for (int seed = 0; seed < 10; seed++) {
            Random random = new Random(seed);
            MeanWindow means = new MeanWindow(window);
            List<Write> writes = new ArrayList<>();
            long newest = Long.MIN_VALUE;
            long now = BASE;
            for (int step = 0; step < 3_000; step++) {
                now += random.nextInt(10) == 0 ? random.nextInt(2 * window + 2) : random.nextInt(2);
                long second = now - (random.nextInt(4) == 0 ? random.nextInt(window + 3) : 0);
                // whole seconds first (held in units), then milliseconds (every held sum moves to thousandths)
                long millis = step < 1_000 ? 1000L * (random.nextInt(600_000) - 1_000)
                        : random.nextInt(8) == 0 ? -random.nextInt(5_000) : random.nextInt(600_000_000);
                long weight = random.nextInt(5) == 0 ? 0 : random.nextInt(100_000);
                means.add(second, millis / 1000.0, weight);
                if (newest == Long.MIN_VALUE || second > newest - window) {
                    newest = Math.max(newest, second);
                    writes.add(new Write(second, millis, weight));
                    long keepAfter = newest - window;
                    writes.removeIf(write -> write.second() <= keepAfter);
                }
                long readAt = now + random.nextInt(window + 2);
                assertSameDouble(means.mean(readAt), exactMean(writes, readAt, window), "seed " + seed + " step " + step);
            }
            assertThat(means.isExact()).isTrue();
            long readAt = now + 1;
            MeanWindow restored = new MeanWindow(window);
            roundTrip(means, restored);
            assertThat(restored.isExact()).isTrue();
            assertSameDouble(restored.mean(readAt), means.mean(readAt), "restored");
            MeanWindow merged = new MeanWindow(window);
            merged.mergeBuckets(means);
            merged.mergeBuckets(means);
            assertThat(merged.isExact()).isTrue();
            assertSameDouble(merged.mean(readAt), means.mean(readAt), "merged twice"); // doubling every sum keeps the mean
        }
    }

    @Test
    void wholeNumbersReadAsTheDoubleSumsReadThemBefore() {
        // the memory benchmark's series: ages past the range of an int once weighted
        MeanWindow means = new MeanWindow(300);
        double weightedSum = 0;
        double weightSum = 0;
        for (int second = 0; second < 300; second++) {
            double age = (1_800_000_000_000L + second * 1000L - 1_700_000_030_000L) / 1000.0;
            means.add(BASE + second, age, 990);
            weightedSum += 990 * age;
            weightSum += 990;
            assertSameDouble(means.mean(BASE + second), weightedSum / weightSum, "second " + second);
        }
        assertThat(means.isExact()).isTrue();
    }

    @Test
    void aSteadyDenseSeriesCostsAboutAByteASecond() {
        MeanWindow steady = new MeanWindow(300);
        MeanWindow noisy = new MeanWindow(300);
        List<Write> noisyWrites = new ArrayList<>();
        Random random = new Random(1);
        for (int second = 0; second < 900; second++) {
            steady.add(BASE + second, 30.0 + second, 990); // a stalled job: the age grows a second a second
            Write write = new Write(BASE + second, random.nextInt(60_000), random.nextInt(2_000));
            noisy.add(write.second(), write.millis() / 1000.0, write.weight());
            noisyWrites.add(write);
            if (second % 7 == 0) { // reads every few seconds: the writes in between drop nothing, a read drops what left
                assertSameDouble(noisy.mean(BASE + second), exactMean(noisyWrites, BASE + second, 300), "second " + second);
            }
        }
        assertThat(steady.storedBytes()).isBetween(300, 400);
        MeanWindow wholeNumbers = new MeanWindow(300);
        for (int second = 0; second < 300; second++) {
            wholeNumbers.add(BASE + second, random.nextInt(1000), 1); // counted in units: a delta of delta within ±4000 takes 2 bytes
        }
        assertThat(wholeNumbers.storedBytes()).isLessThan(300 * 3);
        // random ages and weights: no slope to follow, still under the 10 bytes a second of a double and a short
        assertThat(noisy.storedBytes()).isLessThan(300 * 8);
        assertThat(noisy.isExact()).isTrue();
    }

    @Test
    void anInputFinerThanAThousandthMovesToDoublesAndKeepsWhatWasRead() {
        MeanWindow means = new MeanWindow(300);
        for (int second = 0; second < 10; second++) {
            means.add(BASE + second, 2.5 + second, 4);
        }
        double before = means.mean(BASE + 9);
        means.add(BASE + 10, 0.0001, 0);
        assertThat(means.isExact()).isFalse();
        assertSameDouble(means.mean(BASE + 9), before, "after moving to doubles");
        means.add(BASE + 10, 1.25, 2);
        assertThat(means.mean(BASE + 10)).isEqualTo((before * 40 + 2.5) / 42, org.assertj.core.api.Assertions.within(1e-12));
        means.add(BASE + 11, 1, 0.5);
        assertThat(means.isExact()).isFalse();
    }

    @Test
    void aFractionalWeightOrAHugeSumMovesToDoubles() {
        MeanWindow fractional = new MeanWindow(300);
        fractional.add(BASE, 1, 1);
        fractional.add(BASE + 1, 3, 0.5);
        assertThat(fractional.isExact()).isFalse();
        assertThat(fractional.mean(BASE + 1)).isEqualTo(2.5 / 1.5);
        MeanWindow huge = new MeanWindow(300);
        huge.add(BASE, 1e12, 1);
        assertThat(huge.isExact()).isTrue();
        huge.add(BASE, 1e12, 1_000_000); // 10^21 thousandths: past the exact range
        assertThat(huge.isExact()).isFalse();
        assertThat(huge.mean(BASE)).isEqualTo(1e12);
    }

    @Test
    void aWindowLongerThanTheExactTotalsAllowHoldsDoubles() {
        MeanWindow day = new MeanWindow(86_400);
        assertThat(day.isExact()).isFalse();
        day.add(BASE, 1.5, 2);
        day.add(BASE + 50_000, 3, 1);
        assertThat(day.mean(BASE + 50_000)).isEqualTo(2.0);
        assertThat(new MeanWindow(ExactMeanSeconds.MAX_WINDOW).isExact()).isTrue();
    }

    @Test
    void thousandthsAreRecoveredOnlyWhenExact() {
        assertThat(ExactMeanSeconds.thousandths(0.001)).isEqualTo(1);
        assertThat(ExactMeanSeconds.thousandths(-99_970.123)).isEqualTo(-99_970_123);
        assertThat(ExactMeanSeconds.thousandths(0.0005)).isEqualTo(Long.MIN_VALUE);
        assertThat(ExactMeanSeconds.thousandths(Double.POSITIVE_INFINITY)).isEqualTo(Long.MIN_VALUE);
        assertThat(ExactMeanSeconds.thousandths(0x1p43)).isEqualTo(Long.MIN_VALUE);
        assertThat(ExactMeanSeconds.whole(7)).isEqualTo(7);
        assertThat(ExactMeanSeconds.whole(7.5)).isEqualTo(Long.MIN_VALUE);
    }

    /** Σ weight × millis / (1000 Σ weight) in exact decimal arithmetic, then rounded to a double; NaN when the weights sum to 0. */
    private static double exactMean(List<Write> writes, long nowSecond, int window) {
        BigDecimal weighted = BigDecimal.ZERO;
        long weights = 0;
        for (Write write : writes) {
            if (write.second() > nowSecond - window && write.second() <= nowSecond) {
                weighted = weighted.add(BigDecimal.valueOf(write.weight()).multiply(BigDecimal.valueOf(write.millis())));
                weights += write.weight();
            }
        }
        if (weights == 0) {
            return Double.NaN;
        }
        return weighted.divide(BigDecimal.valueOf(weights * 1000L), new MathContext(60)).doubleValue();
    }

    private static void assertSameDouble(double actual, double expected, String where) {
        assertThat(Double.valueOf(actual).equals(expected)).as("%s: %s where %s was expected", where, actual, expected).isTrue();
    }

    private static void roundTrip(MeanWindow from, MeanWindow into) throws CheckpointException {
        StateWriter out = new StateWriter();
        from.writeBuckets(out, BASE + 17);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            out.writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StateReader in = new StateReader(bytes.toByteArray());
        into.readBuckets(in, BASE + 17);
        in.expectEnd();
    }
}
