package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veil.dicomweb.DicomWebClient.given;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.ComputeGate;
import org.veil.dicom.HostileFiles;
import org.veil.security.KeycloakServer;
import org.veil.security.TestTokens;

/**
 * Requests built to break Veil or to cost it the most (issue 15's campaign, one regression each):
 * every answer is a 4xx or a 503 with the JSON body {@code {"status","reason"}}, nothing is left
 * half stored, and what Veil refuses is on the audit trail.
 */
@QuarkusTest
class HostileRequestTest {
    private static final String DICOM_TYPE = "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY;
    private final IndexReset index = new IndexReset();

    @Inject
    ComputeGate gate;

    @Inject
    SearchGate searches;

    @BeforeEach
    void reset() throws Exception {
        index.reset();
    }

    /** The documented error body, whatever layer refused. */
    private static void refused(Response r, int status, String reason) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(r.jsonPath().getString("reason")).contains(reason);
        assertThat(r.header("X-Request-Id")).isNotBlank();
    }

    @Test
    void whatTheHttpLayerRefusesHasAJsonReason() {
        refused(given().get("/no/such/route"), 404, "no resource");
        refused(given().get("/dicomweb/studies/1.2.3/nothing-here"), 404, "no resource");
        refused(given().delete("/dicomweb/studies"), 405, "method");
        refused(given().put("/api/v1/audit"), 405, "method");
        refused(given().get("/dicomweb/studies?PatientID=" + "A".repeat(20_000)), 414, "longer than");
        refused(given().header("X-Padding", "p".repeat(70_000)).get("/dicomweb/studies"), 431, "headers are larger");
        refused(given().contentType("application/json").body("{\"reason\":\"" + "r".repeat(1_100_000) + "\"}")
                .post("/api/v1/consents/00000000-0000-0000-0000-000000000000/withdraw"), 413, "larger than");
        // Without a token the answer is the same shape.
        Response noToken = RestAssured.given().get("/no/such/route");
        assertThat(noToken.statusCode()).isIn(401, 404);
        assertThat(noToken.jsonPath().getString("reason")).isNotBlank();
    }

    /** A body of unknown length (chunked, or HTTP/2 without Content-Length) is counted as it is read. */
    @Test
    void aJsonBodyOfUnknownLengthIsCountedAsItArrives() throws Exception {
        byte[] big = ("{\"reason\":\"" + "r".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.US_ASCII);
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .build().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(RestAssured.baseURI + ":" + RestAssured.port
                                + "/api/v1/consents/00000000-0000-0000-0000-000000000000/withdraw"))
                        .header("Authorization", "Bearer " + TestTokens.treatingClinician())
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"reason\"");
    }

    @Test
    void aNulInAQueryIsABadRequestOnRecord() throws Exception {
        long before = index.count("audit_event");
        refused(given().urlEncodingEnabled(false).get("/dicomweb/studies?PatientID=A%00B"), 400, "control characters");
        refused(given().urlEncodingEnabled(false).get("/dicomweb/studies?Patient%00ID=A"), 400, "control characters");
        assertThat(index.count("audit_event")).as("both refusals are on the trail").isEqualTo(before + 2);
        assertThat(index.strings("SELECT outcome FROM audit_event ORDER BY id DESC LIMIT 2")).containsOnly("failed");
    }

    private static final String UNKNOWN_PURPOSE_MAPPER = KeycloakServer.iuaPurposeMapper("iua unknown purpose",
            "http://terminology.hl7.org/CodeSystem/v3-ActReason", "CURIOSITY");

    @Test
    void aPurposeVeilDoesNotKnowIsRefusedAndAudited() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        keycloak.ensureTestClient("veil-test-unknown-purpose", true, 0, UNKNOWN_PURPOSE_MAPPER);
        String token = keycloak.accessToken("veil-test-unknown-purpose", "clinician", "openid");
        long before = index.count("audit_event");
        Response r = RestAssured.given().header("Authorization", "Bearer " + token).get("/dicomweb/studies");
        refused(r, 403, "not a purpose of use Veil knows");
        assertThat(index.count("audit_event")).isEqualTo(before + 1);
        assertThat(index.strings("SELECT outcome || ' ' || username FROM audit_event ORDER BY id DESC LIMIT 1"))
                .containsExactly("denied clinician");
    }

    @Test
    void aNameCutInsideAnEscapeSequenceIsStoredAndServed() throws Exception {
        for (String tail : List.of("1b", "1b24", "1b244230", "411b244221")) {
            byte[] file = HostileFiles.iso2022Name(HexFormat.of().parseHex(tail));
            Response stored = DicomWebClient.stow(file);
            assertThat(stored.statusCode()).as(tail).isEqualTo(200);
            String study = stored.jsonPath().getString("'00081199'.Value[0].'00081190'.Value[0]");
            Response metadata = given().get(study.substring(study.indexOf("/dicomweb"), study.indexOf("/series")) + "/metadata");
            assertThat(metadata.statusCode()).as(tail).isEqualTo(200);
            assertThat(metadata.asString()).contains("AAAA");
        }
    }

    /**
     * A NUL inside a text value is not DICOM (PS3.5 6.1.2), and PostgreSQL stores none in text or
     * jsonb: such an instance is stored, indexed and served with U+FFFD in its place, never a 5xx
     * (the soak's hostile client found it by flipping header bytes).
     */
    @Test
    void aNulInsideATextValueIsStoredAndShownAsAReplacementCharacter() throws Exception {
        byte[] file = org.veil.dicom.Part10Editor.read(TestData.file("pydicom/MR_small.dcm"))
                .set(org.veil.dicom.Tag.PatientName, "NUL\0INSIDE").set(org.veil.dicom.Tag.PatientID, "NUL-1")
                .set(0x00081030, "A\0B").toBytes();
        Response stored = DicomWebClient.stow(file);
        assertThat(stored.statusCode()).as(stored.asString()).isEqualTo(200);
        Response found = given().get("/dicomweb/studies?PatientID=NUL-1&includefield=00081030");
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.asString()).contains("NUL\uFFFDINSIDE").contains("A\uFFFDB").doesNotContain("\\u0000");
    }

    /** "\\" alone is a list of two empty values: refused with a reason, as no SQL can match it. */
    @Test
    void anEmptyValueInAMatchingListIsABadRequest() {
        for (String value : List.of("%5C", "A%5C", "%5CB", "A%5C%5CB")) {
            refused(given().urlEncodingEnabled(false).get("/dicomweb/studies?PatientName=" + value), 400, "empty value");
            refused(given().urlEncodingEnabled(false).get("/dicomweb/series?Modality=" + value), 400, "empty value");
        }
    }

    @Test
    void aStowOfTooManyPartsStoresNothing() throws Exception {
        byte[] mr = TestData.bytes("pydicom/MR_small.dcm");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 10_001; i++) {
            body.writeBytes(("--" + DicomWebClient.BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(i == 0 ? mr : new byte[] {(byte) i});
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + DicomWebClient.BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        refused(given().contentType(DICOM_TYPE).body(body.toByteArray()).post("/dicomweb/studies"), 413, "more than 10000 parts");
        assertThat(index.count("instance")).isZero();
    }

    @Test
    void thousandsOfBadPartsGiveOneWarningHeader() {
        byte[] body = DicomWebClient.multipart(IntStream.range(0, 3000).mapToObj(i -> new byte[] {(byte) i}).toList());
        Response r = given().contentType(DICOM_TYPE).body(body).post("/dicomweb/studies");
        // Every part unreadable: 400; nothing of them can be named, so the Failed SOP Sequence has
        // no items (docs/conformance.md) and the one Warning header counts them.
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().getValues("Warning")).hasSize(1);
        assertThat(r.header("Warning")).contains("and 2999 more");
        assertThat(r.jsonPath().getMap("'00081198'")).isNull();
    }

    @Test
    void aDeflateBombIsRefusedAndNothingIsStored() throws Exception {
        byte[] bomb = HostileFiles.deflated(300L << 20);
        assertThat(bomb.length).isLessThan(1 << 20);
        Response r = DicomWebClient.stow(bomb);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.header("Warning")).contains("inflates to more than");
        assertThat(index.count("instance")).isZero();
    }

    @Test
    void framesAreAskedForOnceEachAndAtMostSoMany() throws Exception {
        String instance = storedInstancePath(TestData.bytes("real/US-PAL-8-10x-echo.dcm"));
        refused(given().get(instance + "/frames/1,2,1"), 400, "each frame once");
        String many = IntStream.rangeClosed(1, 257).mapToObj(Integer::toString).collect(Collectors.joining(","));
        refused(given().get(instance + "/frames/" + many), 400, "at most 256 frames");
        refused(given().get(instance + "/frames/" + many + "/rendered"), 400, "at most 256 frames");
        assertThat(given().header("Accept", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*")
                .get(instance + "/frames/1,2,3").statusCode()).isEqualTo(200);
    }

    @Test
    void aRenderedAnswerIsBoundedInPixels() throws Exception {
        String instance = storedInstancePath(TestData.bytes("real/US-PAL-8-10x-echo.dcm"));
        String all = IntStream.rangeClosed(1, 10).mapToObj(Integer::toString).collect(Collectors.joining(","));
        // Ten frames at 4096 x 3072 would be 125 million pixels; the bound is 64 Mi.
        refused(given().header("Accept", "multipart/related; type=\"image/jpeg\"")
                .get(instance + "/frames/" + all + "/rendered?viewport=4096,4096"), 400, "more than 67108864 pixels");
        assertThat(given().header("Accept", "multipart/related; type=\"image/jpeg\"")
                .get(instance + "/frames/" + all + "/rendered?viewport=512,512").statusCode()).isEqualTo(200);
    }

    /** With every turn taken, rendering answers 503 with Retry-After instead of queueing. */
    @Test
    void whenEveryComputeTurnIsTakenRenderingAnswers503() throws Exception {
        String instance = storedInstancePath(TestData.bytes("real/CT-MONO2-16-ankle.dcm"));
        CountDownLatch release = holdEveryTurn(gate::enter, Runtime.getRuntime().availableProcessors());
        try {
            Response r = given().header("Accept", "image/jpeg").get(instance + "/rendered");
            refused(r, 503, "busy");
            assertThat(r.header("Retry-After")).isNotBlank();
        } finally {
            release.countDown();
        }
        assertThat(given().header("Accept", "image/jpeg").get(instance + "/rendered").statusCode()).isEqualTo(200);
    }

    /**
     * Searches built to run their whole query timeout, sent by the dozen, held every connection of
     * the pool: with as many searches running as run at once (and as many waiting), a search is
     * 503 with Retry-After, and the pool keeps connections for everything else.
     */
    @Test
    void whenEverySearchTurnIsTakenASearchAnswers503() throws Exception {
        CountDownLatch release = holdEveryTurn(searches::enter, 8); // veil.dicomweb.max-concurrent-searches
        try {
            Response r = given().get("/dicomweb/studies?PatientID=ANY");
            refused(r, 503, "as many searches");
            assertThat(r.header("Retry-After")).isNotBlank();
            // what is not a search waits for no search's turn
            assertThat(DicomWebClient.stow(TestData.bytes("real/CT-MONO2-16-ankle.dcm")).statusCode()).isEqualTo(200);
        } finally {
            release.countDown();
        }
        assertThat(given().get("/dicomweb/studies").statusCode()).isEqualTo(200);
    }

    /**
     * Takes every running turn of a gate, on threads of their own (a turn is held per thread), and
     * fills its waiting places; the latch returned lets them all go. Waiters time out and leave
     * their place: a request after them may wait the gate's time, and is refused all the same.
     */
    private static CountDownLatch holdEveryTurn(java.util.function.Supplier<ComputeGate.Turn> enter, int running) throws Exception {
        int waiting = 4 * running;
        ExecutorService holders = Executors.newFixedThreadPool(running + waiting);
        CountDownLatch holding = new CountDownLatch(running);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < running + waiting; i++) {
            holders.submit(() -> {
                try (ComputeGate.Turn t = enter.get()) {
                    holding.countDown();
                    release.await();
                } catch (ComputeGate.BusyException | InterruptedException e) {
                    // a waiter that timed out
                }
                return null;
            });
        }
        holders.shutdown();
        holding.await();
        return release;
    }

    private static String storedInstancePath(byte[] file) {
        Response r = DicomWebClient.stow(file);
        assertThat(r.statusCode()).isEqualTo(200);
        String url = r.jsonPath().getString("'00081199'.Value[0].'00081190'.Value[0]");
        return url.substring(url.indexOf("/dicomweb"));
    }
}
