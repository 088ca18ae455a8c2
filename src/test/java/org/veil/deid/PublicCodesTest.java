package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Code values of public schemes are kept only in their scheme's form (SNOMED CT's and LOINC's check digits). */
class PublicCodesTest {

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
            // SNOMED CT concepts: lung structure, myocardial infarction, clinical finding, the root
            "SCT, 39607008, true", "SCT, 22298006, true", "SCT, 404684003, true", "SNOMED, 138875005, true",
            // one digit off, and numbers planted as codes: an MRN, a birth date
            "SCT, 39607009, false", "SCT, 48213377, false", "SCT, 19500312, false", "SCT, 0039607008, false", "SCT, T-D0050, false",
            // LOINC: birth date, heart rate, age; one check digit off; a part code
            "LN, 21112-8, true", "LN, 8867-4, true", "LN, 30525-0, true", "LN, 21112-7, false", "LN, 19500312, false",
            // schemes without a form Veil checks: anything but a date
            "FMA, 7195, true", "RADLEX, RID1301, true", "UCUM, mm, true", "FMA, 19500312, false"})
    void codesHaveTheirSchemesForm(String scheme, String value, boolean plausible) {
        assertThat(PublicCodes.plausible(scheme, value)).isEqualTo(plausible);
    }
}
