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
     * Written in Explicit VR Little Endian every deflated instance is inflated whole, more than
     * once, which the index does not bound more closely than max-inflated-bytes each: here one
     * may be (10,000 bytes allow fewer than one at 256 MiB, and one is always allowed). Named, the
     * series of two is refused; by default the first is rewritten and the second sent as stored,
     * its part saying so, as the default sends any instance it cannot convert. As stored, or one
     * at a time, the series is served.
     */
    @Test
    void aSeriesOfDeflatedInstancesRewrittenIsBoundedAsStoredItIsNot() throws Exception {
        String study = "2.25.8484" + System.nanoTime() % 1_000_000_000L;
        storeDeflated(study, 2);
        String series = "/dicomweb/studies/" + study + "/series/" + study + ".1";
        Response rewritten = given().accept("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1")
                .get(series);
        assertThat(rewritten.statusCode()).as(rewritten.asString()).isEqualTo(413);
        assertThat(rewritten.jsonPath().getString("reason")).contains("deflated instances", "transfer-syntax=*");
        Response byDefault = given().accept("multipart/related; type=\"application/dicom\"").get(series);
        assertThat(byDefault.statusCode()).as(byDefault.asString()).isEqualTo(200);
        java.util.List<DicomWebClient.Part> parts = DicomWebClient.parts(byDefault);
        assertThat(parts).extracting(DicomWebClient.Part::contentType).containsExactly(
                "application/dicom; transfer-syntax=1.2.840.10008.1.2.1", "application/dicom; transfer-syntax=1.2.840.10008.1.2.1.99");
        assertThat(Part10Editor.read(parts.get(0).content()).transferSyntax()).isEqualTo("1.2.840.10008.1.2.1");
        assertThat(Part10Editor.read(parts.get(1).content()).transferSyntax()).isEqualTo("1.2.840.10008.1.2.1.99");
        Response stored = given().accept("multipart/related; type=\"application/dicom\"; transfer-syntax=*").get(series);
        assertThat(stored.statusCode()).isEqualTo(200);
        Response one = given().accept("multipart/related; type=\"application/dicom\"").get(series + "/instances/" + study + ".1.1");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.contentType()).contains("multipart/related");
    }

    /**
     * Frames of a deflated instance cost what they inflate: asked for in ascending order, the data
     * set once (about 7,400 bytes of this RT Dose, within the 10,000); the last two backwards,
     * the data set up to each (within twice the data set, so not the order's 400), more than one
     * request inflates: 413 with a reason, before the answer.
     */
    @Test
    void framesThatWouldInflateMoreThanOneRequestMayAreRefused() throws Exception {
        String study = "2.25.8585" + System.nanoTime() % 1_000_000_000L;
        storeDeflated(study, 1);
        String frames = "/dicomweb/studies/" + study + "/series/" + study + ".1/instances/" + study + ".1.1/frames/";
        String accept = "multipart/related; type=application/octet-stream";
        Response forward = given().accept(accept).get(frames + "14,15");
        assertThat(forward.statusCode()).as(forward.asString()).isEqualTo(200);
        assertThat(DicomWebClient.parts(forward)).extracting(p -> p.content().length).containsExactly(400, 400);
        Response backward = given().accept(accept).get(frames + "15,14");
        assertThat(backward.statusCode()).as(backward.asString()).isEqualTo(413);
        assertThat(backward.contentType()).startsWith("application/json");
        assertThat(backward.jsonPath().getString("reason")).contains("would inflate", "ask for fewer frames");
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
