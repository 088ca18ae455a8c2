package org.veil.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.veil.TempTree;
import org.veil.TestData;
import org.veil.VeilProcess;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.index.EmbeddedDatabase;
import org.veil.security.TestTokens;

/**
 * Two packaged Veil processes on different ports sharing one PostgreSQL and one S3 (s3proxy), as
 * two pods behind one service would: what one stores the other serves, a withdrawal through one
 * holds on the very next request to the other, and both write one audit chain.
 */
class TwoReplicasIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "veil-replicas";
    private static S3ProxyServer s3;
    private static EmbeddedDatabase db;
    private static Path dbDir;
    private static VeilProcess a;
    private static VeilProcess b;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        s3 = S3ProxyServer.start();
        dbDir = Files.createTempDirectory("veil-replicas-db");
        db = EmbeddedDatabase.start(dbDir);
        Map<String, String> env = new java.util.HashMap<>(s3.environment(BUCKET));
        env.put("VEIL_DEID_SECRET", "veil-replicas-test-secret-0123456789");
        a = VeilProcess.replica(db, env);
        b = VeilProcess.replica(db, env);
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        db.close();
        TempTree.delete(dbDir);
        s3.close();
    }

    @Test
    void whatOneReplicaStoresTheOtherServesByteForByte() throws Exception {
        String study = "2.25.7171" + System.nanoTime() % 1_000_000;
        byte[] instance = instance(study);
        assertThat(stow(a, instance)).isEqualTo(200);

        HttpResponse<byte[]> retrieved = http.send(b.request("/dicomweb/studies/" + study + "/series/" + study + ".1/instances/"
                + study + ".1.1").header("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(retrieved.statusCode()).isEqualTo(200);
        List<DicomWebClient.Part> parts = DicomWebClient.parts(retrieved.body(), retrieved.headers().firstValue("Content-Type").orElseThrow());
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).content()).isEqualTo(instance);
        // The object is in the shared bucket, not on either replica's disk.
        assertThat(s3.client().listObjectsV2(l -> l.bucket(BUCKET)).contents()).isNotEmpty();
        try (var files = Files.walk(a.storage().getParent())) {
            assertThat(files.filter(p -> p.toString().contains("/storage/objects/")).filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void aWithdrawalThroughOneHoldsOnTheNextRequestToTheOther() throws Exception {
        String study = "2.25.7272" + System.nanoTime() % 1_000_000;
        assertThat(stow(a, instance(study))).isEqualTo(200);
        String clinician = TestTokens.of("clinician", "openid");
        HttpResponse<String> consent = http.send(HttpRequest.newBuilder(URI.create(a.base() + "/api/v1/studies/" + study + "/consents"))
                .header("Authorization", "Bearer " + clinician).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\":[\"teaching\"],\"method\":\"written\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(consent.statusCode()).isEqualTo(201);
        String educator = TestTokens.of("educator", "openid purpose:teaching");

        JsonNode seen = json(b, get(b, "/dicomweb/studies?includefield=0020000D", educator));
        assertThat(seen).hasSize(1);
        String derived = seen.get(0).path("0020000D").path("Value").get(0).asText();
        assertThat(derived).isNotEqualTo(study);
        assertThat(get(b, "/dicomweb/studies/" + derived + "/metadata", educator).statusCode()).isEqualTo(200);

        String id = JSON.readTree(consent.body()).path("id").asText();
        HttpResponse<String> withdrawn = http.send(HttpRequest.newBuilder(URI.create(a.base() + "/api/v1/consents/" + id + "/withdraw"))
                .header("Authorization", "Bearer " + clinician).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"patient withdrew\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withdrawn.statusCode()).isEqualTo(200);

        // The very next requests, to the other replica, which built and cached the derivative.
        assertThat(get(b, "/dicomweb/studies/" + derived + "/metadata", educator).statusCode()).isEqualTo(404);
        assertThat(get(b, "/dicomweb/studies?includefield=0020000D", educator).statusCode()).isEqualTo(204);
    }

    @Test
    void bothReplicasWriteOneVerifiableAuditChain() throws Exception {
        String auditor = TestTokens.of("auditor", "openid");
        long before = JSON.readTree(get(a, "/api/v1/audit/verify", auditor).body()).path("rows").asLong();
        String clinician = TestTokens.treatingClinician();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                VeilProcess replica = i % 2 == 0 ? a : b;
                answers.add(pool.submit(() -> get(replica, "/dicomweb/studies?limit=5", clinician).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isIn(200, 204);
            }
        } finally {
            pool.shutdown();
        }
        for (VeilProcess replica : List.of(a, b)) {
            JsonNode verify = JSON.readTree(get(replica, "/api/v1/audit/verify", auditor).body());
            assertThat(verify.path("valid").asBoolean()).as(verify.toString()).isTrue();
            // 40 searches, half through each replica, all in the one chain.
            assertThat(verify.path("rows").asLong()).isGreaterThanOrEqualTo(before + 40);
        }
    }

    /**
     * The body of a 200 answer as JSON; anything else fails with the status, the content type, the
     * start of the body and the end of that replica's log (a search that once answered with a body
     * starting '<' left nothing else to go on).
     */
    private static JsonNode json(VeilProcess replica, HttpResponse<String> response) throws Exception {
        String body = response.body();
        String type = response.headers().firstValue("Content-Type").orElse("(none)");
        String log = replica.log();
        assertThat(response.statusCode() == 200 && type.contains("json"))
                .as("status %d, %s, body %s%nreplica log ends: %s", response.statusCode(), type,
                        body.substring(0, Math.min(body.length(), 400)), log.substring(Math.max(0, log.length() - 4000)))
                .isTrue();
        return JSON.readTree(body);
    }

    private HttpResponse<String> get(VeilProcess replica, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(replica.base() + path)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/dicom+json, application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private int stow(VeilProcess replica, byte[] instance) throws Exception {
        return http.send(replica.request("/dicomweb/studies")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(DicomWebClient.multipart(List.of(instance)))).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static byte[] instance(String study) throws Exception {
        return Part10Editor.read(TestData.file("pydicom/CT_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").toBytes();
    }
}
