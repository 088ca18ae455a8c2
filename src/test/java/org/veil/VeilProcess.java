package org.veil;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.veil.index.EmbeddedDatabase;
import org.veil.security.KeycloakServer;
import org.veil.security.TestTokens;

/**
 * The packaged server (the JVM application, or the native executable) as a separate process, on
 * a free port, with its own embedded database and storage in a temporary directory that closing
 * removes, trusting the test Keycloak.
 */
public final class VeilProcess implements AutoCloseable {
    private final Path dir;
    private final EmbeddedDatabase db;
    private final int port;
    private final int managementPort;
    private final List<String> jvmOptions;
    private final Map<String, String> environment = new java.util.HashMap<>();
    private boolean ownsDatabase = true;
    private Process process;
    private Duration readyAfter;
    private String executable = System.getProperty("veil.native.executable");

    public static VeilProcess started(String... jvmOptions) throws Exception {
        Path dir = Files.createTempDirectory("veil-it");
        VeilProcess veil = new VeilProcess(dir, EmbeddedDatabase.start(dir.resolve("postgres")), jvmOptions);
        veil.start();
        return veil;
    }

    /**
     * One replica of several: the database is shared and stays open when this one closes;
     * {@code environment} adds to (or overrides) what Veil is started with, e.g. S3 storage.
     */
    public static VeilProcess replica(EmbeddedDatabase shared, Map<String, String> environment, String... jvmOptions)
            throws Exception {
        VeilProcess veil = new VeilProcess(Files.createTempDirectory("veil-replica"), shared, jvmOptions);
        veil.ownsDatabase = false;
        veil.environment.putAll(environment);
        veil.start();
        return veil;
    }

    /**
     * One replica of several, run from this native executable whatever veil.native.executable
     * says (the benchmark runs both kinds in one JVM).
     */
    public static VeilProcess nativeReplica(String executable, EmbeddedDatabase shared, Map<String, String> environment,
                                            String... options) throws Exception {
        VeilProcess veil = new VeilProcess(Files.createTempDirectory("veil-replica"), shared, options);
        veil.executable = executable;
        veil.ownsDatabase = false;
        veil.environment.putAll(environment);
        veil.start();
        return veil;
    }

    private VeilProcess(Path dir, EmbeddedDatabase db, String... jvmOptions) throws IOException {
        this.dir = dir;
        this.db = db;
        this.jvmOptions = List.of(jvmOptions);
        port = freePort();
        managementPort = freePort();
    }

    /** A request to the server as a clinician treating the patient, with a real token. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + TestTokens.treatingClinician());
    }

    /** The management interface, where the metrics are. */
    public String managementBase() {
        return "http://127.0.0.1:" + managementPort;
    }

    /** Everything the server has written to stdout and stderr so far. */
    public String log() throws IOException {
        return Files.readString(dir.resolve("veil.log"));
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public Path storage() {
        return dir.resolve("storage");
    }

    /**
     * Starts the server with these options expecting it to refuse to start: returns its log once
     * it has exited, or fails if it is still running after 60 s.
     */
    public static String refusedStart(String... jvmOptions) throws Exception {
        Path dir = Files.createTempDirectory("veil-it");
        try (VeilProcess veil = new VeilProcess(dir, EmbeddedDatabase.start(dir.resolve("postgres")), jvmOptions)) {
            veil.launch();
            if (!veil.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || veil.process.exitValue() == 0) {
                throw new IllegalStateException("Veil started although it should have refused");
            }
            return veil.log();
        }
    }

    /** Runs the server to its end on a shared database (e.g. QUARKUS_INIT_AND_EXIT); its exit code, or -1 after 120 s. */
    public static int runToExit(EmbeddedDatabase shared, Map<String, String> environment) throws Exception {
        VeilProcess veil = new VeilProcess(Files.createTempDirectory("veil-run"), shared);
        veil.ownsDatabase = false;
        veil.environment.putAll(environment);
        try (veil) {
            veil.launch();
            return veil.awaitExit(120);
        }
    }

    public void start() throws Exception {
        long launched = System.nanoTime();
        launch();
        awaitReady();
        readyAfter = Duration.ofNanos(System.nanoTime() - launched);
    }

    /** From launching the process to its first ready answer (polled every 10 ms). */
    public Duration readyAfter() {
        return readyAfter;
    }

    public long pid() {
        return process.pid();
    }

    /** The server's resident memory now (VmRSS from /proc), in KiB. */
    public long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS for process " + pid());
    }

    private void launch() throws Exception {
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(List.of("-Dquarkus.http.port=" + port, "-Dquarkus.management.port=" + managementPort));
        ProcessBuilder pb = new ProcessBuilder(command(executable, options));
        pb.environment().put("VEIL_DB_URL", db.jdbcUrl());
        pb.environment().put("VEIL_DB_USER", db.username());
        pb.environment().put("VEIL_DB_PASSWORD", db.password());
        pb.environment().put("VEIL_STORAGE_ROOT", storage().toString());
        pb.environment().put("QUARKUS_OIDC_AUTH_SERVER_URL", KeycloakServer.get().issuer());
        pb.environment().put("VEIL_DATA_DIR", dir.resolve("data").toString());
        // A null value removes a variable, e.g. to give it as *_FILE instead.
        environment.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("veil.log").toFile()));
        process = pb.start();
    }

    /**
     * The command that runs the packaged Veil with these options (-D settings, -Xmx) and
     * arguments: the native executable when veil.native.executable names one (make test-native),
     * else the JVM application.
     */
    public static List<String> command(List<String> options, String... arguments) {
        return command(System.getProperty("veil.native.executable"), options, arguments);
    }

    private static List<String> command(String executable, List<String> options, String... arguments) {
        List<String> command = new ArrayList<>();
        if (executable != null && !executable.isBlank()) {
            command.add(executable);
            command.addAll(options);
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(options);
            command.addAll(List.of("-jar", System.getProperty("veil.app.jar")));
        }
        command.addAll(List.of(arguments));
        return command;
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("Veil did not become ready: " + Files.readString(dir.resolve("veil.log")));
    }

    public EmbeddedDatabase db() {
        return db;
    }

    /**
     * The process id of the PostgreSQL server this process started for Veil (its postmaster,
     * which pg_ctl leaves to no parent of ours): for the benchmark's CPU accounting.
     */
    public long databasePid() throws IOException {
        if (!ownsDatabase) {
            throw new IllegalStateException("the database is shared, not this process's");
        }
        return Long.parseLong(Files.readAllLines(dir.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
    }

    /** A port nothing listens on now, on the loopback interface. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        kill();
        if (ownsDatabase) {
            db.close();
        }
        TempTree.delete(dir);
    }

    /** SIGTERM, as Kubernetes stops a pod. */
    public void terminate() {
        process.destroy();
    }

    /** Whether the process has ended within this time, and with which exit code (-1 if not). */
    public int awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hooks, no cleanup. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
            process = null;
        }
    }
}
