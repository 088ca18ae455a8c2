package org.veil.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.veil.VeilProcess;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/**
 * One warm Veil, one client, one request kind at a time: for profiling a request's path (a flight
 * recording through {@code BENCH_SERVER_JVM_OPTS}) and for comparing two builds, not a figure of
 * {@code make bench}. Stores one study of {@code bench.instances} CT slices, then runs
 * {@code bench.rounds} blocks of each kind and prints each block's median and the server's CPU
 * (Veil and its PostgreSQL) per request. {@code bench/run.sh org.veil.bench.WarmProbe}.
 */
public final class WarmProbe {
    private static final String JSON = "application/dicom+json";
    private static final String STUDY = SideBySide.studyOf(1, 0);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String root;
    private final String authorization;

    private WarmProbe(String root, String authorization) {
        this.root = root;
        this.authorization = authorization;
    }

    public static void main(String[] args) throws Exception {
        int perStudy = Integer.getInteger("bench.instances", 20);
        int rounds = Integer.getInteger("bench.rounds", 3);
        try (VeilProcess veil = VeilProcess.started(SideBySide.veilOptions())) {
            WarmProbe probe = new WarmProbe(veil.base() + "/dicomweb", "Bearer " + TestTokens.treatingClinician());
            probe.store(SideBySide.generate(org.veil.TestData.file("real/CT-MONO2-16-ankle.dcm"), 1, 1, perStudy).get(0));
            List<Long> pids = List.of(veil.pid(), veil.databasePid());
            String wado = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
            // BENCH_ONLY=qido (or metadata, retrieve, or several, comma-separated) runs those blocks alone, for a profile of one path.
            List<String> only = List.of(System.getProperty("bench.only", "").split(",")).stream().filter(s -> !s.isBlank()).toList();
            for (int round = 1; round <= rounds; round++) {
                if (only.isEmpty() || only.contains("qido")) {
                    probe.block(pids, "QIDO by PatientID", 3_000, "/studies?PatientID=" + SideBySide.patientOf(1, 0), JSON);
                }
                if (only.isEmpty() || only.contains("metadata")) {
                    probe.block(pids, "series metadata", 2_000, "/studies/" + STUDY + "/series/" + STUDY + ".1/metadata", JSON);
                }
                if (only.isEmpty() || only.contains("retrieve")) {
                    probe.block(pids, "study retrieve", 300, "/studies/" + STUDY, wado);
                }
            }
            Benchmark.stopGracefully(veil, 60);
        }
    }

    private void store(List<byte[]> files) throws Exception {
        HttpResponse<String> r = http.send(request("/studies")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .header("Accept", JSON).POST(HttpRequest.BodyPublishers.ofByteArray(DicomWebClient.multipart(files))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("STOW answered " + r.statusCode());
        }
    }

    private void block(List<Long> pids, String name, int n, String path, String accept) throws Exception {
        long[] nanos = new long[n];
        long bytes = 0;
        double cpu = CpuTime.of(pids);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            HttpResponse<Long> r = http.send(request(path).header("Accept", accept).build(), Raw.counting());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(name + " answered " + r.statusCode());
            }
            bytes += r.body();
            nanos[i] = System.nanoTime() - t;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double serverCpu = CpuTime.of(pids) - cpu;
        System.out.printf(Locale.ROOT, "%-18s n=%5d p50 %6.2f ms  server CPU %6.2f ms/request  %7.1f MB/s%n", name, n,
                Raw.percentile(nanos, 50), serverCpu * 1000 / n, bytes / seconds / 1e6);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofMinutes(5)).header("Authorization", authorization);
    }
}
