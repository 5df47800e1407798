package dev.metricsgateway.it;

import static dev.metricsgateway.it.GatewayClient.UTILIZATION_EVENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on {@code serve}: readiness turns 503, new connections are no longer accepted, a request
 * already in flight still gets its answer, and the process exits 0 within the shutdown timeout.
 */
class GracefulShutdownIT {

    private static final int SHUTDOWN_TIMEOUT_SECONDS = 10;
    private static final Map<String, String> ENVIRONMENT =
            Map.of("METRICS_GATEWAY_SHUTDOWN_TIMEOUT_SECONDS", Integer.toString(SHUTDOWN_TIMEOUT_SECONDS));
    private static final Pattern BOOTSTRAP_LINE = Pattern.compile("Bootstrap admin API Key: (\\S+)");

    @TempDir
    Path workDir;

    private final JarProcesses children = new JarProcesses();

    @AfterEach
    void killChildren() {
        children.destroyAll();
    }

    private JarProcess serve() {
        return children.start(workDir, ENVIRONMENT, "serve", "--port", "0", "--data-dir", workDir.resolve("data").toString());
    }

    private static String bootstrapKey(JarProcess gateway) {
        List<Matcher> matches = gateway.stdoutLinesSoFar().stream()
                .map(BOOTSTRAP_LINE::matcher).filter(Matcher::matches).toList();
        assertThat(matches).as(gateway.transcripts()).hasSize(1);
        return matches.get(0).group(1);
    }

    /**
     * Waits until a new connection no longer finds the gateway ready: {@code /readyz} answers
     * something other than 200, or the connection is refused. There is no line to wait for (the
     * gateway prints nothing on SIGTERM), so this asks again at once until the bound; each attempt
     * is a fresh loopback connection, answered or refused in well under a millisecond.
     *
     * @return every answer seen after the last 200, empty when the listener was already gone
     */
    private static OptionalInt awaitNotReady(GatewayClient client, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() - deadline < 0) {
            OptionalInt status = client.readyzStatusOnFreshConnection();
            if (status.isEmpty() || status.getAsInt() != 200) {
                return status;
            }
        }
        return fail("/readyz still answered 200 %s after SIGTERM", bound);
    }

    @Test
    void anInFlightIngestRequestIsAnsweredAfterSigtermAndTheProcessExitsZero() throws IOException {
        JarProcess gateway = serve();
        URI base = gateway.awaitListening();
        GatewayClient client = new GatewayClient(base);
        String key = bootstrapKey(gateway);
        byte[] body = (UTILIZATION_EVENT + "\n").getBytes(StandardCharsets.UTF_8);
        int half = body.length / 2;

        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = startSlowIngest(socket, base, key, body.length);
            out.write(body, 0, half);
            out.flush();

            gateway.terminate();
            OptionalInt readiness = awaitNotReady(client, Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS));
            readiness.ifPresent(status -> assertThat(status).as("readiness while draining").isEqualTo(503));

            out.write(body, half, body.length - half);
            out.flush();
            String head = GatewayClient.readHead(in);
            assertThat(head).as("the in-flight request gets an answer").isNotEmpty();
            assertThat(GatewayClient.statusOf(head)).as(head).isEqualTo(202);
            int contentLength = Integer.parseInt(GatewayClient.headerOf(head, "Content-Length"));
            String answer = new String(in.readNBytes(contentLength), StandardCharsets.UTF_8);
            assertThat(answer).contains("\"accepted\":1");
        }

        assertThat(gateway.awaitExit(Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS))).as(gateway.transcripts()).isZero();
        assertThat(gateway.stderrAfterExit()).doesNotContain("did not complete").doesNotContain(key);
    }

    @Test
    void aClientThatNeverFinishesItsBodyIsCutOffAtTheShutdownTimeout() throws IOException {
        int shortTimeoutSeconds = 2;
        JarProcess gateway = children.start(workDir,
                Map.of("METRICS_GATEWAY_SHUTDOWN_TIMEOUT_SECONDS", Integer.toString(shortTimeoutSeconds)),
                "serve", "--port", "0", "--data-dir", workDir.resolve("data").toString());
        URI base = gateway.awaitListening();
        String key = bootstrapKey(gateway);

        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            startSlowIngest(socket, base, key, 1000);
            socket.getOutputStream().write('{');
            socket.getOutputStream().flush();

            gateway.terminate();

            assertThat(gateway.awaitExit(Duration.ofSeconds(shortTimeoutSeconds + 5))).as(gateway.transcripts()).isZero();
        }
    }

    /**
     * Sends the head of {@code POST /api/v1/events} announcing {@code contentLength} bytes with
     * {@code Expect: 100-continue}, and waits for the 100 Continue: proof that the gateway took
     * the request (authenticated, admitted, now reading the body) without guessing with a sleep.
     */
    private static InputStream startSlowIngest(Socket socket, URI base, String key, int contentLength) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(("POST /api/v1/events HTTP/1.1\r\n"
                + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Authorization: Tecton-key " + key + "\r\n"
                + "Content-Type: application/x-ndjson\r\n"
                + "Content-Length: " + contentLength + "\r\n"
                + "Expect: 100-continue\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String interim = GatewayClient.readHead(in);
        assertThat(interim).as("interim answer").isNotEmpty();
        assertThat(GatewayClient.statusOf(interim)).as(interim).isEqualTo(100);
        return in;
    }

    @Test
    void sigtermOnAnIdleServerExitsZeroQuickly() {
        JarProcess gateway = serve();
        GatewayClient client = new GatewayClient(gateway.awaitListening());
        // Leaves an idle keep-alive connection in the client's pool: it must not hold up the exit.
        assertThat(client.status("/readyz", null)).isEqualTo(200);

        gateway.terminate();

        assertThat(gateway.awaitExit(Duration.ofSeconds(5))).as(gateway.transcripts()).isZero();
        assertThat(client.readyzStatusOnFreshConnection()).as("nothing listens any more").isEmpty();
    }
}
