package org.veil.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.dicomweb.IndexReset;
import org.veil.security.TestTokens;

/**
 * With {@code veil.policy.teaching-without-consent=true} a study is shown for teaching where the
 * patient has no teaching consent on record, and one on record decides. A patient's all-studies
 * consent, withdrawn, must go on deciding for studies stored after the withdrawal: otherwise the
 * next study of a patient who said no is one "without consent on record", and shown.
 */
@QuarkusTest
@TestProfile(TeachingWithoutConsentTest.Lenient.class)
class TeachingWithoutConsentTest {

    public static class Lenient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("veil.policy.teaching-without-consent", "true");
        }
    }

    private final IndexReset index = new IndexReset();

    private static void store(String study, String patientId) throws Exception {
        byte[] file = Part10Editor.read(TestData.file("pydicom/CT_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").set(Tag.PatientID, patientId).toBytes();
        assertThat(DicomWebClient.stow(file).statusCode()).isEqualTo(200);
    }

    /** Whether the teacher's search lists the study (by its derived UID for teaching). */
    private boolean seenByTeacher(String original) throws Exception {
        Response all = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("educator", "openid purpose:teaching"))
                .accept("application/dicom+json").get("/dicomweb/studies?limit=1000");
        assertThat(all.statusCode()).as(all.asString()).isIn(200, 204);
        assertThat(all.asString()).doesNotContain(original);
        List<String> derived = index.strings("SELECT derived_uid FROM derived_uid WHERE original_uid = '" + original
                + "' AND context = 'teaching'");
        return derived.stream().anyMatch(all.asString()::contains);
    }

    private static io.restassured.specification.RequestSpecification clinician() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid"))
                .contentType("application/fhir+json");
    }

    private static String teachingConsent(String patientId, String status, String id) {
        return """
                {"resourceType":"Consent",%s"status":"%s",
                 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"research"}]},
                 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]},
                             {"coding":[{"system":"urn:veil:consent-method","code":"written"}]}],
                 "patient":{"identifier":{"value":"%s"}},
                 "dateTime":"2026-11-29T10:00:00Z",
                 "sourceAttachment":{"url":"urn:ehr:document:7782"},
                 "provision":{"type":"permit","period":{"end":"%s"},
                   "purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TRAIN"}]}}"""
                .formatted(id == null ? "" : "\"id\":\"" + id + "\",", status, patientId, Instant.now().plus(300, ChronoUnit.DAYS));
    }

    /**
     * Teaching empties StudyDate and StudyTime, so a patient's studies all tie in the search's
     * newest-first order; the tie is broken by the derived UID (an HMAC), never by the order the
     * copies were made, which follows the original UIDs and so tells which study came first.
     */
    @Test
    void studiesThatTieAreInTheOrderOfTheirDerivedUidsNotOfTheOriginals() throws Exception {
        long n = System.nanoTime() % 1_000_000;
        List<String> originals = new java.util.ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            String study = "2.25.6262" + n + "." + i;
            store(study, "ORDER-" + n);
            originals.add(study);
        }
        // A search builds a bounded number of views and says what it left out; the next builds on.
        Response all = null;
        List<String> derived = List.of();
        List<String> answered = List.of();
        for (int attempt = 0; attempt < 30 && answered.size() < 5; attempt++) {
            all = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("educator", "openid purpose:teaching"))
                    .accept("application/dicom+json").get("/dicomweb/studies?limit=1000");
            assertThat(all.statusCode()).as(all.asString()).isEqualTo(200);
            List<String> found = new java.util.ArrayList<>();
            for (String original : originals) {
                found.addAll(index.strings("SELECT derived_uid FROM derived_uid WHERE original_uid = '" + original
                        + "' AND context = 'teaching'"));
            }
            derived = found;
            answered = all.jsonPath().getList("collect { it.'0020000D'.Value[0] }", String.class).stream().filter(derived::contains).toList();
            if (answered.size() < 5) {
                Thread.sleep(200);
            }
        }
        assertThat(derived).hasSize(5);
        assertThat(answered).as("all five listed").hasSize(5);
        assertThat(all.jsonPath().getList("'00080020'.Value", Object.class)).as("teaching empties the dates: they tie")
                .allSatisfy(v -> assertThat(v).isNull());
        assertThat(answered).isEqualTo(derived.stream().sorted(java.util.Comparator.reverseOrder()).toList());
    }

    @Test
    void aWithdrawnPatientConsentGoesOnDenyingForStudiesStoredAfterIt() throws Exception {
        long n = System.nanoTime() % 1_000_000;
        String patient = "LENIENT-" + n;
        String before = "2.25.6161" + n + ".1";
        String none = "2.25.6161" + n + ".2";
        store(before, patient);
        store(none, "LENIENT-OTHER-" + n);
        assertThat(seenByTeacher(before)).as("no teaching consent on record: shown, by this setting").isTrue();

        Response created = clinician().body(teachingConsent(patient, "active", null)).post("/fhir/r4/Consent");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String id = created.jsonPath().getString("id");
        Response withdrawn = clinician().body(teachingConsent(patient, "inactive", id)).put("/fhir/r4/Consent/" + id);
        assertThat(withdrawn.statusCode()).as(withdrawn.asString()).isEqualTo(200);
        assertThat(seenByTeacher(before)).as("the withdrawn consent is on record for the study stored before").isFalse();

        String after = "2.25.6161" + n + ".3";
        store(after, patient);
        assertThat(seenByTeacher(after)).as("nor is a study stored after the withdrawal shown").isFalse();
        assertThat(seenByTeacher(none)).as("a patient with nothing on record is still shown").isTrue();
    }
}
