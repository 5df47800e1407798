package dev.metricsgateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.metricsgateway.auth.AccountKey;
import dev.metricsgateway.auth.CreatedServiceAccount;
import dev.metricsgateway.auth.IssuedKey;
import dev.metricsgateway.auth.KeyExpiry;
import dev.metricsgateway.auth.KeyRevocation;
import dev.metricsgateway.auth.Role;
import dev.metricsgateway.auth.ServiceAccount;
import dev.metricsgateway.auth.ServiceAccountStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service-account store survives {@code kill -9} at any moment: child JVMs ({@link Writer})
 * write the store in a loop (create an account, rotate its key, revoke the old key, delete the
 * previous account) and print an acknowledgement after each write returned. Each round starts
 * two of them on the same data directory, as the CLI and a server would be, so one is often
 * killed while the other holds or waits for the store's lock. The test kills each with SIGKILL
 * after a random number of its acknowledgements plus a random fraction of a write (fixed seed),
 * then checks that the store still loads and that every acknowledged write is in it, and starts
 * the next round. Each child also loads the store before writing, as a restarted server would.
 *
 * <p>What "acknowledged" guarantees: an account printed as created is present unless its deletion
 * started; a key printed as issued is present unless its revocation started; an account or key
 * printed as deleted or revoked is absent. Writes in flight at the kill may land or not; they are
 * not checked. The child is the real store code on the packaged jar's classpath.
 *
 * <p>The verdict rests on reading every line a child printed before it died, so the test kills
 * with {@link ProcessHandle#destroyForcibly()} (SIGKILL and nothing else), never with
 * {@link Process#destroyForcibly()}: on Linux that one also closes this JVM's end of the child's
 * stdout at once, and the lines still in the pipe are gone. Under load they were the child's last
 * lines, such as {@code deleting X} followed by {@code deleted X}; without them the account X,
 * rightly deleted, was reported as an acknowledged account missing from the store. A read that
 * fails fails the test; it is never taken for the end of the output.
 *
 * <p>Each child's JVM is started during the round before its own and waits for a {@code go} line
 * on stdin before it opens the store, so JVM start-up stays out of the rounds' critical path;
 * {@code go} is sent only after the previous round's children are dead and the store checked.
 */
class ServiceAccountStoreKillIT {

    private static final long SEED = 20_241_122L;
    private static final int ROUNDS = 52;
    /** Children per round, each killed once: 104 kills and restarts in all. */
    private static final int WRITERS = 2;
    /** Most acknowledgements to wait for before a kill; each write round trip prints four. */
    private static final int MAX_ACKS_BEFORE_KILL = 12;
    /** Longest extra delay before a kill, so it lands anywhere inside a write, not just after an acknowledgement. */
    private static final long MAX_EXTRA_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
    private static final Duration LINE_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path workDir;

    /** The child's classpath: the packaged jar plus a jar holding just {@link Writer}. */
    private String childClasspath;
    /** A class-data-sharing archive of the child's classes, or null: 104 JVMs start faster with it. */
    private Path classArchive;

    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A started child and the complete lines it printed so far. */
    private record Child(Process process, ChildOutput output, List<String> transcript) {
    }

    /** What the acknowledgements so far promise about the store. */
    private static final class Expectations {
        /** Accounts that must exist, with the keys they must hold. */
        final Map<String, Set<String>> present = new HashMap<>();
        /** Accounts that must not exist. */
        final Set<String> deleted = new HashSet<>();
        /** Keys (account id + " " + key id) that must not exist. */
        final Set<String> revoked = new HashSet<>();
        int acknowledgedAccounts;
        int acknowledgedWrites;

        void apply(String line) {
            String[] parts = line.split(" ");
            switch (parts[0]) {
                case "created" -> {
                    present.put(parts[1], new HashSet<>(Set.of(parts[2])));
                    acknowledgedAccounts++;
                    acknowledgedWrites++;
                }
                case "rotated" -> {
                    Set<String> keys = present.get(parts[1]);
                    if (keys != null) {
                        keys.add(parts[2]);
                    }
                    acknowledgedWrites++;
                }
                case "revoking" -> {
                    // In flight: the key may or may not survive a kill now, so stop requiring it.
                    Set<String> keys = present.get(parts[1]);
                    if (keys != null) {
                        keys.remove(parts[2]);
                    }
                }
                case "revoked" -> {
                    revoked.add(parts[1] + " " + parts[2]);
                    acknowledgedWrites++;
                }
                case "deleting" -> present.remove(parts[1]);
                case "deleted" -> {
                    deleted.add(parts[1]);
                    acknowledgedWrites++;
                }
                default -> {
                    // "ready", "rotating": nothing is promised yet.
                }
            }
        }

        /** Every broken promise, empty when the store keeps them all. */
        List<String> violations(List<ServiceAccount> accounts) {
            Map<String, ServiceAccount> byId = accounts.stream().collect(Collectors.toMap(ServiceAccount::id, a -> a));
            List<String> violations = new ArrayList<>();
            present.forEach((id, keys) -> {
                ServiceAccount account = byId.get(id);
                if (account == null) {
                    violations.add("acknowledged account " + id + " is missing");
                    return;
                }
                for (String keyId : keys) {
                    if (account.key(keyId).isEmpty()) {
                        violations.add("acknowledged key " + keyId + " of account " + id + " is missing");
                    }
                }
            });
            for (String id : deleted) {
                if (byId.containsKey(id)) {
                    violations.add("account " + id + " was acknowledged as deleted but is back");
                }
            }
            for (ServiceAccount account : accounts) {
                for (AccountKey key : account.keys()) {
                    if (revoked.contains(account.id() + " " + key.id())) {
                        violations.add("key " + key.id() + " of account " + account.id() + " was acknowledged as revoked but is back");
                    }
                }
            }
            return violations;
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillMinus9AtRandomMoments() throws Exception {
        Path dataDir = workDir.resolve("data");
        prepareChildJvm();
        Random random = new Random(SEED);
        Expectations expected = new Expectations();
        int kills = 0;
        int roundsWithTempFile = 0;
        long startNanos = System.nanoTime();

        List<Child> next = startWriters(dataDir, 0);
        for (int round = 0; round < ROUNDS; round++) {
            List<Child> writers = next;
            for (Child writer : writers) {
                go(writer, round);
            }
            // The next round's JVMs start while this round writes; they touch nothing before their go.
            next = round + 1 < ROUNDS ? startWriters(dataDir, round + 1) : List.of();
            for (Child writer : writers) {
                String ready = nextLine(writer, round);
                assertThat(ready).as("round %d: the child loads the store before writing; transcript %s", round, writer.transcript())
                        .startsWith("ready ");
            }
            for (Child writer : writers) {
                int acksBeforeKill = random.nextInt(MAX_ACKS_BEFORE_KILL + 1);
                long extraDelayNanos = (long) (random.nextDouble() * MAX_EXTRA_DELAY_NANOS);
                for (int acks = 0; acks < acksBeforeKill; ) {
                    String line = nextLine(writer, round);
                    expected.apply(line);
                    if (isAcknowledgement(line)) {
                        acks++;
                    }
                }
                LockSupport.parkNanos(extraDelayNanos);
                kill(writer, round);
            }
            // Everything the children printed before they died: a line printed whole is an acknowledgement.
            for (Child writer : writers) {
                for (String line = rest(writer, round); line != END; line = rest(writer, round)) {
                    writer.transcript().add(line);
                    expected.apply(line);
                }
                children.remove(writer.process());
            }
            kills += WRITERS;
            if (hasTempFile(dataDir)) {
                roundsWithTempFile++;
            }

            List<ServiceAccount> accounts;
            try {
                accounts = new ServiceAccountStore(dataDir).list();
            } catch (IllegalStateException e) {
                throw new AssertionError("round " + round + ": the store no longer loads after kill -9", e);
            }
            assertThat(expected.violations(accounts)).as("round %d: lost acknowledged writes", round).isEmpty();
        }

        List<ServiceAccount> finalAccounts = new ServiceAccountStore(dataDir).list();
        assertThat(expected.violations(finalAccounts)).isEmpty();
        assertThat(expected.acknowledgedAccounts).as("the kills must not all land before the first write").isGreaterThan(ROUNDS);
        // The figures for the closing note of the durability issue.
        System.out.printf("ServiceAccountStoreKillIT: %d kill -9 and restarts (%d rounds of %d writers, seed %d), %d acknowledged accounts, "
                        + "%d acknowledged writes, %d rounds left a half-written temp file, %d accounts in the final store, "
                        + "0 acknowledged writes lost, %d s%n",
                kills, ROUNDS, WRITERS, SEED, expected.acknowledgedAccounts, expected.acknowledgedWrites, roundsWithTempFile,
                finalAccounts.size(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos));
    }

    private static boolean isAcknowledgement(String line) {
        return line.startsWith("created ") || line.startsWith("rotated ") || line.startsWith("revoked ")
                || line.startsWith("deleted ");
    }

    // ---- The child ------------------------------------------------------------------------------

    /**
     * The child JVM's main: waits for a {@code go} line on stdin (and ends if stdin closes without
     * one), loads the store in {@code args[0]} (failing if it is corrupt), prints
     * {@code ready <n>}, then writes in a loop forever, printing each acknowledgement after the
     * write returned (and an intent line before a revocation or deletion starts):
     * {@code created <id> <keyId>}, {@code rotating <id>}, {@code rotated <id> <keyId>},
     * {@code revoking <id> <keyId>}, {@code revoked <id> <keyId>}, {@code deleting <id>},
     * {@code deleted <id>}.
     */
    public static final class Writer {

        private Writer() {
        }

        /** @param args data dir, account name prefix, and optionally a number of loops to stop after */
        public static void main(String[] args) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"go".equals(in.readLine())) {
                return;
            }
            ServiceAccountStore store = new ServiceAccountStore(Path.of(args[0]));
            String namePrefix = args[1];
            long loops = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
            PrintStream out = System.out;
            say(out, "ready " + store.list().size());
            String previous = null;
            for (long i = 0; i < loops; i++) {
                CreatedServiceAccount created = store.create(namePrefix + "-" + i, "kill test", Set.of(Role.METRICS_READER));
                String id = created.account().id();
                say(out, "created " + id + " " + created.key().id());
                say(out, "rotating " + id);
                IssuedKey issued = store.rotate(id, KeyExpiry.NEVER).orElseThrow();
                say(out, "rotated " + id + " " + issued.key().id());
                say(out, "revoking " + id + " " + created.key().id());
                if (store.revokeKey(id, created.key().id()) != KeyRevocation.REVOKED) {
                    throw new IllegalStateException("revocation of an existing key failed");
                }
                say(out, "revoked " + id + " " + created.key().id());
                if (previous != null) {
                    say(out, "deleting " + previous);
                    if (!store.delete(previous)) {
                        throw new IllegalStateException("deletion of an existing account failed");
                    }
                    say(out, "deleted " + previous);
                }
                previous = id;
            }
        }

        private static void say(PrintStream out, String line) {
            out.println(line);
            out.flush();
        }
    }

    /**
     * SIGKILL through the process handle, which leaves the child's stdout pipe open for the reader
     * (see the class comment: {@link Process#destroyForcibly()} would close it and lose lines).
     */
    private static void kill(Child writer, int round) throws InterruptedException {
        Process process = writer.process();
        assertThat(process.toHandle().destroyForcibly()).as("round %d: SIGKILL sent", round).isTrue();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("round %d: the child dies", round).isTrue();
        assertThat(process.exitValue()).as("round %d: killed by SIGKILL, not ended on its own; %s", round, writer.transcript())
                .isEqualTo(137);
    }

    /** The next line a dead child left, or {@link #END}; fails when its output could not be read to the end. */
    private static String rest(Child writer, int round) throws InterruptedException {
        String line = writer.output().lines().poll(LINE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            fail("round %d: the output of a killed child did not end", round);
        }
        if (line == END) {
            requireReadToTheEnd(writer, round);
        }
        return line;
    }

    private static void requireReadToTheEnd(Child writer, int round) {
        IOException failure = writer.output().failure();
        if (failure != null) {
            throw new AssertionError("round " + round + ": the output of a child was cut off, its last acknowledgements are unknown; "
                    + "transcript " + writer.transcript(), failure);
        }
    }

    /**
     * Puts {@link Writer} into a jar of its own (class-data sharing refuses class directories) and
     * lets one child that ends normally record a class-data-sharing archive for the others. Without
     * the archive (an exotic JVM) the children merely start slower.
     */
    private void prepareChildJvm() throws IOException, InterruptedException {
        Path writerJar = workDir.resolve("writer.jar");
        String entry = Writer.class.getName().replace('.', '/') + ".class";
        try (InputStream classFile = Writer.class.getResourceAsStream("/" + entry);
             JarOutputStream jar = new JarOutputStream(Files.newOutputStream(writerJar))) {
            jar.putNextEntry(new JarEntry(entry));
            Objects.requireNonNull(classFile, entry).transferTo(jar);
            jar.closeEntry();
        }
        childClasspath = JarProcess.jar() + File.pathSeparator + writerJar;
        Path archive = workDir.resolve("writer.jsa");
        Process warmUp = start(List.of("-XX:ArchiveClassesAtExit=" + archive), workDir.resolve("warm-up"), "warm-up", "3");
        children.add(warmUp);
        try (OutputStream stdin = warmUp.getOutputStream()) {
            stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(warmUp.waitFor(60, TimeUnit.SECONDS)).as("the warm-up child ends").isTrue();
        String output = new String(warmUp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(warmUp.exitValue()).as("the warm-up child succeeds: %s", output).isZero();
        children.clear();
        classArchive = Files.isRegularFile(archive) ? archive : null;
    }

    /** Starts the JVMs of one round's writers; each waits for {@link #go}. */
    private List<Child> startWriters(Path dataDir, int round) throws IOException {
        List<Child> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            Process process = start(classArchive == null ? List.of() : List.of("-XX:SharedArchiveFile=" + classArchive), dataDir,
                    "round-" + round + "-writer-" + w);
            children.add(process);
            writers.add(new Child(process, drain(process), new ArrayList<>()));
        }
        return writers;
    }

    /** Lets a waiting child open the store and start writing. */
    private static void go(Child writer, int round) throws IOException {
        OutputStream stdin = writer.process().getOutputStream();
        stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        assertThat(writer.process().isAlive()).as("round %d: the child waits for its go; transcript %s", round, writer.transcript())
                .isTrue();
    }

    private Process start(List<String> jvmOptions, Path dataDir, String... writerArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(jvmOptions);
        // A quick start matters more than peak speed: 104 JVMs start in this test. No JVM log
        // lines (class-data sharing warns on stdout): the child's stdout is its acknowledgements.
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-Xlog:disable",
                "-cp", childClasspath, Writer.class.getName(), dataDir.toString()));
        command.addAll(List.of(writerArgs));
        return new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    }

    // A distinct instance, compared by identity: no line the child prints can be it.
    private static final String END = new String("<end of stream>");

    /**
     * A child's output as a queue of complete lines ending with {@link #END}, filled by a daemon
     * thread; {@code failure} is set (before {@link #END}) when reading failed, so that lost
     * lines are never mistaken for the end of the output.
     */
    private static final class ChildOutput {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private volatile IOException failure;

        BlockingQueue<String> lines() {
            return lines;
        }

        IOException failure() {
            return failure;
        }
    }

    /**
     * Reads the child's output on a daemon thread. A last line the kill cut short (no newline) is
     * dropped: an acknowledgement only counts once it was printed whole.
     */
    private static ChildOutput drain(Process process) {
        ChildOutput output = new ChildOutput();
        Thread reader = new Thread(() -> {
            try (Reader in = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder();
                for (int c = in.read(); c != -1; c = in.read()) {
                    if (c == '\n') {
                        output.lines.add(line.toString());
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
            } catch (IOException e) {
                output.failure = e;
            } finally {
                output.lines.add(END);
            }
        }, "kill-it child output");
        reader.setDaemon(true);
        reader.start();
        return output;
    }

    private static String nextLine(Child writer, int round) throws InterruptedException {
        String line = writer.output().lines().poll(LINE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
            fail("round %d: no output from the child within %s; transcript %s", round, LINE_TIMEOUT, writer.transcript());
        }
        if (line == END) {
            requireReadToTheEnd(writer, round);
            fail("round %d: the child ended on its own; transcript %s", round, writer.transcript());
        }
        writer.transcript().add(line);
        return line;
    }

    private static boolean hasTempFile(Path dataDir) {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dataDir, ServiceAccountStore.FILE_NAME + ".*.tmp")) {
            return temps.iterator().hasNext();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
