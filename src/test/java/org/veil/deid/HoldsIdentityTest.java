package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whether retained text or a code names the patient: names as words, a Patient ID as a word or, when long, anywhere. */
class HoldsIdentityTest {
    @ParameterizedTest(name = "\"{0}\" with Patient ID {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "SN-MRN48213377-ZZ | MRN48213377 | true",
            "XMRN48213377Y | MRN48213377 | true",
            "patient AB-12 | AB-12 | true",
            "SN 008 | 008 | true",
            "CT1008 | 008 | false",
            "39607008 | 008 | false",
            "Phase 1 | 1 | false",
            "Room of Jones | X9 | true",
            "Smith wing | X9 | true",
            "CT SCANNER 2 | MRN48213377 | false",
    })
    void namesThePatient(String value, String patientId, boolean expected) {
        assertThat(CodedEntries.holdsIdentity(value, Set.of("SMITH", "JONES"), patientId)).isEqualTo(expected);
    }
}
