package dev.metricsgateway.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.metricsgateway.catalog.Catalog;
import dev.metricsgateway.catalog.CatalogLoader;
import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.WindowSettings;
import dev.metricsgateway.testing.ManualClock;
import dev.metricsgateway.testing.TestEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint file of a data dir: what a start finds there and does with it, how writes end,
 * and who may write.
 */
class CheckpointStoreTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final Catalog CATALOG = CatalogLoader.loadDefault();

    @TempDir
    Path dataDir;

    private final ManualClock clock = new ManualClock(NOW);

    private static AggregationEngine engine() {
        return new AggregationEngine(CATALOG, WindowSettings.defaults());
    }

    private static AggregationEngine engineWithOneRequest() {
        AggregationEngine engine = engine();
        engine.apply(List.of(TestEvents.event(engine.schemas(), "feature_request", NOW, Map.of("aws_region", "us-west-2",
                "feature_service_id", "fs-1", "feature_service_name", "svc", "latency_seconds", 0.25, "status", 200))), NOW);
        return engine;
    }

    private static long series(AggregationEngine engine) {
        return engine.seriesCountByMetric().values().stream().mapToLong(Integer::longValue).sum();
    }

    private Path file() {
        return dataDir.resolve(CheckpointStore.FILE_NAME);
    }

    private List<String> dataDirFiles() throws IOException {
        try (Stream<Path> files = Files.list(dataDir)) {
            return files.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anEmptyDataDirHasNoCheckpointAndTheEngineStaysEmpty() {
        AggregationEngine engine = engine();
        try (CheckpointStore store = CheckpointStore.open(dataDir.resolve("new"), engine, clock)) {
            assertThat(store.restore()).isInstanceOf(RestoreOutcome.NoCheckpoint.class);
        }
        assertThat(series(engine)).isZero();
    }

    @Test
    void aWrittenCheckpointIsRestoredIntoTheNextEngine() throws IOException {
        Optional<CheckpointWrite> written;
        try (CheckpointStore store = CheckpointStore.open(dataDir, engineWithOneRequest(), clock)) {
            written = store.write();
        }
        assertThat(written).hasValueSatisfying(checkpoint -> {
            assertThat(checkpoint.takenAtMillis()).isEqualTo(NOW);
            assertThat(checkpoint.series()).isEqualTo(4);
            assertThat(checkpoint.bytes()).isEqualTo(file().toFile().length());
        });

        AggregationEngine restored = engine();
        clock.advanceMillis(2_000);
        try (CheckpointStore store = CheckpointStore.open(dataDir, restored, clock)) {
            RestoreOutcome outcome = store.restore();
            assertThat(outcome).isInstanceOfSatisfying(RestoreOutcome.Restored.class, done -> {
                assertThat(done.report().seriesRestored()).isEqualTo(4);
                assertThat(done.report().checkpointMillis()).isEqualTo(NOW);
            });
        }
        assertThat(series(restored)).isEqualTo(4);
    }

    @Test
    void aCorruptCheckpointIsRenamedWithItsKindAndTimeAndKeptAsItWas() throws IOException {
        byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
        Files.write(file(), garbage);
        AggregationEngine engine = engine();

        try (CheckpointStore store = CheckpointStore.open(dataDir, engine, clock)) {
            RestoreOutcome outcome = store.restore();

            assertThat(outcome).isInstanceOfSatisfying(RestoreOutcome.MovedAside.class, aside -> {
                assertThat(aside.kind()).isEqualTo("corrupt");
                assertThat(aside.movedTo().getFileName()).hasToString("aggregation.checkpoint.corrupt-20231114T221320Z");
                assertThat(aside.problem()).contains("no MGW-CKPT header");
            });
        }
        assertThat(file()).doesNotExist();
        assertThat(dataDir.resolve("aggregation.checkpoint.corrupt-20231114T221320Z")).hasBinaryContent(garbage);
        assertThat(series(engine)).isZero();
    }

    @Test
    void twoCheckpointsSetAsideInOneSecondNeverOverwriteEachOther() throws IOException {
        for (String content : List.of("first", "second", "third")) {
            Files.writeString(file(), content);
            try (CheckpointStore store = CheckpointStore.open(dataDir, engine(), clock)) {
                store.restore();
            }
        }

        assertThat(dataDirFiles()).contains("aggregation.checkpoint.corrupt-20231114T221320Z",
                "aggregation.checkpoint.corrupt-20231114T221320Z-1", "aggregation.checkpoint.corrupt-20231114T221320Z-2");
        assertThat(dataDir.resolve("aggregation.checkpoint.corrupt-20231114T221320Z")).hasContent("first");
        assertThat(dataDir.resolve("aggregation.checkpoint.corrupt-20231114T221320Z-2")).hasContent("third");
    }

    @Test
    void aCheckpointOfAnotherWindowIsSetAsideAsIncompatible() throws IOException {
        try (CheckpointStore store = CheckpointStore.open(dataDir, engineWithOneRequest(), clock)) {
            store.write();
        }
        AggregationEngine oneMinute = new AggregationEngine(CATALOG, new WindowSettings(60, 600_000, 60_000));

        try (CheckpointStore store = CheckpointStore.open(dataDir, oneMinute, clock)) {
            assertThat(store.restore()).isInstanceOfSatisfying(RestoreOutcome.MovedAside.class,
                    aside -> assertThat(aside.kind()).isEqualTo("incompatible"));
        }
        assertThat(series(oneMinute)).isZero();
    }

    @Test
    void aCheckpointThatCannotBeReadIsSetAsideAsUnreadable() throws IOException {
        Files.createDirectory(file()); // a directory where the file should be: opening it for reading fails

        try (CheckpointStore store = CheckpointStore.open(dataDir, engine(), clock)) {
            assertThat(store.restore()).isInstanceOfSatisfying(RestoreOutcome.MovedAside.class,
                    aside -> assertThat(aside.kind()).isEqualTo("unreadable"));
        }
        assertThat(file()).doesNotExist();
    }

    @Test
    void temporaryFilesOfACrashedWriteAreRemovedAtStart() throws IOException {
        Files.writeString(dataDir.resolve("aggregation.checkpoint.12345.tmp"), "half a checkpoint");

        try (CheckpointStore store = CheckpointStore.open(dataDir, engine(), clock)) {
            store.restore();
        }

        assertThat(dataDirFiles()).containsExactly(CheckpointStore.LOCK_FILE_NAME);
    }

    @Test
    void aSecondStoreOnTheSameDataDirNeitherRestoresNorWritesUntilTheFirstCloses() throws IOException {
        AggregationEngine second = engine();
        try (CheckpointStore first = CheckpointStore.open(dataDir, engineWithOneRequest(), clock)) {
            first.write();
            try (CheckpointStore other = CheckpointStore.open(dataDir, second, clock)) {
                assertThat(other.enabled()).isFalse();
                assertThat(other.restore()).isInstanceOf(RestoreOutcome.LockedByAnother.class);
                assertThat(other.write()).isEmpty();
            }
        }
        assertThat(series(second)).isZero();

        try (CheckpointStore next = CheckpointStore.open(dataDir, second, clock)) {
            assertThat(next.enabled()).isTrue();
            assertThat(next.restore()).isInstanceOf(RestoreOutcome.Restored.class);
        }
    }

    @Test
    void theFinalCheckpointIsTheLastOneWritten() throws IOException {
        AggregationEngine engine = engineWithOneRequest();
        CheckpointStore store = CheckpointStore.open(dataDir, engine, clock);

        assertThat(store.writeFinalAndClose()).isPresent();
        byte[] last = Files.readAllBytes(file());
        engine.apply(List.of(TestEvents.event(engine.schemas(), "server_utilization", NOW,
                Map.of("aws_region", "us-west-2", "instance", "i-1", "utilization_percent", 50))), NOW);

        assertThat(store.write()).as("a periodic run after the final one").isEmpty();
        assertThat(file()).hasBinaryContent(last);
    }
}
