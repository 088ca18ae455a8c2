package org.veil;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/**
 * The mixed load of a working day against one Veil, from a few threads: clinicians store CT
 * instances (STOW) and read them back (instances, metadata, QIDO, rendered frames); a privacy
 * officer records and withdraws teaching consent; a teacher searches and reads the de-identified
 * copies, which makes Veil de-identify while the others store. It records every answer's status
 * and latency, and what Veil acknowledged: the instances of each 200 to a STOW (with the SHA-256
 * of the bytes sent) and the consents and withdrawals it answered 201 and 200. A last thread
 * sends hostile requests all along ({@link HostileRequests}): each must be answered with a 4xx
 * (or a 2xx when the mutation left it valid), never a 5xx.
 *
 * <p>The soak ({@code make soak}, {@link SoakIT}) and the kill loop (storage.KillLoopIT) drive it;
 * a request the server cannot answer because it was killed counts as a connection error, never as
 * an answer.
 */
public final class MixedLoad {
    public enum Op { STOW, INSTANCE, METADATA, QIDO, RENDERED, CONSENT, WITHDRAW, DEID_QUERY, DEID_READ, HOSTILE }

    /** An instance Veil acknowledged, and the SHA-256 of the bytes it was sent as. */
    public record Acked(String study, String series, String sop, String sha256) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEACHING = "openid purpose:teaching";

    private final String base;
    private final byte[] large;
    private final byte[] small;
    private volatile long storePauseMillis;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    /** Instances stored by hostile requests that chance left valid: checked, never read back. */
    private final ConcurrentLinkedQueue<Acked> hostileAcked = new ConcurrentLinkedQueue<>();
    private final List<String> studies = new CopyOnWriteArrayList<>();
    private final Map<String, String> consents = new ConcurrentHashMap<>();
    private final Map<String, String> withdrawals = new ConcurrentHashMap<>();
    private final Map<Op, Map<Integer, LongAdder>> statuses = new EnumMap<>(Op.class);
    private final Map<Op, ConcurrentLinkedQueue<Long>> latencies = new EnumMap<>(Op.class);
    private final Map<Op, AtomicInteger> inFlight = new EnumMap<>(Op.class);
    private final LongAdder connectionErrors = new LongAdder();
    /** The first server errors, as status, method and path: what to look for in the server's log. */
    private final ConcurrentLinkedQueue<String> serverErrors = new ConcurrentLinkedQueue<>();
    private final AtomicLong nextUid = new AtomicLong(System.currentTimeMillis() % 1_000_000_000L * 1000);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /**
     * Stored instances are copies, with fresh UIDs, of two real images: one STOW in eight of
     * {@code large} (a 512x512 CT that de-identification decodes and blacks out), the others of
     * {@code small} (a 64x64 MR), so that a long run does not fill the disk.
     */
    public MixedLoad(String base, Path large, Path small) throws IOException {
        this.base = base;
        this.large = java.nio.file.Files.readAllBytes(large);
        this.small = java.nio.file.Files.readAllBytes(small);
        for (Op op : Op.values()) {
            statuses.put(op, new ConcurrentHashMap<>());
            latencies.put(op, new ConcurrentLinkedQueue<>());
            inFlight.put(op, new AtomicInteger());
        }
    }

    /** The real images the load stores (TestData paths). */
    public static MixedLoad ofTestData(String base) throws IOException {
        return new MixedLoad(base, TestData.file("real/CT-MONO2-16-ankle.dcm"), TestData.file("pydicom/MR_small.dcm"));
    }

    /**
     * Starts {@code storers} STOW clients, each pausing {@code storePauseMillis} between requests,
     * one clinician reader, one consent keeper, one teacher and one hostile client.
     */
    public void start(int storers, long storePauseMillis) {
        this.storePauseMillis = storePauseMillis;
        running = true;
        for (int i = 0; i < storers; i++) {
            int client = i;
            threads.add(Thread.ofPlatform().name("load-stow-" + i).start(() -> loop(new Random(client), r -> store(client, r))));
        }
        threads.add(Thread.ofPlatform().name("load-read").start(() -> loop(new Random(11), this::readAsClinician)));
        threads.add(Thread.ofPlatform().name("load-consent").start(() -> loop(new Random(12), this::keepConsent)));
        threads.add(Thread.ofPlatform().name("load-teach").start(() -> loop(new Random(13), this::readAsTeacher)));
        threads.add(Thread.ofPlatform().name("load-hostile").start(() -> loop(new Random(14), this::sendHostile)));
    }

