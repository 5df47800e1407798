package dev.metricsgateway.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash-safe replacement the service-account store and the checkpoint file are written with. */
class AtomicFilesTest {

    @TempDir
    Path dir;

    private long filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }

    @Test
    void aReplacementHoldsExactlyTheNewContentAndOnlyItsOwnerMayReadIt() throws IOException {
        Path file = dir.resolve("state");
        Files.writeString(file, "old");

        long size = AtomicFiles.replace(file, out -> out.write("new content".getBytes(StandardCharsets.UTF_8)));

        assertThat(file).hasContent("new content");
        assertThat(size).isEqualTo(11);
        assertThat(filesIn(dir)).as("no temporary file left").isEqualTo(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("state");
        Files.writeString(file, "old");

        assertThatThrownBy(() -> AtomicFiles.replace(file, out -> {
            out.write(new byte[100_000]); // past the buffer: some of it reached the temporary file
            throw new IOException("disk full");
        })).hasMessage("disk full");

        assertThat(file).hasContent("old");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void staleTemporaryFilesOfOneFileAreDeletedAndNothingElse() throws IOException {
        Files.writeString(dir.resolve("state.123.tmp"), "stale");
        Files.writeString(dir.resolve("state"), "current");
        Files.writeString(dir.resolve("state.corrupt-20231114T221320Z"), "kept");
        Files.writeString(dir.resolve("other.123.tmp"), "someone else's");

        AtomicFiles.deleteStaleTempFiles(dir, "state");

        assertThat(dir.resolve("state.123.tmp")).doesNotExist();
        assertThat(filesIn(dir)).isEqualTo(3);
    }
}
