package org.veil.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One patient is one (issuer, ID) pair, compared as the consent registry compares it in SQL
 * (btrim: spaces only), so that a study and a patient's consent or refusal agree on who it is.
 */
class PatientIdentityTest {

    @Test
    void spacesDicomPadsWithAreNotPartOfTheIdentity() {
        assertThat(new PatientIdentity(" HOSP ", "P1 ")).isEqualTo(new PatientIdentity("HOSP", "P1"));
        assertThat(new PatientIdentity(null, null)).isEqualTo(new PatientIdentity("", "  "));
    }

    @Test
    void otherWhitespaceMakesAnotherPatientAsInTheConsentRegistry() {
        assertThat(new PatientIdentity("HOSP", "P1\t")).isNotEqualTo(new PatientIdentity("HOSP", "P1"));
        assertThat(new PatientIdentity("HOSP", "\u3000P1")).isNotEqualTo(new PatientIdentity("HOSP", "P1"));
        assertThat(new PatientIdentity("HOSP", "  P1\t ").patientId()).isEqualTo("P1\t");
    }

    /**
     * An issuer of 260,000 spaces between two letters is trimmed (a regular expression backtracked
     * quadratically over it and took minutes); the timeout is a hang guard, not a speed target.
     */
    @org.junit.jupiter.api.Timeout(60)
    @Test
    void aValueOfManySpacesIsTrimmed() {
        String spaces = " ".repeat(260_000);
        assertThat(new PatientIdentity("A" + spaces + "B", spaces + "P1" + spaces).patientId()).isEqualTo("P1");
    }
}
