package dev.metricsgateway.files;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe replacement of a file, as the service-account store and the checkpoint write theirs:
 * the new content goes to a temporary file in the same directory, is forced to disk, atomically
 * renamed over the old file, and the directory is fsynced before {@link #replace} returns. A reader (or a process restarted after {@code kill -9}
 * or a power cut) sees the old content or the new, never a mix; a failed write leaves the old file
 * as it was and removes its temporary file.
 *
 * <p>Stateless; thread-safe as long as two threads do not replace the same file at once (the last
 * rename would win). Every method blocks on file I/O: call it off the event loop.
 */
public final class AtomicFiles {

    /** Suffix of the temporary files; {@link #deleteStaleTempFiles} removes those a crash left behind. */
    public static final String TEMP_SUFFIX = ".tmp";

    private static final int BUFFER_BYTES = 64 * 1024;

    private AtomicFiles() {
    }

    /** Streams the new content of a file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Replaces {@code file} with what {@code content} writes.
     *
     * @return the size of the new file in bytes
     * @throws IOException when writing, forcing or renaming fails; {@code file} is then unchanged
     */
    public static long replace(Path file, Content content) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        // createTempFile gives the file mode 0600 on POSIX, and the rename keeps it.
        Path temp = Files.createTempFile(directory, file.getFileName() + ".", TEMP_SUFFIX);
        boolean renamed = false;
        try {
            long size;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                // Not closed itself: closing it would close the channel before force().
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
                content.writeTo(out);
                out.flush();
                channel.force(true);
                size = channel.size();
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            renamed = true;
            fsyncDirectory(directory);
            return size;
        } finally {
            if (!renamed) {
                deleteQuietly(temp);
            }
        }
    }

    /**
     * Makes a rename in {@code directory} durable; without it a crash could bring the old file
     * back. Some platforms (Windows) refuse to open a directory: the rename is all they offer.
     */
    public static void fsyncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Best effort, see above.
        }
    }

    /** Removes the temporary files that writers of {@code fileName} in {@code directory} left when they crashed. */
    public static void deleteStaleTempFiles(Path directory, String fileName) {
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(directory, fileName + ".*" + TEMP_SUFFIX)) {
            for (Path path : stale) {
                deleteQuietly(path);
            }
        } catch (IOException e) {
            // Leftovers waste bytes; they never affect correctness.
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Best effort: a later cleanup tries again.
        }
    }
}
