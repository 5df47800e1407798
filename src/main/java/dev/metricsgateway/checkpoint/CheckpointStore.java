package dev.metricsgateway.checkpoint;

import dev.metricsgateway.core.AggregationEngine;
import dev.metricsgateway.core.CheckpointException;
import dev.metricsgateway.core.CheckpointRestore;
import dev.metricsgateway.files.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The aggregation checkpoint of one data directory, {@value #FILE_NAME}: restored into the
 * engine at start-up, rewritten periodically and once more on graceful shutdown.
 *
 * <p><b>Durability.</b> Every write replaces the file atomically ({@link AtomicFiles}): after a
 * crash or {@code kill -9} the file is the last complete checkpoint. Since a checkpoint copies
 * each series after it began and cumulative counts only grow, every {@code _count}/{@code _sum}
 * served before the last completed checkpoint began is at most what a restart restores.
 *
 * <p><b>A checkpoint that cannot be restored</b> (corrupt, unreadable, or of another format
 * version or window length) is renamed to {@code aggregation.checkpoint.<kind>-<UTC time>}, one
 * error line is logged, and the gateway starts empty: the feature servers' ingest keeps working,
 * windows refill within W, and Prometheus reads the restarted totals as a counter reset. The file
 * is kept for inspection and never overwritten. Only when it cannot even be renamed does
 * {@link #restore()} refuse the start ({@link IllegalStateException}), since the next checkpoint
 * would overwrite it.
 *
 * <p><b>Attachments.</b> State of other parts of the gateway that must survive a restart with the
 * aggregation ({@link CheckpointAttachment}, e.g. the idempotency keys) is snapshotted before each
 * checkpoint copies the aggregation and written into the same file, so the two always match.
 *
 * <p><b>One writer per data dir.</b> The store holds an exclusive lock on {@value #LOCK_FILE_NAME}
 * from {@link #open} to {@link #close()}. A second gateway on the same data dir (another process,
 * or another server in this JVM) gets no lock: it logs so, and neither restores nor writes, rather
 * than serve another gateway's numbers or overwrite them.
 *
 * <p><b>Threading.</b> Thread-safe: {@link #write()} and {@link #writeFinalAndClose()} are
 * serialized, so two checkpoints never race to rename and none is written after the final one.
 * Every method blocks on file I/O: call it off the event loop.
 */
public final class CheckpointStore implements AutoCloseable {

    /** The checkpoint file inside the data directory. */
    public static final String FILE_NAME = "aggregation.checkpoint";

    /** Held for the lifetime of a server; never deleted (a waiting process would lock a file nobody sees). */
    public static final String LOCK_FILE_NAME = "aggregation.checkpoint.lock";

    private static final System.Logger LOG = System.getLogger(CheckpointStore.class.getName());
    private static final DateTimeFormatter ASIDE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dataDir;
    private final Path file;
    private final AggregationEngine engine;
    private final InstantSource clock;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<CheckpointAttachment> attachments;
    private boolean closed; // guarded by this

    private CheckpointStore(Path dataDir, AggregationEngine engine, InstantSource clock, FileChannel lockChannel, FileLock lock,
            List<CheckpointAttachment> attachments) {
        this.dataDir = dataDir;
        this.attachments = List.copyOf(attachments);
        this.file = dataDir.resolve(FILE_NAME);
        this.engine = engine;
        this.clock = clock;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens the checkpoint of {@code dataDir} (created if missing) for {@code engine}, taking its lock.
     *
     * @throws UncheckedIOException when the data directory or the lock file cannot be created
     */
    public static CheckpointStore open(Path dataDir, AggregationEngine engine, InstantSource clock) {
        return open(dataDir, engine, clock, List.of());
    }

    /**
     * Opens the checkpoint of {@code dataDir} for {@code engine} and {@code attachments}, which are
     * written with every checkpoint and restored with it.
     *
     * @throws UncheckedIOException when the data directory or the lock file cannot be created
     */
    public static CheckpointStore open(Path dataDir, AggregationEngine engine, InstantSource clock, List<CheckpointAttachment> attachments) {
        if (attachments.stream().map(CheckpointAttachment::name).distinct().count() != attachments.size()) {
            throw new IllegalArgumentException("attachments: two of one name");
        }
        Path directory = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
        Path lockFile = directory.resolve(LOCK_FILE_NAME);
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // another server of this JVM holds it
            }
            if (lock == null) {
                LOG.log(Level.WARNING, "another gateway checkpoints in " + directory + " (" + lockFile
                        + " is locked): this one keeps its aggregation state in memory only");
            }
            return new CheckpointStore(directory, engine, clock, channel, lock, attachments);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException(lockFile + ": cannot open the checkpoint lock: " + e.getMessage(), e);
        }
    }

    /** The checkpoint file, {@code <dataDir>/aggregation.checkpoint}. */
    public Path file() {
        return file;
    }

    /** Whether this store restores and writes (it holds the data dir's checkpoint lock). */
    public boolean enabled() {
        return lock != null;
    }

    /**
     * Restores the checkpoint into the engine, which should be fresh; logs what happened.
     *
     * @throws IllegalStateException when the checkpoint cannot be restored and cannot be moved
     *         aside either: starting would overwrite it
     */
    public RestoreOutcome restore() {
        if (!enabled()) {
            return new RestoreOutcome.LockedByAnother(dataDir.resolve(LOCK_FILE_NAME));
        }
        AtomicFiles.deleteStaleTempFiles(dataDir, FILE_NAME);
        long nowMillis = clock.millis();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            CheckpointRestore report = engine.restoreCheckpoint(in, nowMillis);
            logRestored(report, nowMillis);
            restoreAttachments(report, nowMillis);
            return new RestoreOutcome.Restored(report);
        } catch (NoSuchFileException e) {
            return new RestoreOutcome.NoCheckpoint();
        } catch (CheckpointException e) {
            return moveAside(e.reason() == CheckpointException.Reason.CORRUPT ? "corrupt" : "incompatible", e.getMessage());
        } catch (IOException e) {
            return moveAside("unreadable", e.toString());
        }
    }

    /**
     * Writes a checkpoint of the engine now.
     *
     * @return what was written; empty when the store is closed or does not hold the lock
     * @throws IOException when it cannot be written; the previous checkpoint is then unchanged
     */
    public synchronized Optional<CheckpointWrite> write() throws IOException {
        if (closed || !enabled()) {
            return Optional.empty();
        }
        long started = System.nanoTime();
        long nowMillis = clock.millis();
        long[] series = new long[1];
        // Before the aggregation is copied: what a snapshot holds happened before the copy began.
        Map<String, byte[]> snapshots = new LinkedHashMap<>();
        attachments.forEach(attachment -> snapshots.put(attachment.name(), attachment.snapshot(nowMillis)));
        long bytes = AtomicFiles.replace(file, out -> series[0] = engine.writeCheckpoint(out, nowMillis, snapshots));
        return Optional.of(new CheckpointWrite(nowMillis, bytes, series[0], Duration.ofNanos(System.nanoTime() - started)));
    }

    /**
     * The shutdown checkpoint: written once nothing changes the engine any more, then the store
     * closes, so no periodic checkpoint still in flight can replace it with an older state.
     */
    public synchronized Optional<CheckpointWrite> writeFinalAndClose() throws IOException {
        try {
            return write();
        } finally {
            close();
        }
    }

    /** Stops writing and releases the lock, without a checkpoint (a start that failed). Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        closeQuietly(lockChannel); // releases the lock with it
    }

    private void logRestored(CheckpointRestore report, long nowMillis) {
        StringBuilder message = new StringBuilder()
                .append("restored ").append(report.seriesRestored()).append(" series of ")
                .append(report.restoredMetrics().size()).append(" metrics from ").append(file)
                .append(" (checkpoint of ").append(Instant.ofEpochMilli(report.checkpointMillis()).truncatedTo(ChronoUnit.SECONDS))
                .append(", ").append(Math.max(0, nowMillis - report.checkpointMillis()) / 1000).append(" s ago)");
        if (report.seriesExpired() > 0) {
            message.append("; ").append(report.seriesExpired()).append(" series idle past the series TTL were left out");
        }
        LOG.log(Level.INFO, message.toString());
        if (!report.changedMetrics().isEmpty() || !report.removedMetrics().isEmpty()) {
            LOG.log(Level.WARNING, "checkpoint state not restored for metrics defined differently now "
                    + report.changedMetrics() + " and metrics no longer in the catalog " + report.removedMetrics()
                    + "; the former start empty");
        }
    }

    /** Hands each attachment its snapshot; one that cannot be read is logged and left empty, not fatal. */
    private void restoreAttachments(CheckpointRestore report, long nowMillis) {
        for (CheckpointAttachment attachment : attachments) {
            byte[] snapshot = report.attachments().get(attachment.name());
            if (snapshot == null) {
                LOG.log(Level.INFO, "the checkpoint holds no " + attachment.name() + " (written by an older gateway)");
                continue;
            }
            try {
                LOG.log(Level.INFO, "restored " + attachment.restore(snapshot, nowMillis) + " from " + file);
            } catch (IllegalArgumentException e) {
                LOG.log(Level.WARNING, "cannot restore the " + attachment.name() + " of " + file + " (" + e.getMessage()
                        + "); starting without them");
            }
        }
    }

    private RestoreOutcome moveAside(String kind, String problem) {
        String stamp = ASIDE_TIME.format(clock.instant());
        for (int attempt = 0; ; attempt++) {
            Path aside = dataDir.resolve(FILE_NAME + "." + kind + "-" + stamp + (attempt == 0 ? "" : "-" + attempt));
            try {
                // A rename within the directory; without REPLACE_EXISTING an earlier file set aside is
                // never overwritten (ATOMIC_MOVE would replace it silently on POSIX).
                Files.move(file, aside);
                AtomicFiles.fsyncDirectory(dataDir);
                LOG.log(Level.ERROR, "cannot restore the aggregation state: " + file + " is " + kind + " (" + problem
                        + "); moved it to " + aside + " and starting with empty windows and totals");
                return new RestoreOutcome.MovedAside(kind, aside, problem);
            } catch (FileAlreadyExistsException e) {
                // Two failed starts in one second: try the next suffix.
            } catch (IOException e) {
                throw new IllegalStateException(file + ": " + kind + " checkpoint (" + problem + ") and cannot move it aside ("
                        + e.getMessage() + "); not starting, so that it is not overwritten", e);
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a lock file we only locked: nothing was written to lose.
            }
        }
    }
}
