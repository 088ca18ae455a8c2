package org.veil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make run}, stopped, then {@code make run} again on the same data, as a new user would
 * (issue: the second start once showed the demo consultant nothing, because Keycloak gave the
 * demo users new ids and the shares named the old ones). The script is run as {@code make run}
 * runs it, on the packaged server and the unpacked Keycloak, with its data in a fresh directory;
 * after each start the consultant searches the way the viewer does, and both starts must show
 * the same two shared studies under the same derived UIDs.
 */
class DemoRestartIT {
    private static final Duration START = Duration.ofMinutes(5);
    private static final int[] PORTS = {8080, 8180, 9180};
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theSecondStartShowsTheConsultantTheSameStudies(@TempDir Path data) throws Exception {
        List<String> first = startListAndStop(data);
        assertThat(first).as("the demo shares two studies with the consultant").hasSize(2);
        List<String> second = startListAndStop(data);
        assertThat(second).as("after a restart on the same data").containsExactlyInAnyOrderElementsOf(first);
    }

    private List<String> startListAndStop(Path data) throws Exception {
        awaitPortsFree(() -> "before the start");
        ProcessBuilder pb = new ProcessBuilder("setsid", "src/main/scripts/run-local.sh").redirectErrorStream(true);
        pb.environment().put("VEIL_DATA_DIR", data.toString());
        Process run = pb.start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<Boolean> up = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
                boolean ready = false;
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    ready |= line.startsWith("Veil is up.");
                    if (ready && line.startsWith("Tokens:")) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        try {
            boolean started = up.get(START.toSeconds(), TimeUnit.SECONDS);
            assertThat(started).as("make run's script reached 'Veil is up.':\n%s", output).isTrue();
            return consultantStudies();
        } finally {
            stop(run, data, output);
        }
    }

    /** The StudyInstanceUIDs the demo consultant finds, as the viewer searches for them. */
    private List<String> consultantStudies() throws Exception {
        String form = "grant_type=password&client_id=veil-cli&username=consultant&password=consultant&scope="
                + URLEncoder.encode("openid purpose:consultation", StandardCharsets.UTF_8);
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:8180/realms/veil/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        String bearer = new ObjectMapper().readTree(token.body()).get("access_token").asText();
        HttpResponse<String> studies = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/dicomweb/studies"))
                .header("Authorization", "Bearer " + bearer).header("Accept", "application/dicom+json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(studies.statusCode()).as(studies.body()).isIn(200, 204);
        List<String> uids = new ArrayList<>();
        if (studies.statusCode() == 200) {
            for (JsonNode study : new ObjectMapper().readTree(studies.body())) {
                uids.add(study.path("0020000D").path("Value").path(0).asText());
            }
        }
        return uids;
    }

    /**
     * Ctrl-C as a user would give it: SIGINT to the script's process group (setsid made the
     * script its leader), so Veil drains and the script's trap stops the Keycloak it started.
     */
    private static void stop(Process run, Path data, StringBuilder output) throws Exception {
        if (run.isAlive()) {
            new ProcessBuilder("kill", "-INT", "--", "-" + run.pid()).inheritIO().start().waitFor();
        }
        boolean exited = run.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            new ProcessBuilder("kill", "-KILL", "--", "-" + run.pid()).inheritIO().start().waitFor();
            run.waitFor(10, TimeUnit.SECONDS);
        }
        // Whoever reads a failure here needs the script's own account and Keycloak's last words.
        awaitPortsFree(() -> "after Ctrl-C the script " + (exited ? "exited with " + run.exitValue() : "was killed after 90 s")
                + "; its output:\n" + output + "\nkeycloak.log ends:\n" + tail(data.resolve("keycloak.log")));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = java.nio.file.Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Keycloak and Veil both gone: nothing listens on the demo's ports any more. */
    private static void awaitPortsFree(java.util.function.Supplier<String> context) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        for (int port : PORTS) {
            while (listening(port)) {
                if (!Instant.now().isBefore(deadline)) {
                    throw new AssertionError("port " + port + " is still taken " + context.get());
                }
                Thread.sleep(500);
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
