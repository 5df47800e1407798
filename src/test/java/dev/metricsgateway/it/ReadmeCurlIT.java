package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.within;

import dev.metricsgateway.testing.ExternalTool;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it with curl" examples, run with bash as written against the packaged jar.
 *
 * <p>What is changed, and only that: the two {@code export} lines get the real bootstrap key and
 * gateway URL (the README shows placeholders); {@code target/metrics-gateway.jar} becomes the
 * packaged jar's absolute path and {@code --data-dir} the server's data dir (the README runs both
 * from the repository root with the default {@code ./data}); {@code java} on the PATH is the test's
 * JVM. A {@code .curlrc} (through {@code CURL_HOME}) makes curl dump each response's headers, so
 * the status and Content-Type of the commands as written can be checked too.
 *
 * <p>Each top-level command of the block runs in one bash session (so {@code export} and
 * {@code now=...} carry over) with its own stdout, stderr, exit status and response headers. A
 * {@code # → output} comment after a command is what it must print.
 */
class ReadmeCurlIT {

    private static final Path README = Path.of("README.md");
    private static final String SECTION = "## Use it with curl";
    private static final String README_JAR = "target/metrics-gateway.jar";
    private static final Pattern BOOTSTRAP_LINE = Pattern.compile("Bootstrap admin API Key: (\\S+)");
    private static final Pattern CREATED = Pattern.compile("API Key: [0-9a-f]{64}\nService Account ID: \\S+\n?");
    private static final Pattern ACCEPTED = Pattern.compile("\\{\"accepted\":(\\d+),\"late\":(\\d+)}\n?");
    private static final Pattern EVENT_TYPE = Pattern.compile("\\\\?\"type\\\\?\"");
    private static final Pattern HEREDOC = Pattern.compile("<<-?\\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\\1");
    private static final String FEATURE_VIEW = "{feature_view_id=\"fv-1\",feature_view_name=\"user_txn\",workspace=\"prod\"}";
    private static final double WINDOW_SECONDS = 300;

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    /** One top-level command of the README block, and the output its {@code # →} comments promise. */
    record Command(String text, List<String> promisedOutput) {
    }

    /** What one command did. */
    record Run(Command command, int exitCode, String stdout, String stderr, Optional<String> responseHead) {

        String describe() {
            return "command:\n" + command.text() + "\nexit code " + exitCode + "\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr + "\n--- response head ---\n" + responseHead.orElse("(none)");
        }

        /** The final response head curl dumped (after any interim 1xx heads), lines ending CRLF. */
        String head() {
            String dumped = responseHead.orElseThrow(() -> new AssertionError("no HTTP response\n" + describe()));
            String[] heads = dumped.strip().split("\r\n\r\n");
            return heads[heads.length - 1];
        }

        int status() {
            return GatewayClient.statusOf(head());
        }

        String header(String name) {
            String value = GatewayClient.headerOf(head(), name);
            assertThat(value).as("header %s%n%s", name, describe()).isNotNull();
            return value;
        }
    }

    @Test
    void everyCurlExampleOfTheReadmeRunsAsWrittenAndAnswersWhatTheReadmeSays() throws Exception {
        ExternalTool.require(Files.isExecutable(Path.of("/usr/bin/curl")) || onPath("curl"), "curl", "apt-get install -y curl");
        Path dataDir = workDir.resolve("data");
        JarProcess gateway = children.start(workDir, Map.of(), "serve", "--port", "0", "--data-dir", dataDir.toString());
        URI base = gateway.awaitListening();
        String key = bootstrapKey(gateway);
        List<Command> commands = adapt(commands(curlBlock()), key, base, dataDir);

        List<Run> runs = runInOneBashSession(commands);

        for (Run run : runs) {
            assertThat(run.exitCode()).as(run.describe()).isZero();
            for (String promised : run.command().promisedOutput()) {
                assertThat(run.stdout().strip()).as("the README promises%n%s", run.describe()).isEqualTo(promised.strip());
            }
        }
        List<String> kinds = new ArrayList<>();
        for (Run run : runs) {
            kinds.add(check(run));
        }
        assertThat(kinds).as("the commands the README's curl section is made of")
                .containsSubsequence("export", "export", "create", "create", "list", "post", "post", "scrape text", "scrape openmetrics");
    }

    /** Checks one command by what it is; returns its kind. */
    private static String check(Run run) {
        String text = run.command().text();
        if (text.startsWith("export ")) {
            return "export";
        }
        if (text.contains("service-account create")) {
            assertThat(run.stdout()).as(run.describe()).matches(CREATED);
            return "create";
        }
        if (text.contains("service-account list")) {
            assertThat(run.stdout()).as(run.describe()).contains("feature-servers", "datadog", "admin");
            return "list";
        }
        if (text.contains("curl ") && text.contains("/api/v1/events")) {
            assertThat(run.stderr()).as(run.describe()).isEmpty();
            assertThat(run.status()).as(run.describe()).isEqualTo(202);
            Matcher answer = ACCEPTED.matcher(run.stdout());
            assertThat(answer.matches()).as(run.describe()).isTrue();
            int events = (int) EVENT_TYPE.matcher(text).results().count();
            assertThat(Integer.parseInt(answer.group(1))).as("every event of the command is accepted%n%s", run.describe()).isEqualTo(events);
            assertThat(answer.group(2)).as(run.describe()).isEqualTo("0");
            return "post";
        }
        if (text.contains("curl ") && text.contains("/api/v1/observability/metrics")) {
            assertThat(run.stderr()).as(run.describe()).isEmpty();
            assertThat(run.status()).as(run.describe()).isEqualTo(200);
            boolean openMetrics = text.contains("application/openmetrics-text");
            checkScrape(run, openMetrics);
            return openMetrics ? "scrape openmetrics" : "scrape text";
        }
        return "other";
    }

    /** The scrape shows what the README's events produce, in the format its Accept asked for. */
    private static void checkScrape(Run run, boolean openMetrics) {
        String body = run.stdout();
        if (openMetrics) {
            assertThat(run.header("Content-Type")).isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(body).as(run.describe()).endsWith("\n# EOF\n");
        } else {
            assertThat(run.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            assertThat(body).as(run.describe()).doesNotContain("# EOF").endsWith("\n");
        }
        assertThat(run.header("Vary")).isEqualTo("Accept, Accept-Encoding");
        long nowMillis = System.currentTimeMillis();
        for (String line : body.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            String timestamp = line.substring(line.lastIndexOf(' ') + 1);
            assertThat(timestamp).as(line).matches(openMetrics ? "\\d+(\\.\\d{1,3})?" : "\\d+");
            double stampMillis = openMetrics ? Double.parseDouble(timestamp) * 1000 : Long.parseLong(timestamp);
            assertThat(stampMillis).as("stamped at computation time: %s", line).isCloseTo(nowMillis, within(60_000.0));
        }
        assertThat(value(body, "feature_service_requests_total_rate{aws_region=\"us-west-2\"}")).isEqualTo(1 / WINDOW_SECONDS);
        assertThat(value(body, "feature_service_requests_rate{aws_region=\"us-west-2\",feature_service_id=\"fs-1\",feature_service_name=\"fraud_detection\"}"))
                .isEqualTo(1 / WINDOW_SECONDS);
        assertThat(value(body, "feature_service_latency_count{feature_service_id=\"fs-1\",feature_service_name=\"fraud_detection\"}")).isEqualTo(1);
        assertThat(value(body, "feature_service_latency_sum{feature_service_id=\"fs-1\",feature_service_name=\"fraud_detection\"}")).isEqualTo(0.012);
        assertThat(value(body, "feature_server_utilization{aws_region=\"us-west-2\"}")).isEqualTo(41.5);
        assertThat(value(body, "stream_ingestapi_request_rate{aws_region=\"us-west-2\"}")).isEqualTo(1 / WINDOW_SECONDS);
        assertThat(value(body, "stream_ingestapi_online_store_write_rate" + FEATURE_VIEW)).isEqualTo(20 / WINDOW_SECONDS);
        assertThat(value(body, "stream_ingestapi_offline_store_write_rate" + FEATURE_VIEW)).isEqualTo(20 / WINDOW_SECONDS);
        assertThat(value(body, "spark_stream_input_rate" + FEATURE_VIEW)).isEqualTo(1200 / WINDOW_SECONDS);
        assertThat(value(body, "spark_stream_processing_rate" + FEATURE_VIEW)).isEqualTo(1000 / WINDOW_SECONDS);
        assertThat(value(body, "spark_stream_online_store_write_rate" + FEATURE_VIEW)).isEqualTo(900 / WINDOW_SECONDS);
        // The events carry no `time`: their ages count from arrival, a little after `now` was read.
        assertThat(value(body, "spark_stream_max_processed_event_age" + FEATURE_VIEW)).isBetween(90.0, 120.0);
        assertThat(value(body, "spark_stream_average_processed_event_age" + FEATURE_VIEW)).isBetween(30.0, 60.0);
        assertThat(value(body, "spark_stream_served_feature_age" + FEATURE_VIEW)).isBetween(12.0, 42.0);
    }

    private static double value(String body, String series) {
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).split(" ")[0]);
            }
        }
        return fail("no series %s in%n%s", series, body);
    }

    // ---------------------------------------------------------------------------------------------

    /** The single ```sh block of the README's curl section. */
    private static String curlBlock() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("\n" + SECTION + "\n");
        assertThat(start).as("section %s in %s", SECTION, README.toAbsolutePath()).isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher block = Pattern.compile("(?ms)^```sh\\n(.*?)^```$").matcher(section);
        List<String> blocks = new ArrayList<>();
        while (block.find()) {
            blocks.add(block.group(1));
        }
        assertThat(blocks).as("```sh blocks in the section %s", SECTION).hasSize(1);
        return blocks.get(0);
    }

    /**
     * Splits a shell block into its top-level commands: a command goes on over lines ending with a
     * backslash, inside an open quote, and through a here-document to its delimiter. Whole-line
     * comments between commands are dropped, except {@code # → output}, which is attached to the
     * command before it.
     */
    static List<Command> commands(String block) {
        List<Command> commands = new ArrayList<>();
        StringBuilder current = null;
        List<String> promised = null;
        char quote = 0;
        String heredocDelimiter = null;
        boolean inHeredocBody = false;
        for (String line : block.split("\n", -1)) {
            if (current == null) {
                String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (trimmed.startsWith("#")) {
                    if (trimmed.startsWith("# →") && !commands.isEmpty()) {
                        commands.get(commands.size() - 1).promisedOutput().add(trimmed.substring("# →".length()).strip());
                    }
                    continue;
                }
                current = new StringBuilder();
                promised = new ArrayList<>();
            } else {
                current.append('\n');
            }
            current.append(line);
            if (inHeredocBody) {
                if (line.equals(heredocDelimiter)) {
                    inHeredocBody = false;
                    heredocDelimiter = null;
                }
            } else {
                for (int i = 0; i < line.length(); i++) {
                    char c = line.charAt(i);
                    if (quote == '\'') {
                        quote = c == '\'' ? 0 : quote;
                    } else if (quote == '"') {
                        if (c == '\\') {
                            i++;
                        } else if (c == '"') {
                            quote = 0;
                        }
                    } else if (c == '\\') {
                        i++;
                    } else if (c == '\'' || c == '"') {
                        quote = c;
                    } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                        break;
                    } else if (line.startsWith("<<", i)) {
                        Matcher heredoc = HEREDOC.matcher(line).region(i, line.length());
                        assertThat(heredoc.lookingAt()).as("a here-document this splitter understands: %s", line).isTrue();
                        heredocDelimiter = heredoc.group(2);
                        i = heredoc.end() - 1;
                    }
                }
                if (heredocDelimiter != null && quote == 0) {
                    inHeredocBody = true;
                }
            }
            boolean complete = !inHeredocBody && quote == 0 && !line.endsWith("\\");
            if (complete) {
                commands.add(new Command(current.toString(), promised));
                current = null;
            }
        }
        assertThat(current).as("the block ends inside a command").isNull();
        return commands;
    }

    /** The README's commands with the placeholders and paths of this run (see the class Javadoc). */
    private static List<Command> adapt(List<Command> commands, String key, URI base, Path dataDir) {
        String jar = JarProcess.jar().toString();
        int exports = 0;
        int jarCommands = 0;
        List<Command> adapted = new ArrayList<>();
        for (Command command : commands) {
            String text = command.text();
            if (text.startsWith("export KEY=")) {
                text = "export KEY=" + shellQuote(key);
                exports++;
            } else if (text.startsWith("export GW=")) {
                assertThat(text).as("the README's gateway URL").isEqualTo("export GW=http://127.0.0.1:8080");
                text = "export GW=" + shellQuote(base.toString().replaceAll("/$", ""));
                exports++;
            } else if (text.contains(README_JAR)) {
                assertThat(text).as("a one-line jar command").doesNotContain("\n").doesNotContain("--data-dir");
                text = text.replace(README_JAR, shellQuote(jar)) + " --data-dir " + shellQuote(dataDir.toString());
                jarCommands++;
            }
            adapted.add(new Command(text, command.promisedOutput()));
        }
        assertThat(exports).as("export KEY=... and export GW=...").isEqualTo(2);
        assertThat(jarCommands).as("commands that run %s", README_JAR).isPositive();
        return adapted;
    }

    /**
     * Runs every command in one bash session, each as a group with its output, exit status and
     * the response head curl dumped (via {@code .curlrc}) kept in its own files.
     */
    private List<Run> runInOneBashSession(List<Command> commands) throws IOException, InterruptedException {
        Path out = Files.createDirectories(workDir.resolve("runs"));
        Path curlHome = Files.createDirectories(workDir.resolve("curl-home"));
        Path headers = out.resolve("headers");
        Files.writeString(curlHome.resolve(".curlrc"), "dump-header = \"" + headers + "\"\n", StandardCharsets.UTF_8);
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < commands.size(); i++) {
            String run = out.resolve(Integer.toString(i)).toString();
            script.append("rm -f ").append(shellQuote(headers.toString())).append('\n')
                    .append("{\n").append(commands.get(i).text()).append("\n} >").append(shellQuote(run + ".out"))
                    .append(" 2>").append(shellQuote(run + ".err")).append('\n')
                    .append("echo $? >").append(shellQuote(run + ".rc")).append('\n')
                    .append("if [ -e ").append(shellQuote(headers.toString())).append(" ]; then mv ")
                    .append(shellQuote(headers.toString())).append(' ').append(shellQuote(run + ".head")).append("; fi\n");
        }
        Path scriptFile = workDir.resolve("readme-curl.sh");
        Files.writeString(scriptFile, script.toString(), StandardCharsets.UTF_8);

        ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc", scriptFile.toString())
                .directory(workDir.toFile())
                .redirectOutput(workDir.resolve("bash.out").toFile())
                .redirectError(workDir.resolve("bash.err").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("METRICS_GATEWAY_"));
        builder.environment().put("CURL_HOME", curlHome.toString());
        Path javaBin = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent();
        builder.environment().put("PATH", javaBin + java.io.File.pathSeparator + builder.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        Process bash = builder.start();
        if (!bash.waitFor(60, TimeUnit.SECONDS)) {
            bash.destroyForcibly();
            fail("the README's commands did not finish within 60 s:%n%s", script);
        }
        assertThat(bash.exitValue()).as("bash: %s", Files.readString(workDir.resolve("bash.err"))).isZero();

        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            Path run = out.resolve(Integer.toString(i));
            Path head = Path.of(run + ".head");
            runs.add(new Run(commands.get(i),
                    Integer.parseInt(Files.readString(Path.of(run + ".rc")).strip()),
                    Files.readString(Path.of(run + ".out"), StandardCharsets.UTF_8),
                    Files.readString(Path.of(run + ".err"), StandardCharsets.UTF_8),
                    Files.exists(head) ? Optional.of(Files.readString(head, StandardCharsets.UTF_8)) : Optional.empty()));
        }
        return runs;
    }

    private static String bootstrapKey(JarProcess gateway) {
        List<Matcher> matches = gateway.stdoutLinesSoFar().stream()
                .map(BOOTSTRAP_LINE::matcher).filter(Matcher::matches).toList();
        assertThat(matches).as(gateway.transcripts()).hasSize(1);
        return matches.get(0).group(1);
    }

    private static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
