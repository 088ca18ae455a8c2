package org.veil.dicomweb;

import static org.veil.dicomweb.DicomWebClient.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * The bad-input catalogue: each request gets a 4xx with a reason, and the index and the store
 * are exactly as they were before it.
 */
@QuarkusTest
class BadInputTest {
    private static final String DICOM_TYPE = "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY;

    private final IndexReset index = new IndexReset();


    static Stream<Arguments> catalogue() {
        byte[] mr = TestData.bytes("pydicom/MR_small.dcm");
        return Stream.of(
                bad("truncated file", 400, "truncated", () -> stow(DicomWebClient.multipart(List.of(TestData.bytes("pydicom/MR_truncated.dcm"))))),
                bad("non-DICOM part", 400, "no DICM prefix", () -> stow(DicomWebClient.multipart(List.of("hello, not DICOM ".repeat(20).getBytes())))),
                bad("empty part", 400, "shorter than its preamble", () -> stow(DicomWebClient.multipart(List.of(new byte[0])))),
                bad("wrong boundary", 400, "does not contain the boundary", () -> given()
                        .contentType("multipart/related; type=\"application/dicom\"; boundary=other")
                        .body(DicomWebClient.multipart(List.of(mr))).post("/dicomweb/studies")),
                bad("missing boundary", 400, "no valid boundary", () -> given()
                        .contentType("multipart/related; type=\"application/dicom\"")
                        .body(DicomWebClient.multipart(List.of(mr))).post("/dicomweb/studies")),
                bad("body cut inside a part", 400, "without a closing boundary", () -> stow(
                        java.util.Arrays.copyOf(DicomWebClient.multipart(List.of(mr)), 5000))),
                bad("part headers never end", 400, "body ends inside part headers", () -> stow(
                        ("--" + DicomWebClient.BOUNDARY + "\r\nContent-Type: application/dicom\r\n").getBytes(StandardCharsets.US_ASCII))),
                bad("empty body", 400, "does not contain the boundary", () -> stow(new byte[0])),
                bad("missing SOPInstanceUID", 400, "SOPInstanceUID is missing", () -> stow(DicomWebClient.multipart(List.of(
                        edit(e -> e.remove(Tag.SOPInstanceUID)))))),
                bad("missing StudyInstanceUID", 400, "StudyInstanceUID is missing", () -> stow(DicomWebClient.multipart(List.of(
                        edit(e -> e.remove(Tag.StudyInstanceUID)))))),
                bad("malformed SOPInstanceUID", 400, "SOPInstanceUID is not a valid UID", () -> stow(DicomWebClient.multipart(List.of(
                        edit(e -> e.set(Tag.SOPInstanceUID, "1.2.abc/../x")))))),
                bad("unknown transfer syntax", 409, "transfer syntax is not supported", () -> stow(DicomWebClient.multipart(List.of(
                        unknownTransferSyntax(mr))))),
                bad("study UID does not match the path", 409, "does not match the request path", () -> given().contentType(DICOM_TYPE)
                        .body(DicomWebClient.multipart(List.of(mr))).post("/dicomweb/studies/1.2.3.4")),
                bad("wrong content type", 415, "multipart/related", () -> given().contentType("application/json")
                        .body("{}").post("/dicomweb/studies")),
                bad("metadata STOW not supported", 415, "only application/dicom parts", () -> given()
                        .contentType("multipart/related; type=\"application/dicom+json\"; boundary=x").body("--x--".getBytes()).post("/dicomweb/studies")),
                bad("part of another type", 400, "is not application/dicom", () -> given().contentType(DICOM_TYPE).body(
                        ("--" + DicomWebClient.BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--" + DicomWebClient.BOUNDARY + "--")
                                .getBytes(StandardCharsets.US_ASCII)).post("/dicomweb/studies")),
                bad("malformed UID in STOW path", 400, "not a valid UID", () -> given().contentType(DICOM_TYPE)
                        .body(DicomWebClient.multipart(List.of(mr))).post("/dicomweb/studies/abc")),
                bad("path traversal in a UID", 400, "not a valid UID", () -> given().urlEncodingEnabled(false)
                        .get("/dicomweb/studies/..%2F..%2Fetc%2Fpasswd/metadata")),
                bad("dots in a UID", 400, "not a valid UID", () -> given().get("/dicomweb/studies/1..2/series")),
                bad("unknown study", 404, "study not found", () -> given().get("/dicomweb/studies/1.2.3.999/metadata")),
                bad("unknown instance frames", 404, "instance not found", () -> given()
                        .get("/dicomweb/studies/1.2.3.999/series/1.2/instances/1.3/frames/1")));
    }

    @Test
    void representationsVeilWouldHaveToTranscodeAreNotAcceptable() {
        String study = DicomWebClient.stow(TestData.bytes("pydicom/CT_small.dcm")).jsonPath()
                .getString("'00081199'.Value[0].'00081190'.Value[0]");
        String path = study.substring(study.indexOf("/dicomweb"), study.indexOf("/series"));
        Response html = given().header("Accept", "text/html").get(path + "/metadata");
        assertThat(html.statusCode()).isEqualTo(406);
        assertThat(html.jsonPath().getString("reason")).contains("application/dicom+json");
        Response jpeg = given().header("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")
                .get(path);
        assertThat(jpeg.statusCode()).isEqualTo(406);
        assertThat(jpeg.jsonPath().getString("reason")).contains("stored transfer syntax");
        assertThat(given().header("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1, "
                + "multipart/related; type=application/dicom; transfer-syntax=*; q=0.5").get(path).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void badRequestIsRefusedWithAReasonAndChangesNothing(String name, int status, String reason, Supplier<Response> request)
            throws Exception {
        DicomWebClient.stow(TestData.bytes("pydicom/CT_small.dcm")); // something to keep
        StoreState before = StoreState.of(index);
        Response r = request.get();
        assertThat(r.statusCode()).as(name).isEqualTo(status);
        String said = r.header("Warning") + " " + r.asString();
        assertThat(said).as(name).contains(reason);
        assertThat(StoreState.of(index)).as(name).isEqualTo(before);
    }

    @Test
    void sameInstanceWithOtherBytesIsRefusedAndTheStoredOneKept() throws Exception {
        byte[] original = TestData.bytes("pydicom/MR_small.dcm");
        assertThat(DicomWebClient.stow(original).statusCode()).isEqualTo(200);
        StoreState before = StoreState.of(index);
        byte[] changed = edit(e -> e.set(Tag.PatientName, "Someone^Else"));
        Response r = DicomWebClient.stow(changed);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.jsonPath().getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0x0111);
        assertThat(StoreState.of(index)).isEqualTo(before);
        assertThat(DicomWebClient.stow(original).statusCode()).as("identical re-store").isEqualTo(200);
        assertThat(StoreState.of(index)).isEqualTo(before);
    }

    @Test
    void unquotedTypeParameterIsAcceptedAsOhifSendsIt() {
        Response r = given().contentType("multipart/related; type=application/dicom; boundary=" + DicomWebClient.BOUNDARY)
                .body(DicomWebClient.multipart(List.of(TestData.bytes("pydicom/JPEG2000.dcm")))).post("/dicomweb/studies");
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void aBadPartFailsAloneAndTheOthersAreStored() throws Exception {
        Response r = stow(DicomWebClient.multipart(List.of(TestData.bytes("pydicom/MR_truncated.dcm"),
                TestData.bytes("pydicom/JPEG2000.dcm"))));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.jsonPath().getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0xC000);
        assertThat(r.jsonPath().getList("'00081199'.Value")).hasSize(1);
    }

    private static Arguments bad(String name, int status, String reason, Supplier<Response> request) {
        return Arguments.of(name, status, reason, request);
    }

    private static Response stow(byte[] body) {
        return given().contentType(DICOM_TYPE).body(body).post("/dicomweb/studies");
    }

    private interface Edit {
        Part10Editor apply(Part10Editor e);
    }

    private static byte[] edit(Edit edit) {
        try {
            return edit.apply(Part10Editor.read(TestData.file("pydicom/MR_small.dcm"))).toBytes();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same file with its transfer syntax UID changed to one no standard defines. */
    static byte[] unknownTransferSyntax(byte[] file) {
        byte[] out = file.clone();
        byte[] ts = "1.2.840.10008.1.2.1".getBytes(StandardCharsets.US_ASCII);
        for (int i = 132; i < 400; i++) {
            if (java.util.Arrays.equals(java.util.Arrays.copyOfRange(out, i, i + ts.length), ts)) {
                out[i + ts.length - 1] = '9';
                return out;
            }
        }
        throw new IllegalStateException("transfer syntax not found in meta information");
    }
}
