package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JVM running the packaged {@code metrics-gateway.jar} (the path failsafe passes in the
 * {@code gateway.jar} system property), started with the same {@code java} as the test JVM.
 *
 * <p>Its stdout and stderr are each drained by a daemon thread into a transcript and a queue of
 * lines, so a test waits for a line with a bounded {@link BlockingQueue#poll} instead of sleeping,
 * and a chatty child can never block on a full pipe. The child's environment is stripped of every
 * {@code METRICS_GATEWAY_*} variable of the developer's shell, and its working directory is a
 * test directory, so the default {@code ./data} never lands in the repository.
 *
 * <p>Threading: the reader threads only append to thread-safe collections; every other method is
 * meant for the test thread.
 */
final class JarProcess {

    /** How long a JVM may take to start and print its first line of interest. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern LISTENING = Pattern.compile("metrics-gateway listening on (http://\\S+:(\\d+))");

    private final List<String> command;
    private final Process process;
    private final OutputReader stdout;
    private final OutputReader stderr;

    private JarProcess(List<String> command, Process process) {
        this.command = command;
        this.process = process;
        this.stdout = new OutputReader(process.getInputStream(), "stdout of pid " + process.pid());
        this.stderr = new OutputReader(process.getErrorStream(), "stderr of pid " + process.pid());
    }

    /** The packaged jar under test. */
    static Path jar() {
        String jar = System.getProperty("gateway.jar");
        if (jar == null || jar.isBlank()) {
            throw new IllegalStateException("system property gateway.jar is not set: run the *IT tests with mvn verify");
        }
        return Path.of(jar).toAbsolutePath();
    }

    /**
     * Starts {@code java -jar metrics-gateway.jar <args>} in {@code workDir}.
     *
     * @param environment variables to set in the child (on top of the inherited environment minus
     *                    every {@code METRICS_GATEWAY_*} variable)
     */
    static JarProcess start(Path workDir, Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow(
                () -> new IllegalStateException("cannot tell which java runs the tests")));
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("METRICS_GATEWAY_"));
        builder.environment().putAll(environment);
        try {
            return new JarProcess(command, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * Waits (at most {@link #START_TIMEOUT}) for {@code metrics-gateway listening on http://HOST:PORT}
     * and returns that base URI; fails with both transcripts if the process ends or stays silent.
     */
    URI awaitListening() {
        Matcher matcher = LISTENING.matcher(stdout.awaitLine(line -> LISTENING.matcher(line).find(), START_TIMEOUT, this));
        if (!matcher.find()) {
            throw new AssertionError("unreachable: the line matched before");
        }
        return URI.create(matcher.group(1));
    }

    /** Sends SIGTERM ({@link Process#destroy()} does, on Linux). */
    void terminate() {
        process.destroy();
    }

    /** Waits at most {@code timeout} for the process to end and returns its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("%s did not exit within %s%n%s", command, timeout, transcripts());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + command, e);
        }
        return process.exitValue();
    }

    /** Everything the process wrote to stdout, once it ended (waits for the end of the stream). */
    String stdoutAfterExit() {
        return stdout.textAfterEnd(this);
    }

    /** Everything the process wrote to stderr, once it ended (waits for the end of the stream). */
    String stderrAfterExit() {
        return stderr.textAfterEnd(this);
    }

    /** The stdout lines read so far (the process may still be writing). */
    List<String> stdoutLinesSoFar() {
        return List.copyOf(stdout.transcript);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process (SIGKILL) and waits for it; a no-op when it already ended. */
    void destroyForcibly() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Both transcripts so far, for failure messages. */
    String transcripts() {
        return "command: " + String.join(" ", command)
                + "\n--- stdout ---\n" + String.join("\n", stdout.transcript)
                + "\n--- stderr ---\n" + String.join("\n", stderr.transcript);
    }

    /** Drains one output stream of the child on a daemon thread. */
    private static final class OutputReader {

        // A distinct instance, compared by identity: no line the child prints can be it.
        private static final String END = new String("<end of stream>");

        private final List<String> transcript = new CopyOnWriteArrayList<>();
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        private boolean endSeen; // test thread only

        OutputReader(InputStream stream, String name) {
            Thread thread = new Thread(() -> drain(stream), name);
            thread.setDaemon(true);
            thread.start();
        }

        private void drain(InputStream stream) {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    transcript.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                // The child was killed and the pipe closed under us: the stream ends here.
            } finally {
                lines.add(END);
                ended.countDown();
            }
        }

        String awaitLine(Predicate<String> wanted, Duration timeout, JarProcess owner) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!endSeen) {
                String line;
                try {
                    line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading the child's output", e);
                }
                if (line == null) {
                    fail("no matching line within %s%n%s", timeout, owner.transcripts());
                }
                if (line == END) {
                    endSeen = true;
                } else if (wanted.test(line)) {
                    return line;
                }
            }
            throw new AssertionError("the process closed its output before printing the expected line\n" + owner.transcripts());
        }

        String textAfterEnd(JarProcess owner) {
            try {
                if (!ended.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    fail("output did not end within %s%n%s", START_TIMEOUT, owner.transcripts());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading the child's output", e);
            }
            return String.join("\n", transcript);
        }
    }
}
