package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * One patient per study, one study per series, one UID per instance (docs/conformance.md, "STOW"):
 * what would let patient B's images be read under patient A's consent is refused with 409 and a
 * reason, and stores nothing of the refused instance.
 */
@QuarkusTest
class StudyIntegrityTest {
    private static final String STUDY = "2.25.881001";
    private final IndexReset index = new IndexReset();

    @BeforeEach
    void reset() throws Exception {
        index.reset();
    }

    private static byte[] ct(String study, String series, String sop, String patientId, String issuer) throws Exception {
        Part10Editor e = Part10Editor.read(TestData.file("pydicom/CT_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, series).set(Tag.SOPInstanceUID, sop).set(Tag.PatientID, patientId);
        return (issuer == null ? e.remove(Tag.IssuerOfPatientID) : e.set(Tag.IssuerOfPatientID, issuer)).toBytes();
    }

    @ParameterizedTest(name = "patient {0}, issuer {1}: {2}")
    @CsvSource(nullValues = "-", value = {
            "A-1, HOSP, 200",     // the same patient
            "'A-1 ', HOSP, 200",  // padding is not a difference
            "B-2, HOSP, 409",     // another patient
            "A-1, OTHER, 409",    // the same number from another issuer is another patient
            "a-1, HOSP, 409",     // Patient ID is case-sensitive (PS3.5 6.2, LO)
            "A-1, -, 409",        // an issuer given first and missing now is not known to be the same
    })
    void aStudyBelongsToOnePatient(String patientId, String issuer, int expected) throws Exception {
        assertThat(DicomWebClient.stow(ct(STUDY, STUDY + ".1", STUDY + ".1.1", "A-1", "HOSP")).statusCode()).isEqualTo(200);
        Response second = DicomWebClient.stow(ct(STUDY, STUDY + ".2", STUDY + ".2.1", patientId, issuer));
        assertThat(second.statusCode()).as(second.asString()).isEqualTo(expected);
        if (expected == 409) {
            assertThat(second.header("Warning")).contains("another patient");
            assertThat(second.asString()).contains("00081198").doesNotContain(patientId.trim() + "\"");
            // The refused attempt is on the trail of the study it was for, and of that study's patient.
            long max = index.count("audit_event");
            assertThat(index.strings("SELECT array_to_string(study_uids, ',') || '|' || array_to_string(patient_ids, ',') || '|' || outcome"
                    + " FROM audit_event WHERE action = 'store' ORDER BY id DESC LIMIT 1"))
                    .as("of %d rows", max).containsExactly(STUDY + "|A-1|failed");
            assertThat(index.count("instance")).isEqualTo(1);
            assertThat(index.count("series")).isEqualTo(1);
        } else {
            assertThat(index.count("instance")).isEqualTo(2);
        }
    }

    @Test
    void twoPatientsInOneRequestForANewStudyGiveOneStudyOfOnePatient() throws Exception {
        Response r = DicomWebClient.stow(ct(STUDY, STUDY + ".1", STUDY + ".1.1", "A-1", "HOSP"),
                ct(STUDY, STUDY + ".2", STUDY + ".2.1", "B-2", "HOSP"));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(index.count("instance")).isEqualTo(1);
        assertThat(index.strings("SELECT patient_id FROM study")).containsExactly("A-1");
    }

    /** Two patients race for one new study UID: one wins, the other gets 409, whatever the order. */
    @Test
    void twoPatientsRacingForANewStudyEndWithOnePatientAndOneConflict() throws Exception {
        for (int round = 0; round < 10; round++) {
            index.reset();
            String study = STUDY + "." + round;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (String patient : List.of("A-1", "B-2")) {
                    String series = study + "." + (patient.charAt(0) - 'A' + 1);
                    byte[] file = ct(study, series, series + ".1", patient, "HOSP");
                    results.add(pool.submit(() -> {
                        start.await();
                        return DicomWebClient.stow(file).statusCode();
                    }));
                }
                start.countDown();
                List<Integer> codes = new ArrayList<>();
                for (Future<Integer> f : results) {
                    codes.add(f.get());
                }
                assertThat(codes).as("round " + round).containsExactlyInAnyOrder(200, 409);
            } finally {
                pool.shutdownNow();
            }
            assertThat(index.count("instance")).isEqualTo(1);
            assertThat(index.strings("SELECT DISTINCT patient_id FROM study")).hasSize(1);
        }
    }

    @Test
    void aSeriesBelongsToOneStudy() throws Exception {
        assertThat(DicomWebClient.stow(ct(STUDY, STUDY + ".1", STUDY + ".1.1", "A-1", "HOSP")).statusCode()).isEqualTo(200);
        Response r = DicomWebClient.stow(ct(STUDY + ".9", STUDY + ".1", STUDY + ".1.2", "A-1", "HOSP"));
        assertThat(r.statusCode()).isEqualTo(409);
        // The store response names the refused instance and why (PS3.18 10.5.3: Failure Reason 0110H).
        assertThat(r.jsonPath().getString("'00081198'.Value[0].'00081155'.Value[0]")).isEqualTo(STUDY + ".1.2");
        assertThat(r.jsonPath().getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0x0110);
        assertThat(index.count("instance")).isEqualTo(1);
        // Nothing of the refused file stays: no empty study a search would list, bound to its patient.
        assertThat(index.strings("SELECT study_instance_uid FROM study")).containsExactly(STUDY);
        assertThat(DicomWebClient.stow(ct(STUDY + ".9", STUDY + ".9.1", STUDY + ".9.1.1", "B-2", "HOSP")).statusCode())
                .as("the study UID is free for its own patient").isEqualTo(200);
    }

    /** A refused store carries out no patient consent: the study's insert trigger is undone with it. */
    @Test
    void aRefusedNewStudyGainsNoConsent() throws Exception {
        index.forgetConsents();
        try (java.sql.Connection c = org.veil.EmbeddedPostgresResource.dataSource().getConnection();
             java.sql.Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO patient_consent (id, patient_id, issuer_of_patient_id, all_studies, scopes, method,
                        recorded_by, recorded_at, valid_from)
                    VALUES (gen_random_uuid(), 'A-1', 'HOSP', true, ARRAY['research'], 'written', 'test', now(), now())""");
        }
        try {
            assertThat(DicomWebClient.stow(ct(STUDY, STUDY + ".1", STUDY + ".1.1", "A-1", "HOSP")).statusCode()).isEqualTo(200);
            assertThat(index.count("consent")).as("the stored study's consent").isEqualTo(1);
            Response refused = DicomWebClient.stow(ct(STUDY + ".9", STUDY + ".1", STUDY + ".1.2", "A-1", "HOSP"));
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(index.strings("SELECT study_instance_uid FROM consent")).containsExactly(STUDY);
        } finally {
            index.forgetConsents();
        }
    }

    /** A new series whose every instance is refused (a different file under a stored UID) is not added to the study. */
    @Test
    void aSeriesOfRefusedInstancesIsNotAdded() throws Exception {
        assertThat(DicomWebClient.stow(ct(STUDY, STUDY + ".1", STUDY + ".1.1", "A-1", "HOSP")).statusCode()).isEqualTo(200);
        byte[] other = Part10Editor.read(ct(STUDY, STUDY + ".3", STUDY + ".1.1", "A-1", "HOSP"))
                .set(Tag.SeriesDescription, "another file").toBytes();
        Response r = DicomWebClient.stow(other,
                ct(STUDY, STUDY + ".1", STUDY + ".1.2", "A-1", "HOSP"));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        assertThat(index.strings("SELECT series_instance_uid FROM series")).containsExactly(STUDY + ".1");
        assertThat(index.sum("SELECT number_of_series FROM study")).isEqualTo(1);
        assertThat(index.sum("SELECT number_of_instances FROM study")).isEqualTo(2);
    }

    /** A SOP Instance UID given twice, or with two values, names no one instance: the part cannot be understood. */
    @Test
    void anInstanceWithTwoSopInstanceUidsIsRefused() throws Exception {
        byte[] twoValues = Part10Editor.read(ct(STUDY, STUDY + ".1", STUDY + ".1.1", "A-1", "HOSP"))
                .set(Tag.SOPInstanceUID, STUDY + ".1.1\\" + STUDY + ".1.2").toBytes();
        Response r = DicomWebClient.stow(twoValues);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.header("Warning")).contains("more than one value");
        byte[] once = ct(STUDY, STUDY + ".1", STUDY + ".1.1", "A-1", "HOSP");
        Response repeated = DicomWebClient.stow(repeatElement(once, Tag.SOPInstanceUID));
        assertThat(repeated.statusCode()).isEqualTo(400);
        assertThat(repeated.header("Warning")).contains("repeated or out of order");
        assertThat(index.count("instance")).isZero();
    }

    /** The file with the element at the given tag written twice, byte for byte (Explicit VR Little Endian, short header). */
    private static byte[] repeatElement(byte[] part10, int tag) {
        byte[] key = {(byte) (tag >>> 16), (byte) (tag >>> 24), (byte) tag, (byte) (tag >>> 8), 'U', 'I'};
        int at = -1;
        for (int i = 132; i < part10.length - key.length; i++) {
            if (java.util.Arrays.equals(part10, i, i + key.length, key, 0, key.length)) {
                at = i;
            }
        }
        assertThat(at).as("the element in the data set").isPositive();
        int length = (part10[at + 6] & 0xFF) | (part10[at + 7] & 0xFF) << 8;
        byte[] element = java.util.Arrays.copyOfRange(part10, at, at + 8 + length);
        byte[] out = new byte[part10.length + element.length];
        System.arraycopy(part10, 0, out, 0, at + element.length);
        System.arraycopy(element, 0, out, at + element.length, element.length);
        System.arraycopy(part10, at + element.length, out, at + 2 * element.length, part10.length - at - element.length);
        return out;
    }
}
