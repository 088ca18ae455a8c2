package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A decimal is judged a date by its value, however it is written (exponent, leading zeros, sign). */
class DateShapedDecimalTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"19500312, true", "1.9500312E7, true", "0019500312, true", "+19500312.0, true", "19500312.5, true",
            "-19500312, true", "1950031.2E1, true", "70.5, false", "370000000, false", "1e999999999, false",
            "20152012, false", "1950031, false", "NaN, false", "0.19500312, false"})
    void decimalsAreDatesByTheirValue(String value, boolean date) {
        assertThat(Vr.dateShapedDecimal(value)).isEqualTo(date);
    }
}
