package org.veil.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.veil.TempTree;
import org.veil.VeilProcess;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.index.EmbeddedDatabase;

/**
 * `make bench`: generates studies from the real 512x512 CT with new UIDs, starts the packaged
 * Veil with an embedded PostgreSQL, and measures STOW, WADO, metadata and QIDO, each beside the
 * raw read speed of the same bytes from disk. Prints a Markdown section for docs/benchmarks.md.
 */
public final class Benchmark {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final VeilProcess veil;

    private Benchmark(VeilProcess veil) {
        this.veil = veil;
    }

    public static void main(String[] args) throws Exception {
        int studies = Integer.getInteger("bench.studies", 20);
        int perStudy = Integer.getInteger("bench.instances", 50);
        Path work = Path.of(System.getProperty("bench.dir", "target/bench")).toAbsolutePath();
        TempTree.delete(work);
        Files.createDirectories(work);
        Path ct = org.veil.TestData.file("real/CT-MONO2-16-ankle.dcm");
        List<List<byte[]>> data = generate(ct, studies, perStudy);
        long totalBytes = data.stream().flatMap(List::stream).mapToLong(b -> b.length).sum();

        // The benchmark reaches the server's database too, to fill it with synthetic studies.
        String jvmOptions = System.getProperty("bench.jvmOptions", "").trim();
        // A secret, so that callers outside treatment can be measured (de-identified search).
        List<String> options = new ArrayList<>(List.of("-Dquarkus.log.level=WARN", "-Dveil.deid.secret=bench-deid-secret-0123456789"));
        if (!jvmOptions.isEmpty()) {
            options.addAll(List.of(jvmOptions.split("\\s+")));
        }
        try (VeilProcess veil = VeilProcess.started(options.toArray(String[]::new))) {
            Benchmark b = new Benchmark(veil);
            int seriesInstances = Integer.getInteger("bench.seriesInstances", 2_000);
            int scaleStudies = Integer.getInteger("bench.scaleStudies", 1_000_000);
            if (System.getProperty("bench.only", "").equals("scale")) {
                // BENCH_ONLY=scale: the scale phase alone, for profiling it without the rest.
                b.atScale(ct, veil.db(), seriesInstances, scaleStudies);
                stopGracefully(veil, 60);
                return;
            }
            if (System.getProperty("bench.only", "").equals("train")) {
                // BENCH_ONLY=train (make aot): every path the benchmark measures, once and small,
                // as the training run of the JDK's ahead-of-time cache; the server writes the cache
                // when it exits, so it is stopped as Kubernetes stops it and given time to.
                b.run(data, totalBytes, veil.storage().resolve("objects"), work.resolve("raw-writes"), studies, perStudy);
                b.deidentifiedSearch(studies, perStudy, 0);
                if (!stopGracefully(veil, 300)) {
                    throw new IllegalStateException("the training run's server did not exit, so it wrote no cache");
                }
                return;
            }
            if (System.getProperty("bench.only", "").equals("deid")) {
                // BENCH_ONLY=deid: the generated studies stored, then the de-identified phases alone.
                for (List<byte[]> study : data) {
                    b.stow(study);
                }
                b.deidentifiedSearch(studies, perStudy, 0);
                DeidBenchmark.run(veil.db(), veil.storage(), Integer.getInteger("bench.deidInstances", 500),
                        List.of(veil.pid(), veil.databasePid()));
                stopGracefully(veil, 60);
                return;
            }
            b.run(data, totalBytes, veil.storage().resolve("objects"), work.resolve("raw-writes"), studies, perStudy);
            b.atScale(ct, veil.db(), seriesInstances, scaleStudies);
            b.deidentifiedSearch(studies, perStudy, scaleStudies);
            DeidBenchmark.run(veil.db(), veil.storage(), Integer.getInteger("bench.deidInstances", 500),
                    List.of(veil.pid(), veil.databasePid()));
            stopGracefully(veil, 60);
        }
        ParseBenchmark.run();
    }

