package dev.metricsgateway.cluster;

import dev.metricsgateway.files.AtomicFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * {@code <data_dir>/cluster-member.properties}: which incarnation writes this data dir's
 * aggregation checkpoint, and which other incarnations' states it may hold (absorbed). Written
 * before the engine takes in an absorbed state, so the file always names at least what the
 * checkpoint holds; read when the member starts again, to tell whether its checkpoint overlaps
 * state the cluster already holds. Replaced atomically ({@link AtomicFiles}); thread-safe through
 * the member's monitor, its one writer.
 */
final class MemberFile {

    static final String FILE_NAME = "cluster-member.properties";

    /** What the file says. */
    record Content(String incarnation, Set<String> absorbed) {
        Content {
            absorbed = Set.copyOf(absorbed);
        }

        /** The incarnations whose events the checkpoint may hold. */
        Set<String> covered() {
            Set<String> covered = new LinkedHashSet<>(absorbed);
            covered.add(incarnation);
            return covered;
        }
    }

    private final Path file;

    MemberFile(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
    }

    Optional<Content> read() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(file + ": damaged: " + e.getMessage(), e);
        }
        String incarnation = properties.getProperty("incarnation", "").strip();
        if (incarnation.isEmpty()) {
            throw new IllegalStateException(file + ": damaged: no incarnation");
        }
        Set<String> absorbed = new LinkedHashSet<>();
        Arrays.stream(properties.getProperty("absorbed", "").split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .forEach(absorbed::add);
        return Optional.of(new Content(incarnation, absorbed));
    }

    void write(Content content) {
        String text = "# written by metrics-gateway cluster mode: which member states the aggregation checkpoint may hold\n"
                + "incarnation=" + content.incarnation() + "\n"
                + "absorbed=" + String.join(",", content.absorbed()) + "\n";
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.replace(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }
}
