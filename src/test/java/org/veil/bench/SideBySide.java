package org.veil.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.veil.TempTree;
import org.veil.VeilProcess;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/**
 * `make bench`, first part: Veil and Debian's Orthanc side by side, as a hospital comparing them
 * would run them, on one machine, in one run. The same client (the JDK's, HTTP/1.1, counting
 * response bytes without keeping them), the same real 512x512 CT slices under new UIDs per round,
 * the same requests against both, in alternating rounds (Orthanc, Veil, Orthanc, Veil), so that a
 * noisy neighbour hurts both. Beside the figures, the ceilings measured in the same run: writing
 * and fsyncing the same files, reading them back; and the CPU each server spent per stored
 * instance and per GB retrieved (and the client per GB), because both share the machine's cores
 * and the client's share bounds the rate.
 * Prints a Markdown section for docs/benchmarks.md.
 *
 * <p>Veil fsyncs every instance before it answers a STOW and writes an audit row for every request;
 * Orthanc in its Debian defaults does neither. That is the comparison a hospital makes.
 */
public final class SideBySide {
    private static final String ALL_SYNTAXES = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private static final String DEFAULT_SYNTAX = "multipart/related; type=\"application/dicom\"";
    private static final String JSON = "application/dicom+json";
    /** What OHIF 3 asks for its study list. */
    private static final String OHIF_STUDY_LIST = "/studies?limit=101&offset=0&fuzzymatching=false&includefield=00081030%2C00080060";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * A server under test: its DICOMweb root, the header its callers send, where it keeps its
     * files and the processes whose CPU is its own (Veil's with its PostgreSQL; Orthanc's SQLite
     * runs inside Orthanc).
     */
    private record Server(String name, String root, Supplier<String> authorization, Path objects, List<Long> pids) {
        HttpRequest.Builder request(String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofMinutes(5));
            String auth = authorization.get();
            return auth == null ? b : b.header("Authorization", auth);
        }
    }

    /** One figure's values per server, round by round. */
    private final Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();

    public static void main(String[] args) throws Exception {
        int studies = Integer.getInteger("bench.studies", 20);
        int perStudy = Integer.getInteger("bench.instances", 50);
        int rounds = Integer.getInteger("bench.rounds", 2);
        Path orthancRoot = Path.of(System.getProperty("bench.orthanc.root"));
        Path work = Path.of(System.getProperty("bench.dir", "target/bench")).toAbsolutePath().resolve("side-by-side");
        TempTree.delete(work);
        Files.createDirectories(work);
        Path ct = org.veil.TestData.file("real/CT-MONO2-16-ankle.dcm");
        SideBySide bench = new SideBySide();
        String orthancVersion;
        try (VeilProcess veil = VeilProcess.started(veilOptions());
             OrthancProcess orthanc = OrthancProcess.started(orthancRoot, work.resolve("orthanc"))) {
            orthancVersion = bench.orthancVersion(orthanc);
            String token = TestTokens.treatingClinician();
            Server v = new Server("Veil", veil.base() + "/dicomweb", () -> "Bearer " + token, veil.storage().resolve("objects"),
                    List.of(veil.pid(), veil.databasePid()));
            Server o = new Server("Orthanc", orthanc.dicomweb(), () -> null, orthanc.storage(), List.of(orthanc.pid()));
            for (int round = 1; round <= rounds; round++) {
                List<List<byte[]>> data = generate(ct, round, studies, perStudy);
                bench.ceilings(data, work.resolve("raw-" + round));
                bench.round(o, data, round);
                bench.round(v, data, round);
            }
            bench.record("ceiling", "raw read of Veil's stored objects (MB/s)", Raw.readAll(v.objects()));
            bench.record("ceiling", "raw read of Orthanc's stored files (MB/s)", Raw.readAll(o.objects()));
            Benchmark.stopGracefully(veil, 60);
        }
        bench.print(studies, perStudy, rounds, orthancVersion);
    }

    /** Veil's options here and in WarmProbe; BENCH_SERVER_JVM_OPTS reach Veil (a flight recording, say), as in the rest of make bench. */
    static String[] veilOptions() {
        List<String> options = new ArrayList<>(List.of("-Dquarkus.log.level=WARN", "-Dveil.deid.secret=bench-deid-secret-0123456789"));
        String jvmOptions = System.getProperty("bench.jvmOptions", "").trim();
        if (!jvmOptions.isEmpty()) {
            options.addAll(List.of(jvmOptions.split("\\s+")));
        }
        return options.toArray(String[]::new);
    }

    private String orthancVersion(OrthancProcess orthanc) throws Exception {
        String system = http.send(HttpRequest.newBuilder(URI.create(orthanc.dicomweb().replace("/dicom-web", "/system"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(system).path("Version").asText();
    }

    private void ceilings(List<List<byte[]>> data, Path dir) throws Exception {
        record("ceiling", "raw write+fsync of the same files, one by one (MB/s)", Raw.writeAll(data, dir));
    }

    private void round(Server s, List<List<byte[]>> data, int round) throws Exception {
        int half = data.size() / 2;
        long n1 = data.subList(0, half).stream().mapToLong(List::size).sum();
        double cpu = CpuTime.of(s.pids());
        long t0 = System.nanoTime();
        for (List<byte[]> study : data.subList(0, half)) {
            stow(s, study);
        }
        record(s.name(), "STOW, 1 client (instances/s)", n1 / seconds(t0));
        record(s.name(), "STOW, 1 client: server CPU per instance (core-ms)", (CpuTime.of(s.pids()) - cpu) * 1000 / n1);
        long n4 = data.subList(half, data.size()).stream().mapToLong(List::size).sum();
        cpu = CpuTime.of(s.pids());
        t0 = System.nanoTime();
        parallel(4, data.subList(half, data.size()), study -> stow(s, study));
        record(s.name(), "STOW, 4 clients (instances/s)", n4 / seconds(t0));
        record(s.name(), "STOW, 4 clients: server CPU per instance (core-ms)", (CpuTime.of(s.pids()) - cpu) * 1000 / n4);

        List<String> studies = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            studies.add(studyOf(round, i));
        }
        record(s.name(), "WADO study retrieve, 1 client (MB/s)", retrieve(s, studies, 1, ALL_SYNTAXES).mbPerSecond());
        record(s.name(), "WADO study retrieve, 4 clients (MB/s)", retrieve(s, studies, 4, ALL_SYNTAXES).mbPerSecond());
        // No transfer syntax named: each server's default, Explicit VR Little Endian in PS3.18
        // 8.7.3.4, from the CT stored in Implicit VR (Veil rewrites it, Orthanc transcodes it).
        record(s.name(), "WADO study retrieve, default syntax, 1 client (MB/s)", retrieve(s, studies, 1, DEFAULT_SYNTAX).mbPerSecond());
        // The steady state beside the figures above, as for QIDO below: each study retrieved five
        // more times unrecorded (the JIT compiles Veil's path by then), then recorded with the CPU
        // each side spent per GB, the server with its children and the client (this process).
        for (int i = 0; i < 5; i++) {
            retrieve(s, studies, 1, ALL_SYNTAXES);
        }
        for (int clients : new int[] {1, 4}) {
            Retrieval r = retrieve(s, studies, clients, ALL_SYNTAXES);
            String figure = "WADO study retrieve after 5 passes, " + clients + (clients == 1 ? " client" : " clients");
            record(s.name(), figure + " (MB/s)", r.mbPerSecond());
            record(s.name(), figure + ": server CPU per GB (core-s)", r.serverCpu() / (r.bytes() / 1e9));
            record(s.name(), figure + ": client CPU per GB (core-s)", r.clientCpu() / (r.bytes() / 1e9));
        }

        Timed byPatientId = i -> get(s, "/studies?PatientID=" + patientOf(round, i % data.size()), JSON);
        record(s.name(), "QIDO by PatientID, p50 (ms)", p50(200, byPatientId));
        // The steady state beside the figure above: 2,000 unrecorded searches against each server
        // first (a JVM compiles the path by then; Orthanc's C++ has nothing to compile), then 500.
        for (int i = 0; i < 2_000; i++) {
            byPatientId.run(i);
        }
        record(s.name(), "QIDO by PatientID after 2,000 searches, p50 (ms)", p50(500, byPatientId));
        record(s.name(), "OHIF study list, p50 (ms)", p50(100, i -> get(s, OHIF_STUDY_LIST, JSON)));
        record(s.name(), "series metadata, " + data.get(0).size() + " instances, p50 (ms)",
                p50(60, i -> get(s, "/studies/" + studies.get(i % studies.size()) + "/series/" + studies.get(i % studies.size()) + ".1/metadata",
                        JSON)));
    }

    @FunctionalInterface
    private interface Step<T> {
        void run(T item) throws Exception;
    }

    @FunctionalInterface
    private interface Timed {
        long run(int i) throws Exception;
    }

    private static <T> void parallel(int clients, List<T> items, Step<T> step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (T item : items) {
                pending.add(pool.submit(() -> {
                    step.run(item);
                    return null;
                }));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static double p50(int n, Timed request) throws Exception {
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            request.run(i);
            nanos[i] = System.nanoTime() - t;
        }
        return Raw.percentile(nanos, 50);
    }

    private void stow(Server s, List<byte[]> files) throws Exception {
        HttpResponse<String> r = http.send(s.request("/studies")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .header("Accept", JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArray(DicomWebClient.multipart(files))).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(s.name() + " STOW answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Receives a whole response and counts its bytes, keeping none of them. */
    private long get(Server s, String path, String accept) throws Exception {
        HttpResponse<Long> r = http.send(s.request(path).header("Accept", accept).build(), Raw.counting());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(s.name() + " " + path + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** A pass over the studies: bytes received, seconds taken, CPU seconds spent by the server and by the client. */
    private record Retrieval(long bytes, double seconds, double serverCpu, double clientCpu) {
        double mbPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    /** Every study retrieved whole once, by this many clients side by side. */
    private Retrieval retrieve(Server s, List<String> studies, int clients, String accept) throws Exception {
        long[] bytes = new long[studies.size()];
        double server = CpuTime.of(s.pids());
        double client = CpuTime.client();
        long t0 = System.nanoTime();
        parallel(clients, studies, study -> bytes[studies.indexOf(study)] = get(s, "/studies/" + study, accept));
        double took = seconds(t0);
        return new Retrieval(Arrays.stream(bytes).sum(), took, CpuTime.of(s.pids()) - server, CpuTime.client() - client);
    }

    private void record(String server, String figure, double value) {
        figures.computeIfAbsent(figure, f -> new LinkedHashMap<>()).computeIfAbsent(server, k -> new ArrayList<>()).add(value);
    }

    private void print(int studies, int perStudy, int rounds, String orthancVersion) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, """
                ### Veil beside Orthanc %s, %s

                Machine: %d cores, Java %s. Data per round: %d studies x %d instances of the 512x512 CT, new UIDs each round;
                %d rounds, alternating (Orthanc first). Each cell lists the rounds; the ratios compare the means, of
                every round and of the rounds after the first (in round 1 the client, a JVM too, warms up on Orthanc,
                and Veil's server on itself).

                | Figure | Orthanc | Veil | Veil vs Orthanc | rounds 2 on |
                |---|---|---|---|---|
                """, orthancVersion, java.time.LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), studies, perStudy, rounds));
        for (Map.Entry<String, Map<String, List<Double>>> f : figures.entrySet()) {
            if (f.getValue().containsKey("ceiling")) {
                continue;
            }
            List<Double> o = f.getValue().getOrDefault("Orthanc", List.of());
            List<Double> v = f.getValue().getOrDefault("Veil", List.of());
            out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", f.getKey(), cells(o), cells(v),
                    ratio(f.getKey(), o, v), o.size() > 1 && v.size() > 1 ? ratio(f.getKey(), o.subList(1, o.size()), v.subList(1, v.size())) : ""));
        }
        out.append("\n| Ceiling, same run | MB/s |\n|---|---|\n");
        for (Map.Entry<String, Map<String, List<Double>>> f : figures.entrySet()) {
            if (f.getValue().containsKey("ceiling")) {
                out.append(String.format(Locale.ROOT, "| %s | %s |%n", f.getKey().replace(" (MB/s)", ""), cells(f.getValue().get("ceiling"))));
            }
        }
        System.out.println(out);
    }

    /** Veil against Orthanc, so that more is better: rates as they are, times and CPU costs inverted. */
    private static String ratio(String figure, List<Double> orthanc, List<Double> veil) {
        boolean latency = figure.contains("(ms)");
        boolean cost = figure.contains("(core-s)") || figure.contains("(core-ms)");
        double ratio = latency || cost ? mean(orthanc) / mean(veil) : mean(veil) / mean(orthanc);
        return String.format(Locale.ROOT, latency ? "%.2fx as fast" : cost ? "%.2fx as lean" : "%.2fx", ratio);
    }

    private static String cells(List<Double> values) {
        return String.join(", ", values.stream().map(x -> String.format(Locale.ROOT, x < 10 ? "%.2f" : "%.0f", x)).toList());
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Copies of the CT under new UIDs, one PatientID per study: also WarmProbe's study. */
    static List<List<byte[]>> generate(Path ct, int round, int studies, int perStudy) throws Exception {
        List<List<byte[]>> out = new ArrayList<>();
        for (int s = 0; s < studies; s++) {
            String study = studyOf(round, s);
            List<byte[]> files = new ArrayList<>();
            for (int i = 0; i < perStudy; i++) {
                files.add(Part10Editor.read(ct).set(Tag.StudyInstanceUID, study).set(Tag.SeriesInstanceUID, study + ".1")
                        .set(Tag.SOPInstanceUID, study + ".1." + (i + 1)).set(Tag.InstanceNumber, Integer.toString(i + 1))
                        .set(Tag.PatientID, patientOf(round, s)).toBytes());
            }
            out.add(files);
        }
        return out;
    }

    static String patientOf(int round, int study) {
        return "SIDE" + round + "X" + study;
    }

    static String studyOf(int round, int study) {
        return "2.25.97" + round + "000" + study;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