    /** {@code warmUp} unrecorded requests, then the times of {@code n} more, each to the path given then. */
    private long[] timed(int warmUp, int n, java.util.function.Supplier<String> path) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            drain(get(path.get(), "application/dicom+json"));
        }
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            String p = path.get();
            long t = System.nanoTime();
            drain(get(p, "application/dicom+json"));
            nanos[i] = System.nanoTime() - t;
        }
        return nanos;
    }

    /**
     * SIGTERM, as a pod is stopped, and a wait, so that what BENCH_SERVER_JVM_OPTS asked the JVM to
     * write as it exits (a flight recording, an ahead-of-time cache) is written; whether it exited in time.
     */
    static boolean stopGracefully(VeilProcess veil, int seconds) throws InterruptedException {
        veil.terminate();
        return veil.awaitExit(seconds) != -1;
    }

    /**
     * The targets' sizes: metadata of one large series stored through STOW, and QIDO among many
     * studies, inserted as index rows by SQL because storing them through STOW would take hours.
     */
    private void atScale(Path ct, EmbeddedDatabase db, int seriesInstances, int scaleStudies) throws Exception {
        String study = "2.25.880000";
        List<byte[]> batch = new ArrayList<>();
        for (int i = 1; i <= seriesInstances; i++) {
            batch.add(Part10Editor.read(ct).set(Tag.StudyInstanceUID, study).set(Tag.SeriesInstanceUID, study + ".1")
                    .set(Tag.SOPInstanceUID, study + ".1." + i).set(Tag.InstanceNumber, Integer.toString(i))
                    .set(Tag.PatientID, "LARGE").toBytes());
            if (batch.size() == 50 || i == seriesInstances) {
                stow(batch);
                batch.clear();
            }
        }
        String seriesMetadata = "/dicomweb/studies/" + study + "/series/" + study + ".1/metadata";
        // Unrecorded first requests: the figures are the server's steady state, not the JIT
        // compiling the path (the scale phase may run alone, on a fresh server: BENCH_ONLY=scale).
        long[] meta = timed(10, 100, () -> seriesMetadata);

        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             java.sql.Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO study (study_instance_uid, patient_name, patient_name_norm, patient_id, study_date,
                        study_time, accession_number, study_description, modalities_in_study, number_of_series,
                        number_of_instances, attributes)
                    SELECT '2.25.77' || g, 'Synthetic^Patient' || g, 'SYNTHETIC PATIENT' || g, 'SYN' || g,
                        to_char(date '2000-01-01' + (g %% 9000), 'YYYYMMDD'), '120000', 'A' || g, 'SYNTHETIC',
                        ARRAY['CT'], 1, 1,
                        '{"0020000D":{"vr":"UI","Value":["2.25.77' || g || '"]},"00100020":{"vr":"LO","Value":["SYN' || g || '"]}}'
                    FROM generate_series(1, %d) g""".formatted(scaleStudies));
            s.execute("ANALYZE study");
        }
        java.util.Random random = new java.util.Random(7);
        long[] byId = timed(50, 400, () -> "/dicomweb/studies?PatientID=SYN" + (1 + random.nextInt(scaleStudies)));
        long[] byDate = timed(50, 100, () -> {
            String day = String.format("%02d", 1 + random.nextInt(28));
            return "/dicomweb/studies?StudyDate=201003" + day + "-201004" + day + "&limit=100";
        });
        long[] byName = timed(50, 100, () -> "/dicomweb/studies?PatientName=Synthetic%5EPatient" + (1 + random.nextInt(scaleStudies)) + "*");
        System.out.printf(Locale.ROOT, """
                | Series metadata (%d instances, stored through STOW) | p50 %.1f ms, p95 %.1f ms | | |
                | QIDO by PatientID among %,d studies | p50 %.2f ms, p95 %.2f ms | | |
                | QIDO by StudyDate month range among %,d studies (limit 100) | p50 %.2f ms, p95 %.2f ms | | |
                | QIDO by PatientName prefix among %,d studies | p50 %.2f ms, p95 %.2f ms | | |

                """, seriesInstances, Raw.percentile(meta, 50), Raw.percentile(meta, 95),
                scaleStudies, Raw.percentile(byId, 50), Raw.percentile(byId, 95),
                scaleStudies, Raw.percentile(byDate, 50), Raw.percentile(byDate, 95),
                scaleStudies, Raw.percentile(byName, 50), Raw.percentile(byName, 95));
    }

    /**
     * A researcher among the same studies, of which the generated ones carry consent: recording
     * a consent has its de-identified views built in the background (every instance
     * de-identified and indexed, derivatives.ViewBuilder), timed alone for teaching; the
     * researcher's first search comes right after the last research consent and builds what is
     * not built yet; later searches are the policy in SQL over the views. The baseline is the
     * same search by the treating clinician in the original index, in the same run.
     */
    private void deidentifiedSearch(int studies, int perStudy, int scaleStudies) throws Exception {
        // Teaching consent on every study: the background builder's own rate, with no request
        // building beside it; it also runs the de-identification path once, as a server that has
        // built views before has.
        List<Long> server = List.of(veil.pid(), veil.databasePid());
        double cpu = CpuTime.of(server);
        long consented = System.nanoTime();
        consentAll(studies, "teaching");
        double ahead = awaitViewsBuiltAhead(consented);
        double aheadCpu = CpuTime.of(server) - cpu;
        // Research consent on the same studies (other views, another profile), and the
        // researcher's search right after the last one: what it finds not yet built in the
        // background it builds itself, beside the builder (the target's figure).
        String researcher = org.veil.security.TestTokens.of("researcher", "openid purpose:research");
        cpu = CpuTime.of(server);
        consentAll(studies, "research");
        long t0 = System.nanoTime();
        HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(veil.base() + "/dicomweb/studies?limit=100"))
                .header("Authorization", "Bearer " + researcher).header("Accept", "application/dicom+json").build(),
                HttpResponse.BodyHandlers.ofString());
        double build = seconds(t0);
        if (first.statusCode() != 200) {
            throw new IllegalStateException("de-identified QIDO answered " + first.statusCode());
        }
        double buildCpu = CpuTime.of(server) - cpu;
        awaitViewsBuiltAhead(System.nanoTime());
        String pseudonym = new com.fasterxml.jackson.databind.ObjectMapper().readTree(first.body()).get(0).get("00100020")
                .get("Value").get(0).asText();
        long[] all = new long[200];
        long[] byId = new long[200];
        long[] baseline = new long[200];
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < all.length; i++) {
            long t = System.nanoTime();
            drainAs(researcher, "/dicomweb/studies?limit=100");
            all[i] = System.nanoTime() - t;
            t = System.nanoTime();
            drainAs(researcher, "/dicomweb/studies?PatientID=" + pseudonym);
            byId[i] = System.nanoTime() - t;
            t = System.nanoTime();
            drain(get("/dicomweb/studies?PatientID=BENCH" + random.nextInt(studies), "application/dicom+json"));
            baseline[i] = System.nanoTime() - t;
        }
        System.out.printf(Locale.ROOT, """
                | De-identified views built in the background after teaching consent on %d studies (%,d instances) | %.1f s from the first consent (%.0f instances/s); server CPU %.1f core-s (%.1f core-ms per instance) | | |
                | De-identified search: the researcher's first search right after research consent on the same studies | %.2f s; server CPU from the first consent to the answer %.1f core-s | | ≤ 2 s |
                | QIDO by a researcher, all visible studies (%d of %,d) | p50 %.2f ms, p95 %.2f ms | | |
                | QIDO by a researcher, by pseudonymous PatientID | p50 %.2f ms, p95 %.2f ms | identified QIDO by PatientID, same run: p50 %.2f ms | %.1fx |

                """, studies, studies * perStudy, ahead, studies * perStudy / ahead, aheadCpu,
                aheadCpu * 1000 / (studies * perStudy), build, buildCpu, studies, scaleStudies + studies + 1,
                Raw.percentile(all, 50), Raw.percentile(all, 95), Raw.percentile(byId, 50), Raw.percentile(byId, 95),
                Raw.percentile(baseline, 50), Raw.percentile(byId, 50) / Raw.percentile(baseline, 50));
    }

    private void consentAll(int studies, String scope) throws Exception {
        String clinician = org.veil.security.TestTokens.of("clinician", "openid");
        for (int s = 0; s < studies; s++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(veil.base() + "/api/v1/studies/" + studyUid(s) + "/consents"))
                    .header("Authorization", "Bearer " + clinician).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\":[\"" + scope + "\"],\"method\":\"written\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("consent answered " + r.statusCode());
            }
        }
    }

    /** Seconds from the first consent until the background builder has no view left to build. */
    private double awaitViewsBuiltAhead(long since) throws Exception {
        EmbeddedDatabase db = veil.db();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             java.sql.PreparedStatement s = c.prepareStatement("SELECT count(*) FROM view_request")) {
            while (true) {
                try (java.sql.ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return seconds(since);
                    }
                }
                Thread.sleep(50);
            }
        }
    }

    private void drainAs(String token, String path) throws Exception {
        HttpResponse<Long> r = http.send(HttpRequest.newBuilder(URI.create(veil.base() + path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/dicom+json").build(), Raw.counting());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
        }
    }

    private void run(List<List<byte[]>> data, long totalBytes, Path objects, Path rawDir, int studies, int perStudy)
            throws Exception {
        // The physical limit for STOW: write and fsync the same files, one by one, with no server.
        double rawWrite = Raw.writeAll(data, rawDir);
        int half = data.size() / 2;
        long n1 = data.subList(0, half).stream().mapToLong(List::size).sum();
        long t0 = System.nanoTime();
        for (List<byte[]> study : data.subList(0, half)) {
            stow(study);
        }
        double stow1 = n1 / seconds(t0);

        long n4 = data.subList(half, data.size()).stream().mapToLong(List::size).sum();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        t0 = System.nanoTime();
        List<Future<?>> pending = new ArrayList<>();
        for (List<byte[]> study : data.subList(half, data.size())) {
            pending.add(pool.submit(() -> {
                stow(study);
                return null;
            }));
        }
        for (Future<?> f : pending) {
            f.get();
        }
        double stow4 = n4 / seconds(t0);
        pool.shutdown();

        // The physical limit: read every stored object once, straight from the file system.
        double rawRead = Raw.readAll(objects);
        t0 = System.nanoTime();
        long wadoBytes = 0;
        for (int s = 0; s < studies; s++) {
            wadoBytes += drain(get("/dicomweb/studies/" + studyUid(s), "multipart/related; type=\"application/dicom\"; transfer-syntax=*"));
        }
        double wado = wadoBytes / seconds(t0) / 1e6;

        long[] meta = new long[studies * 3];
        for (int i = 0; i < meta.length; i++) {
            long t = System.nanoTime();
            drain(get("/dicomweb/studies/" + studyUid(i % studies) + "/series/" + studyUid(i % studies) + ".1/metadata",
                    "application/dicom+json"));
            meta[i] = System.nanoTime() - t;
        }
        long[] qido = new long[400];
        for (int i = 0; i < qido.length; i++) {
            long t = System.nanoTime();
            drain(get("/dicomweb/studies?PatientID=BENCH" + (i % studies), "application/dicom+json"));
            qido[i] = System.nanoTime() - t;
        }

        System.out.printf(Locale.ROOT, """
                ### Run of %s

                Machine: %d cores, %s, Java %s. Data: %d studies x %d instances of the 512x512 CT (%,d bytes each, %.1f MB in all).

                | Measure | Veil | Baseline in the same run | Ratio |
                |---|---|---|---|
                | STOW, 1 client | %.0f instances/s (%.0f MB/s) | raw write+fsync of the same files: %.0f MB/s | %.2f of raw write |
                | STOW, 4 clients | %.0f instances/s (%.0f MB/s) | raw write+fsync: %.0f MB/s | %.2f of raw write |
                | WADO study retrieve | %.0f MB/s | raw read of the stored files: %.0f MB/s | %.2f of raw read |
                | Series metadata (%d instances) | p50 %.1f ms, p95 %.1f ms | | |
                | QIDO by PatientID | p50 %.2f ms, p95 %.2f ms | | |
                """, java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("java.version"), studies, perStudy, data.get(0).get(0).length, totalBytes / 1e6,
                stow1, stow1 * data.get(0).get(0).length / 1e6, rawWrite, stow1 * data.get(0).get(0).length / 1e6 / rawWrite,
                stow4, stow4 * data.get(0).get(0).length / 1e6, rawWrite, stow4 * data.get(0).get(0).length / 1e6 / rawWrite,
                wado, rawRead, wado / rawRead,
                perStudy, Raw.percentile(meta, 50), Raw.percentile(meta, 95), Raw.percentile(qido, 50), Raw.percentile(qido, 95));
    }

    private static List<List<byte[]>> generate(Path ct, int studies, int perStudy) throws Exception {
        List<List<byte[]>> out = new ArrayList<>();
        for (int s = 0; s < studies; s++) {
            List<byte[]> study = new ArrayList<>();
            for (int i = 0; i < perStudy; i++) {
                study.add(Part10Editor.read(ct)
                        .set(Tag.StudyInstanceUID, studyUid(s)).set(Tag.SeriesInstanceUID, studyUid(s) + ".1")
                        .set(Tag.SOPInstanceUID, studyUid(s) + ".1." + (i + 1)).set(Tag.InstanceNumber, Integer.toString(i + 1))
                        .set(Tag.PatientID, "BENCH" + s).toBytes());
            }
            out.add(study);
        }
        return out;
    }

    private static String studyUid(int s) {
        return "2.25.990000" + s;
    }

    private void stow(List<byte[]> files) throws Exception {
        HttpResponse<String> r = http.send(veil.request("/dicomweb/studies")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(DicomWebClient.multipart(files))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("STOW answered " + r.statusCode());
        }
    }

    /** Receives a whole response and counts its bytes, keeping none of them. */
    private HttpResponse<Long> get(String path, String accept) throws Exception {
        HttpResponse<Long> r = http.send(veil.request(path).header("Accept", accept).build(),
                Raw.counting());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
        }
        return r;
    }

    private static long drain(HttpResponse<Long> r) {
        return r.body();
    }


    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
