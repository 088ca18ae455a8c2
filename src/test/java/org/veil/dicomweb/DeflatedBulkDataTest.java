package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veil.dicomweb.DicomWebClient.given;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.TempTree;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * The bulk data of a study is read from every instance; a deflated one is inflated up to its last
 * value, so a study of small deflated files may inflate to gigabytes in one request. What the
 * request would inflate is summed from the index and refused (413) beyond
 * {@code veil.dicomweb.max-inflated-bytes-per-request} before the answer starts: here 10,000 bytes,
 * one deflated RT Dose (about 7,500 bytes inflated) but not two.
 */
@QuarkusTest
@TestProfile(DeflatedBulkDataTest.SmallInflationBound.class)
class DeflatedBulkDataTest {

    public static class SmallInflationBound implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("veil.dicomweb.max-inflated-bytes-per-request", "10000");
        }
    }

    @Test
    void aStudysBulkDataThatWouldInflateTooMuchIsRefusedBeforeTheAnswer() throws Exception {
        String study = "2.25.8383" + System.nanoTime() % 1_000_000_000L;
        storeDeflated(study, 2);
        String accept = "multipart/related; type=application/octet-stream";
        Response whole = given().accept(accept).get("/dicomweb/studies/" + study + "/bulkdata");
        assertThat(whole.statusCode()).as(whole.asString()).isEqualTo(413);
        assertThat(whole.contentType()).startsWith("application/json");
        assertThat(whole.jsonPath().getString("reason")).contains("would inflate to", "ask for each instance's bulk data");
        Response asInstances = given().accept(accept).get("/dicomweb/studies/" + study);
        assertThat(asInstances.statusCode()).as("the study retrieved as bulk data, by its Accept").isEqualTo(413);

        Response one = given().accept(accept).get("/dicomweb/studies/" + study + "/series/" + study + ".1/instances/" + study + ".1.1/bulkdata");
        assertThat(one.statusCode()).as("one instance's bulk data is within the bound").isEqualTo(200);
        assertThat(one.asByteArray().length).isGreaterThan(1000);
    }

    /**
     * Written in Explicit VR Little Endian (the default syntax, or named) every deflated instance
     * is inflated whole, which the index does not bound more closely than max-inflated-bytes each:
     * here one (10,000 bytes allow fewer than one at 256 MiB, and one is always allowed), so the
     * series of two is refused; as stored, or one at a time, it is served.
     */
    @Test
    void aSeriesOfDeflatedInstancesRewrittenIsBoundedAsStoredItIsNot() throws Exception {
        String study = "2.25.8484" + System.nanoTime() % 1_000_000_000L;
        storeDeflated(study, 2);
        String series = "/dicomweb/studies/" + study + "/series/" + study + ".1";
        for (String accept : new String[] {"multipart/related; type=\"application/dicom\"",
                "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1"}) {
            Response rewritten = given().accept(accept).get(series);
            assertThat(rewritten.statusCode()).as(accept + ": " + rewritten.asString()).isEqualTo(413);
            assertThat(rewritten.jsonPath().getString("reason")).contains("deflated instances", "transfer-syntax=*");
        }
        Response stored = given().accept("multipart/related; type=\"application/dicom\"; transfer-syntax=*").get(series);
        assertThat(stored.statusCode()).isEqualTo(200);
        Response one = given().accept("multipart/related; type=\"application/dicom\"").get(series + "/instances/" + study + ".1.1");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.contentType()).contains("multipart/related");
    }

    private static void storeDeflated(String study, int count) throws Exception {
        Path dir = Files.createTempDirectory("veil-deflated-series");
        try {
            for (int n = 1; n <= count; n++) {
                Path source = Files.write(dir.resolve(n + ".dcm"), Part10Editor.read(TestData.file("pydicom/rtdose.dcm"))
                        .set(Tag.StudyInstanceUID, study).set(Tag.SeriesInstanceUID, study + ".1")
                        .set(Tag.SOPInstanceUID, study + ".1." + n).toBytes());
                Path deflated = dir.resolve(n + "-deflated.dcm");
                Process p = new ProcessBuilder("dcmconv", "+td", source.toString(), deflated.toString()).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                assertThat(p.waitFor()).isZero();
                byte[] file = Files.readAllBytes(deflated);
                assertThat(Part10Editor.read(file).transferSyntax()).isEqualTo("1.2.840.10008.1.2.1.99");
                assertThat(DicomWebClient.stow(file).statusCode()).isEqualTo(200);
            }
        } finally {
            TempTree.delete(dir);
        }
    }
}
