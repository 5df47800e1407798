package dev.metricsgateway.core;

import static dev.metricsgateway.core.CheckpointEngines.NOW;
import static dev.metricsgateway.core.CheckpointEngines.checkpoint;
import static dev.metricsgateway.core.CheckpointEngines.engine;
import static dev.metricsgateway.core.CheckpointEngines.feed;
import static dev.metricsgateway.core.CheckpointEngines.restore;
import static dev.metricsgateway.core.CheckpointEngines.seriesCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged checkpoints never escape the restore API as anything but a {@link CheckpointException},
 * never half-restore, and whatever does restore can still be scraped. Mutations (fixed seed): bit
 * flips, random bytes, truncation, insertion, deletion and duplication of byte ranges; once as they
 * come (the checksum must catch them) and once with the checksum recomputed, so the decoder's own
 * checks are what is tested.
 */
class CheckpointFuzzTest {

    private static final int MUTATIONS = 300;

    private final byte[] valid = validCheckpoint();

    private static byte[] validCheckpoint() {
        AggregationEngine engine = engine();
        feed(engine, new Random(11), 150, NOW);
        return checkpoint(engine, NOW);
    }

    @Test
    void mutatedCheckpointsAreRefusedByTheirChecksum() {
        Random random = new Random(12);
        int refused = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] damaged = mutate(valid, random);
            if (Arrays.equals(damaged, valid)) {
                continue;
            }
            Outcome outcome = tryRestore(damaged, i);
            assertThat(outcome).as("mutation %d restored although its bytes changed", i).isNotEqualTo(Outcome.RESTORED);
            refused++;
        }
        assertThat(refused).isGreaterThan(MUTATIONS * 9 / 10);
    }

    @Test
    void mutatedCheckpointsWithAValidChecksumAreRefusedOrRestoreToAScrapeableEngine() {
        Random random = new Random(13);
        int[] outcomes = new int[Outcome.values().length];
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] damaged = mutate(valid, random);
            if (damaged.length >= 4) {
                EngineCheckpointTest.fixChecksum(damaged);
            }
            outcomes[tryRestore(damaged, i).ordinal()]++;
        }
        // Most damage is caught by the decoder's own checks, not merely survived.
        assertThat(outcomes[Outcome.CORRUPT.ordinal()]).as(Arrays.toString(outcomes)).isGreaterThan(MUTATIONS / 2);
    }

    private enum Outcome { RESTORED, CORRUPT, INCOMPATIBLE }

    /** Restores into a fresh engine: only CheckpointException may come out; a refusal leaves the engine empty. */
    private static Outcome tryRestore(byte[] damaged, int mutation) {
        AggregationEngine engine = engine();
        try {
            restore(engine, damaged, NOW);
        } catch (CheckpointException e) {
            assertThat(seriesCount(engine.snapshot(NOW))).as("mutation %d: refused, yet series were restored", mutation).isZero();
            return e.reason() == CheckpointException.Reason.CORRUPT ? Outcome.CORRUPT : Outcome.INCOMPATIBLE;
        } catch (Throwable e) {
            fail("mutation " + mutation + " escaped the API as " + e, e);
        }
        try {
            // A restore that passed every check must leave an engine the scrape can render.
            engine.snapshot(NOW);
            engine.snapshot(NOW + 301_000);
            feed(engine, new Random(mutation), 20, NOW + 1_000);
        } catch (RuntimeException e) {
            fail("mutation " + mutation + " restored a state that breaks the engine: " + e, e);
        }
        return Outcome.RESTORED;
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(6)) {
            case 0 -> {
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    int position = random.nextInt(bytes.length);
                    bytes[position] ^= (byte) (1 << random.nextInt(8));
                }
                yield bytes;
            }
            case 1 -> {
                bytes[at] = (byte) random.nextInt(256);
                yield bytes;
            }
            case 2 -> Arrays.copyOf(bytes, at);
            case 3 -> {
                byte[] inserted = new byte[1 + random.nextInt(16)];
                random.nextBytes(inserted);
                yield concat(Arrays.copyOf(bytes, at), inserted, Arrays.copyOfRange(bytes, at, bytes.length));
            }
            case 4 -> concat(Arrays.copyOf(bytes, at), Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(64)), bytes.length));
            default -> {
                int end = Math.min(bytes.length, at + 1 + random.nextInt(256));
                yield concat(Arrays.copyOf(bytes, end), Arrays.copyOfRange(bytes, at, bytes.length));
            }
        };
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(part -> part.length).sum();
        byte[] joined = new byte[length];
        int position = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, joined, position, part.length);
            position += part.length;
        }
        return joined;
    }
}
