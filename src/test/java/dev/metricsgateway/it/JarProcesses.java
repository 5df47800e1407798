package dev.metricsgateway.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVMs one test started. Each IT class holds one and calls {@link #destroyAll()} from
 * {@code @AfterEach}, so no gateway outlives its test, whatever the test's outcome.
 *
 * <p>Threading: confined to the test thread.
 */
final class JarProcesses {

    private final List<JarProcess> started = new ArrayList<>();

    /** Starts {@code java -jar metrics-gateway.jar <args>} in {@code workDir} and keeps it for cleanup. */
    JarProcess start(Path workDir, Map<String, String> environment, String... args) {
        JarProcess process = JarProcess.start(workDir, environment, args);
        started.add(process);
        return process;
    }

    /** Runs a command that ends by itself (a CLI command, or a start that must fail) to its end. */
    Completed run(Path workDir, Map<String, String> environment, String... args) {
        JarProcess process = start(workDir, environment, args);
        int exitCode = process.awaitExit(JarProcess.START_TIMEOUT);
        return new Completed(exitCode, process.stdoutAfterExit(), process.stderrAfterExit());
    }

    /** Kills every process still running (SIGKILL) and waits for it. */
    void destroyAll() {
        started.forEach(JarProcess::destroyForcibly);
        started.clear();
    }

    /** A finished command: exit code and both outputs (lines joined by {@code \n}). */
    record Completed(int exitCode, String stdout, String stderr) {

        /** For assertion descriptions. */
        String describe() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }
}
