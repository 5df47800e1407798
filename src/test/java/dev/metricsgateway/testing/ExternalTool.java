package dev.metricsgateway.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a tool the tests need from outside the JVM (promtool, /usr/bin/python3 with
 * prometheus_client). A missing tool is reported loudly; under {@code CI=true} the test fails,
 * elsewhere it is skipped with the install command in the message.
 */
public final class ExternalTool {

    /** Output of one run. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    private ExternalTool() {
    }

    /** Fails (CI) or skips (elsewhere) unless {@code available}. */
    public static void require(boolean available, String what, String install) {
        if (available) {
            return;
        }
        String message = what + " is missing: install it with `" + install + "` (.ci/run does)";
        System.err.println("!!! " + message);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message);
    }

    public static boolean promtoolAvailable() {
        return Files.isExecutable(Path.of("/usr/bin/promtool"));
    }

    public static boolean pythonClientAvailable() {
        try {
            return run(List.of("/usr/bin/python3", "-c", "import prometheus_client"), new byte[0]).exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    public static void requirePromtool() {
        require(promtoolAvailable(), "promtool", "apt-get install -y prometheus");
    }

    public static void requirePythonClient() {
        require(pythonClientAvailable(), "/usr/bin/python3 with prometheus_client", "apt-get install -y python3-prometheus-client");
    }

    /** Runs {@code command} with {@code stdin} and waits (at most a minute). */
    public static Result run(List<String> command, byte[] stdin) throws IOException {
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), new String(out.get()), new String(err.get()));
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IOException(command + ": " + e, e);
        }
    }

    private static byte[] readAll(InputStream stream) {
        try (stream; ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
            stream.transferTo(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            return ("<unreadable: " + e + ">").getBytes();
        }
    }
}
