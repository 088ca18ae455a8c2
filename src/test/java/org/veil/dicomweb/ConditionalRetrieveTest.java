package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * ETag and If-None-Match on metadata and instances (RFC 9110 8.8.3, 13.1.2), as viewers and
 * dicomweb-client revalidate: the same answer is 304 without a body, a changed series a new tag,
 * and every answer is for the client's cache only. A 304 is still an access on the trail.
 */
@QuarkusTest
class ConditionalRetrieveTest {
    private final IndexReset index = new IndexReset();

    private static byte[] instance(String study, int n) throws Exception {
        return Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1." + n).toBytes();
    }

    @Test
    void metadataAndInstancesAreRevalidatedByTheirTags() throws Exception {
        String study = "2.25.7171" + System.nanoTime() % 1_000_000;
        assertThat(DicomWebClient.stow(instance(study, 1)).statusCode()).isEqualTo(200);
        String series = "/dicomweb/studies/" + study + "/series/" + study + ".1";

        Response first = DicomWebClient.given().accept("application/dicom+json").get(series + "/metadata");
        assertThat(first.statusCode()).isEqualTo(200);
        String tag = first.header("ETag");
        assertThat(tag).matches("W/\"[0-9a-f]{32}\"");
        assertThat(first.header("Cache-Control")).isEqualTo("no-store");
        // Every answer with patient data: kept by no cache, the browser's own on a shared workstation included.
        for (String path : List.of("/dicomweb/studies?StudyInstanceUID=" + study, "/dicomweb/studies/" + study + "/series",
                series + "/instances", series + "/instances/" + study + ".1.1/frames/1", series + "/instances/" + study + ".1.1/rendered")) {
            Response other = DicomWebClient.given().accept("*/*").get(path);
            assertThat(other.statusCode()).as(path).isEqualTo(200);
            assertThat(other.header("Cache-Control")).as(path).isEqualTo("no-store");
            assertThat(other.header("Vary")).as("negotiated by Accept (RFC 9110 12.5.5): " + path).contains("Accept");
        }
        assertThat(RestAssured.given().header("Authorization", "Bearer " + org.veil.security.TestTokens.of("auditor", "openid"))
                .get("/api/v1/audit?limit=1").header("Cache-Control")).isEqualTo("no-store");
        assertThat(DicomWebClient.given().accept("application/dicom+json").get(series + "/metadata").header("ETag")).isEqualTo(tag);

        long rows = index.count("audit_event WHERE '" + study + "' = ANY (study_uids)");
        Response again = DicomWebClient.given().accept("application/dicom+json").header("If-None-Match", tag).get(series + "/metadata");
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.asByteArray()).isEmpty();
        assertThat(again.header("ETag")).isEqualTo(tag);
        assertThat(index.count("audit_event WHERE '" + study + "' = ANY (study_uids)")).as("on the trail").isEqualTo(rows + 1);
        assertThat(index.strings("SELECT detail FROM audit_event WHERE '" + study + "' = ANY (study_uids) ORDER BY id DESC LIMIT 1"))
                .containsExactly("not modified: nothing sent (If-None-Match)");
        assertThat(DicomWebClient.given().accept("application/dicom+json").header("If-None-Match", "\"other\", " + tag.substring(2))
                .get(series + "/metadata").statusCode()).as("strong form, in a list").isEqualTo(304);
        assertThat(DicomWebClient.given().accept("application/dicom+json").header("If-None-Match", "W/\"0123\"")
                .get(series + "/metadata").statusCode()).isEqualTo(200);

        Response instances = DicomWebClient.given().accept("multipart/related; type=\"application/dicom\"").get(series);
        assertThat(instances.statusCode()).isEqualTo(200);
        String instancesTag = instances.header("ETag");
        assertThat(instancesTag).isNotEqualTo(tag);
        assertThat(DicomWebClient.given().accept("multipart/related; type=\"application/dicom\"").header("If-None-Match", instancesTag)
                .get(series).statusCode()).isEqualTo(304);

        // The series changes: its tags change, the instance's does not.
        String instanceMeta = series + "/instances/" + study + ".1.1/metadata";
        String instanceTag = DicomWebClient.given().accept("application/dicom+json").get(instanceMeta).header("ETag");
        assertThat(DicomWebClient.stow(instance(study, 2)).statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.given().accept("application/dicom+json").header("If-None-Match", tag).get(series + "/metadata")
                .statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.given().accept("application/dicom+json").header("If-None-Match", instanceTag).get(instanceMeta)
                .statusCode()).isEqualTo(304);
    }
}
