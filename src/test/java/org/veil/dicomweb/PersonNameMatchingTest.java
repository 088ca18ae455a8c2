package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * A name is found by the name the answers show (PS3.5 6.2: trailing empty components and their
 * carets are not significant; PS3.4 C.2.2.2.1 matches the alphabetic group): a study stored as
 * DOE^JOHN^^^ or with ideographic and phonetic groups is shown as DOE^JOHN, and found by it.
 */
@QuarkusTest
class PersonNameMatchingTest {

    @Test
    void namesAreMatchedInTheFormTheAnswersShow() throws Exception {
        store("2.25.6060601", "Roe^Richard^^^", "PNM-1", "Smith^Anna^^");
        store("2.25.6060602", "Yamada^Tarou=山田^太郎=やまだ^たろう", "PNM-2", null);
        Response shown = DicomWebClient.given().get("/dicomweb/studies?PatientID=PNM-1");
        assertThat(shown.jsonPath().getString("[0].'00100010'.Value[0].Alphabetic")).isEqualTo("Roe^Richard");
        assertThat(studies("PatientName=Roe^Richard&PatientID=PNM-1")).containsExactly("2.25.6060601");
        assertThat(studies("PatientName=ROE^RICHARD^&PatientID=PNM-1")).containsExactly("2.25.6060601");
        assertThat(studies("ReferringPhysicianName=Smith^Anna&PatientID=PNM-1")).containsExactly("2.25.6060601");
        assertThat(studies("PatientName=Yamada^Tarou&PatientID=PNM-2")).containsExactly("2.25.6060602");
        assertThat(studies("PatientName=Yamada*&PatientID=PNM-2")).containsExactly("2.25.6060602");
        assertThat(studies("PatientName=Roe&PatientID=PNM-1")).as("a family name alone is another name").isEmpty();
        store("2.25.6060603", "Poe^", "PNM-3", null);
        assertThat(studies("PatientName=Poe^*&PatientID=PNM-3")).as("stored without its empty given name").containsExactly("2.25.6060603");
        assertThat(studies("PatientName=Poe^*&PatientID=PNM-1")).isEmpty();
    }

    private static java.util.List<String> studies(String query) {
        Response r = DicomWebClient.given().get("/dicomweb/studies?" + query);
        if (r.statusCode() == 204) {
            return java.util.List.of();
        }
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r.jsonPath().getList("collect { it.'0020000D'.Value[0] }", String.class);
    }

    private static void store(String study, String name, String patientId, String referring) throws Exception {
        Part10Editor e = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.SpecificCharacterSet, "ISO_IR 192")
                .set(Tag.StudyInstanceUID, study).set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1")
                .set(Tag.PatientName, name).set(Tag.PatientID, patientId);
        e = referring == null ? e.remove(Tag.ReferringPhysicianName) : e.set(Tag.ReferringPhysicianName, referring);
        Response r = DicomWebClient.stow(e.toBytes());
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    }
}
