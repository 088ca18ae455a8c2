package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Registered UIDs kept as they are by de-identification, and values under the DICOM root that only look registered. */
class RegisteredUidsTest {
    @ParameterizedTest(name = "{0} known: {1}")
    @CsvSource({
            "1.2.840.10008.5.1.4.1.1.2, true",        // CT Image Storage
            "1.2.840.10008.5.1.4.1.1.30, true",       // Parametric Map Storage
            "1.2.840.10008.5.1.4.1.1.88.22, true",    // Enhanced SR
            "1.2.840.10008.1.2.1, true",              // Explicit VR Little Endian
            "1.2.840.10008.1.2.4.50, true",           // JPEG Baseline
            "1.2.840.10008.2.16.4, true",             // DCM coding scheme
            "1.2.840.10008.2.6.1, true",              // DCMUID
            "1.2.840.10008.6.1.308, true",            // a context group
            "1.2.840.10008.8.1.1, true",              // DICOM Content Mapping Resource
            "1.2.840.10008.1.5.1, true",              // Hot Iron palette
            "1.2.840.10008.1.4.1.1, true",            // Talairach frame of reference
            "1.2.840.10008.1.4.2.16, true",           // a well-known frame of reference of the second family
            "1.2.840.10008.1.4.50.3.12, false",       // a birth date shaped like a frame of reference
            "1.2.840.10008.1985.312.4821.3377, false", // a birth date and an MRN in the digits
            "1.2.840.10008.1.2.198.503.15, false",    // a date behind the transfer syntaxes' root
            "1.2.826.0.1.3680043.10.999.1, false",    // another root
    })
    void known(String uid, boolean known) {
        assertThat(RegisteredUids.known(uid)).isEqualTo(known);
    }
}
