package org.veil.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.veil.VeilProcess;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.index.EmbeddedDatabase;

/**
 * `make bench-native`: the JVM application and the native executable, started in turns on the
 * same (already migrated) PostgreSQL: time to ready, resident memory when idle, and after a small
 * workload (STOW and WADO of the real CT). Prints a Markdown section for docs/benchmarks.md.
 */
public final class NativeFootprint {
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    /** What Dockerfile.native's ENTRYPOINT gives the executable. */
    public static final String NATIVE_OPTIONS = "-Xmn16m";

    private record Sample(double readyMs, long idleRssKb, long workRssKb) {
    }

    public static void main(String[] args) throws Exception {
        String executable = System.getProperty("bench.native.executable", "");
        if (executable.isBlank() || !Files.isExecutable(Path.of(executable))) {
            throw new IllegalStateException("no native executable in target/: run make native first");
        }
        Path jar = Path.of(System.getProperty("veil.app.jar"));
        Path ct = org.veil.TestData.file("real/CT-MONO2-16-ankle.dcm");
        byte[] instance = Part10Editor.read(ct).set(Tag.StudyInstanceUID, "2.25.909001")
                .set(Tag.SeriesInstanceUID, "2.25.909001.1").set(Tag.SOPInstanceUID, "2.25.909001.1.1").toBytes();
        Path dir = Files.createTempDirectory("veil-footprint");
        List<Sample> jvm = new ArrayList<>();
        List<Sample> nat = new ArrayList<>();
        boolean nativeOnly = "native".equals(System.getProperty("bench.only"));
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("postgres"))) {
            measure(db, null, instance); // migrates the schema, so that no measured start does
            for (int round = 0; round < ROUNDS; round++) {
                // alternating, so that the machine's drift falls on both alike
                if (!nativeOnly) {
                    jvm.add(measure(db, null, instance));
                }
                nat.add(measure(db, executable, instance));
            }
        }
        if (nativeOnly) {
            System.out.println("Native only (BENCH_ONLY=native), each round: " + nat + "; median " + median(nat));
            return;
        }
        long jvmApp = size(jar.getParent());
        long nativeApp = Files.size(Path.of(executable)) + size(Path.of(executable).getParent(), ".so");
        Sample j = median(jvm);
        Sample n = median(nat);
        System.out.printf(Locale.ROOT, """
                | | JVM (java -jar, JDK 25, MaxRAMPercentage=75) | native | native / JVM |
                |---|---|---|---|
                | Time to ready, median of %d (process start to /q/health/ready 200) | %.0f ms | %.0f ms | %.3f |
                | RSS idle, 5 s after ready | %.0f MiB | %.0f MiB | %.2f |
                | RSS after 20 STOW + 20 WADO of the 512x512 CT | %.0f MiB | %.0f MiB | %.2f |
                | Size on disk | %.0f MiB (quarkus-app, without the JDK) | %.0f MiB (executable and its AWT libraries) | %.2f |

                """, ROUNDS,
                j.readyMs(), n.readyMs(), n.readyMs() / j.readyMs(),
                j.idleRssKb() / 1024.0, n.idleRssKb() / 1024.0, (double) n.idleRssKb() / j.idleRssKb(),
                j.workRssKb() / 1024.0, n.workRssKb() / 1024.0, (double) n.workRssKb() / j.workRssKb(),
                jvmApp / 1048576.0, nativeApp / 1048576.0, (double) nativeApp / jvmApp);
        System.out.println("Each round: " + jvm + " (JVM), " + nat + " (native)");
    }

    /** One start of the JVM application ({@code executable} null) or of the native executable. */
    private static Sample measure(EmbeddedDatabase db, String executable, byte[] instance) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of("QUARKUS_LOG_LEVEL", "WARN"));
        env.put("JAVA_TOOL_OPTIONS", executable == null ? "-XX:MaxRAMPercentage=75" : null); // as in the Dockerfiles
        // Configured as the Helm chart configures every replica: with the de-identification and
        // audit secrets, so that what a secret switches on at start-up is measured too.
        env.put("VEIL_DEID_SECRET", "bench-deid-secret-0123456789abcdef0123456789");
        env.put("VEIL_AUDIT_SECRET", "bench-audit-secret-0123456789abcdef");
        // As the Dockerfiles start them: the JVM with MaxRAMPercentage above, the executable with
        // Dockerfile.native's -Xmn16m (ContainerImageTest holds the two to each other); then, for
        // the JVM alone, BENCH_SERVER_JVM_OPTS (the ahead-of-time cache's option among them, which
        // the executable does not know).
        List<String> given = new ArrayList<>(executable == null ? List.of() : List.of(NATIVE_OPTIONS));
        if (executable == null && !System.getProperty("bench.jvmOptions", "").isBlank()) {
            given.addAll(List.of(System.getProperty("bench.jvmOptions").trim().split("\\s+")));
        }
        String[] options = given.toArray(String[]::new);
        try (VeilProcess veil = executable == null ? VeilProcess.replica(db, env, options)
                : VeilProcess.nativeReplica(executable, db, env, options)) {
            double ready = veil.readyAfter().toNanos() / 1e6;
            Thread.sleep(5_000);
            long idle = veil.rssKb();
            if (Boolean.getBoolean("bench.showLog")) {
                // for looking into a start: Quarkus's "started in" line, -Dquarkus.debug.print-startup-times=true lines, warnings
                veil.log().lines().filter(l -> l.contains("started in") || l.contains("completed in") || l.contains("WARN") || l.contains("ERROR"))
                        .forEach(l -> System.out.println((executable == null ? "[jvm] " : "[native] ") + l));
            }
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 20; i++) {
                HttpResponse<Void> stored = http.send(veil.request("/dicomweb/studies")
                        .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(DicomWebClient.multipart(List.of(instance)))).build(),
                        HttpResponse.BodyHandlers.discarding());
                HttpResponse<byte[]> read = http.send(veil.request("/dicomweb/studies/2.25.909001/series/2.25.909001.1/instances/2.25.909001.1.1")
                        .header("Accept", "multipart/related; type=\"application/dicom\"").build(), HttpResponse.BodyHandlers.ofByteArray());
                if (stored.statusCode() != 200 || read.statusCode() != 200) {
                    throw new IllegalStateException("STOW " + stored.statusCode() + ", WADO " + read.statusCode() + ": " + veil.log());
                }
            }
            return new Sample(ready, idle, veil.rssKb());
        }
    }

    /** Each measure's median over the rounds (not one round's sample). */
    private static Sample median(List<Sample> rounds) {
        return new Sample(median(rounds.stream().mapToDouble(Sample::readyMs)),
                (long) median(rounds.stream().mapToDouble(Sample::idleRssKb)),
                (long) median(rounds.stream().mapToDouble(Sample::workRssKb)));
    }

    private static double median(java.util.stream.DoubleStream values) {
        double[] v = values.sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long size(Path dir) throws Exception {
        return size(dir, "");
    }

    /** Bytes of the regular files under dir whose names end with suffix. */
    private static long size(Path dir, String suffix) throws Exception {
        try (Stream<Path> files = suffix.isEmpty() ? Files.walk(dir) : Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(suffix))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
