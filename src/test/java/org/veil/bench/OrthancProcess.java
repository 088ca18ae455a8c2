package org.veil.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.veil.TempTree;
import org.veil.VeilProcess;

/**
 * Debian's Orthanc with its DICOMweb plugin, as a hospital would try it: default settings except
 * a throw-away store, no DICOM (DIMSE) port, and no authentication (Veil's bench client carries a
 * token; Orthanc's would carry a password, which costs it nothing measurable). Orthanc 1.10 has no
 * option to bind one address, so the benchmark runs in a network namespace of its own
 * ({@code bench/run.sh}), where only the loopback interface exists. Started and stopped by PID.
 */
final class OrthancProcess implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private OrthancProcess(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Orthanc from the root {@code bench/orthanc.sh} unpacked, with its store under {@code dir}. */
    static OrthancProcess started(Path root, Path dir) throws Exception {
        TempTree.delete(dir);
        Files.createDirectories(dir.resolve("storage"));
        int port = VeilProcess.freePort();
        Path plugin;
        try (Stream<Path> libs = Files.list(root.resolve("usr/lib/orthanc"))) {
            plugin = libs.filter(p -> p.getFileName().toString().startsWith("libOrthancDicomWeb.so")).findFirst().orElseThrow();
        }
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, """
                {
                  "Name": "bench",
                  "StorageDirectory": "%s",
                  "IndexDirectory": "%s",
                  "HttpPort": %d,
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "DicomServerEnabled": false,
                  "Plugins": ["%s"],
                  "DicomWeb": {"Enable": true, "Root": "/dicom-web/"}
                }
                """.formatted(dir.resolve("storage"), dir.resolve("storage"), port, plugin));
        Process p = new ProcessBuilder(root.resolve("usr/sbin/Orthanc").toString(), config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        OrthancProcess orthanc = new OrthancProcess(p, dir, port);
        orthanc.awaitReady();
        return orthanc;
    }

    /** The DICOMweb root. */
    String dicomweb() {
        return "http://127.0.0.1:" + port + "/dicom-web";
    }

    Path storage() {
        return dir.resolve("storage");
    }

    long pid() {
        return process.pid();
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Orthanc exited:\n" + Files.readString(dir.resolve("orthanc.log")));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/system")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Orthanc did not become ready");
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        TempTree.delete(dir);
    }
}