    /** Asks every thread to stop after its current request, and waits for them. */
    public void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(120));
        }
        threads.clear();
    }

    private interface Step {
        void run(Random random) throws Exception;
    }

    private void loop(Random random, Step step) {
        while (running) {
            try {
                step.run(random);
            } catch (IOException e) {
                connectionErrors.increment();
                pause(50); // the server is down (killed, restarting): try again shortly
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the steps

    /** Two instances of a new series in the client's current study; a new study every five stores. */
    private void store(int client, Random random) throws Exception {
        long n = nextUid.incrementAndGet();
        byte[] template = n % 8 == 0 ? large : small;
        String study = "2.25.9" + client + (n / 5);
        String series = study + "." + n;
        List<byte[]> parts = new ArrayList<>();
        List<Acked> sent = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            String sop = series + "." + i;
            byte[] bytes = Part10Editor.read(template).set(Tag.StudyInstanceUID, study).set(Tag.SeriesInstanceUID, series)
                    .set(Tag.SOPInstanceUID, sop).set(Tag.PatientID, "LOAD" + client).set(Tag.InstanceNumber, Integer.toString(i))
                    .toBytes();
            parts.add(bytes);
            sent.add(new Acked(study, series, sop, sha256(bytes)));
        }
        HttpResponse<Void> r = send(Op.STOW, HttpRequest.newBuilder(URI.create(base + "/dicomweb/studies"))
                .header("Authorization", "Bearer " + TestTokens.treatingClinician())
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(DicomWebClient.multipart(parts))).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
            acked.addAll(sent);
            if (!studies.contains(study)) {
                studies.add(study);
            }
        }
        pause(storePauseMillis);
    }

    private void readAsClinician(Random random) throws Exception {
        Acked a = pick(random);
        if (a == null) {
            pause(100);
            return;
        }
        String instance = base + "/dicomweb/studies/" + a.study() + "/series/" + a.series() + "/instances/" + a.sop();
        String token = TestTokens.treatingClinician();
        switch (random.nextInt(4)) {
            case 0 -> send(Op.INSTANCE, get(instance, token, "multipart/related; type=\"application/dicom\""));
            case 1 -> send(Op.METADATA, get(base + "/dicomweb/studies/" + a.study() + "/metadata", token, "application/dicom+json"));
            case 2 -> send(Op.QIDO, get(base + "/dicomweb/studies?PatientID=LOAD0&limit=50", token, "application/dicom+json"));
            default -> send(Op.RENDERED, get(instance + "/rendered", token, "image/jpeg"));
        }
    }

    /** Teaching consent for the newest study without one; now and then a withdrawal. */
    private void keepConsent(Random random) throws Exception {
        String token = TestTokens.of("clinician", "openid");
        List<String> open = studies.stream().filter(s -> !consents.containsValue(s)).toList();
        if (!consents.isEmpty() && random.nextInt(8) == 0) {
            List<String> ids = consents.keySet().stream().filter(id -> !withdrawals.containsKey(id)).toList();
            if (!ids.isEmpty()) {
                String id = ids.get(random.nextInt(ids.size()));
                HttpResponse<String> r = send(Op.WITHDRAW, HttpRequest.newBuilder(URI.create(base + "/api/v1/consents/" + id + "/withdraw"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"load test\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    withdrawals.put(id, consents.get(id));
                }
                return;
            }
        }
        if (open.isEmpty()) {
            pause(200);
            return;
        }
        String study = open.get(open.size() - 1);
        HttpResponse<String> r = send(Op.CONSENT, HttpRequest.newBuilder(URI.create(base + "/api/v1/studies/" + study + "/consents"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\":[\"teaching\"],\"method\":\"written\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201) {
            consents.put(JSON.readTree(r.body()).path("id").asText(), study);
        }
        pause(200);
    }

    /** Searches the de-identified index, then reads one study's metadata: Veil de-identifies it on first need. */
    private void readAsTeacher(Random random) throws Exception {
        String token = TestTokens.of("educator", TEACHING);
        HttpResponse<String> found = send(Op.DEID_QUERY, get(base + "/dicomweb/studies?limit=100&includefield=0020000D",
                token, "application/dicom+json"), HttpResponse.BodyHandlers.ofString());
        if (found.statusCode() != 200) {
            pause(200);
            return;
        }
        JsonNode rows = JSON.readTree(found.body());
        if (rows.isEmpty()) {
            return;
        }
        String derived = rows.get(random.nextInt(rows.size())).path("0020000D").path("Value").path(0).asText();
        send(Op.DEID_READ, get(base + "/dicomweb/studies/" + derived + "/metadata", token, "application/dicom+json"));
    }

    /**
     * One hostile request. A mutated STOW that Veil still stored is acknowledged like any other:
     * under the SOP Instance UID its answer names (PS3.18 Table 10.5.3-1), with the bytes sent.
     */
    private void sendHostile(Random random) throws Exception {
        HostileRequests.Case c = HostileRequests.next(random, base, small, nextUid.incrementAndGet(), List.copyOf(acked));
        HttpResponse<String> r = send(Op.HOSTILE, c.request(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && c.sha256() != null) {
            for (JsonNode item : JSON.readTree(r.body()).path("00081199").path("Value")) {
                hostileAcked.add(new Acked(null, null, item.path("00081155").path("Value").path(0).asText(), c.sha256()));
            }
        }
    }

    // ---- HTTP with accounting

    static HttpRequest get(String uri, String token, String accept) {
        return HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + token).header("Accept", accept)
                .timeout(Duration.ofSeconds(120)).GET().build();
    }

    private HttpResponse<Void> send(Op op, HttpRequest request) throws IOException, InterruptedException {
        return send(op, request, HttpResponse.BodyHandlers.discarding());
    }

    private <T> HttpResponse<T> send(Op op, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        inFlight.get(op).incrementAndGet();
        long t = System.nanoTime();
        try {
            HttpResponse<T> r = http.send(request, handler);
            latencies.get(op).add(System.nanoTime() - t);
            statuses.get(op).computeIfAbsent(r.statusCode(), k -> new LongAdder()).increment();
            if (r.statusCode() >= 500 && serverErrors.size() < 20) {
                serverErrors.add(r.statusCode() + " " + request.method() + " " + request.uri().getRawPath()
                        + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery()));
            }
            return r;
        } finally {
            inFlight.get(op).decrementAndGet();
        }
    }

    private Acked pick(Random random) {
        List<Acked> list = List.copyOf(acked);
        return list.isEmpty() ? null : list.get(list.size() - 1 - random.nextInt(Math.min(200, list.size())));
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    // ---- what happened

    /** Every instance Veil acknowledged, the hostile requests' included. */
    public List<Acked> acked() {
        List<Acked> all = new ArrayList<>(acked);
        all.addAll(hostileAcked);
        return all;
    }

    /** Consent id to study, for every consent Veil answered 201. */
    public Map<String, String> consents() {
        return Map.copyOf(consents);
    }

    /** Consent id to study, for every withdrawal Veil answered 200. */
    public Map<String, String> withdrawals() {
        return Map.copyOf(withdrawals);
    }

    /** Whether a request of this kind is waiting for its answer now. */
    public boolean inFlight(Op op) {
        return inFlight.get(op).get() > 0;
    }

    /** The first 20 answers with a 5xx status: status, method and path. */
    public List<String> serverErrors() {
        return List.copyOf(serverErrors);
    }

    public long connectionErrors() {
        return connectionErrors.sum();
    }

    /** Answers with this status class (5 for 5xx) to requests of this kind. */
    public long answers(Op op, int statusClass) {
        return statuses.get(op).entrySet().stream().filter(e -> e.getKey() / 100 == statusClass)
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    /** Every answer of every kind with this status class. */
    public long answers(int statusClass) {
        long n = 0;
        for (Op op : Op.values()) {
            n += answers(op, statusClass);
        }
        return n;
    }

    /** Status code to count, for requests of this kind. */
    public Map<Integer, Long> statuses(Op op) {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        statuses.get(op).forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** The given percentile (0-100) of this kind's latencies in milliseconds, or NaN without answers. */
    public double percentileMillis(Op op, double percentile) {
        long[] sorted = latencies.get(op).stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    public long count(Op op) {
        return latencies.get(op).size();
    }
}
