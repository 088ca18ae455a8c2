package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DateShiftTest {

    @ParameterizedTest(name = "DA {0} {1} days -> {2}")
    @CsvSource(nullValues = "none", value = {
            "20240301, -1, 20240229",
            "20230301, -1, 20230228",
            "20240101, -366, 20221231",
            "19930430, -3650, 19830503",
            "1993.04.30, -1, 19930429",
            "20200101-20200131, -10, 20191222-20200121",
            "-20200131, -1, -20200130",
            "20200101-, -1, 20191231-",
            "2020013, -1, none",
            "20201301, -1, none",
            "20200230, -1, none",
            "NOTADATE, -1, none",
    })
    void dates(String in, int days, String expected) {
        assertThat(DateShift.date(in, days)).isEqualTo(Optional.ofNullable(expected));
    }

    @ParameterizedTest(name = "DT {0} {1} days -> {2}")
    @CsvSource(nullValues = "none", value = {
            "20240301101010, -1, 20240229101010",
            "20240301101010.123456+0100, -1, 20240229101010.123456+0100",
            "20240301-0500, -1, 20240229-0500",
            "202403, -1, 202402",
            "2024, -1, 2023",
            "2024+0000, -1, 2023+0000",
            "20240301235959.9, -400, 20230126235959.9",
            "2024030, -1, none",
            "abc, -1, none",
            "20230115996099, 0, none",
            "2024031014302247112345678, 0, none",
            "20240310143022.1234567, 0, none",
            "202403101430, 1, 202403111430",
    })
    void dateTimes(String in, int days, String expected) {
        assertThat(DateShift.dateTime(in, days)).isEqualTo(Optional.ofNullable(expected));
    }

    @ParameterizedTest(name = "age {0} -> {1}")
    @CsvSource(value = {"089Y, 089Y", "090Y, 090Y", "091Y, 090Y", "104Y, 090Y", "120M, 120M", "003W, 003W", "010D, 010D",
            "'', ''", "12Y, ''", "abcd, ''"})
    void agesOverEightyNineAreNinety(String in, String expected) {
        assertThat(SafeHarborAges.cappedAge(in)).isEqualTo(expected);
    }

    @Test
    void shiftsArePerPatientAndContextAndNeverZero() {
        Keys keys = new Keys(DeidentifierTest.SECRET);
        int a = keys.dayShift("research", "", "P1");
        assertThat(a).isBetween(-3650, -1);
        assertThat(keys.dayShift("research", "", "P1")).isEqualTo(a);
        assertThat(keys.dayShift("research", "", "P2")).isNotEqualTo(a);
        assertThat(keys.dayShift("share-1", "", "P1")).isNotEqualTo(a);
        assertThat(keys.dayShift("research", "OTHER-ISSUER", "P1")).isNotEqualTo(a);
        for (int i = 0; i < 2000; i++) {
            assertThat(keys.dayShift("c", "", "P" + i)).isBetween(-3650, -1);
        }
    }

    @Test
    void uidsAreTwoTwentyFiveAndAtMostSixtyFourCharacters() {
        Keys keys = new Keys(DeidentifierTest.SECRET);
        String u = keys.uid("research", "1.2.3.4");
        assertThat(u).matches("2\\.25\\.[1-9][0-9]*").hasSizeLessThanOrEqualTo(64);
        assertThat(keys.uid("research", "1.2.3.4")).isEqualTo(u);
        assertThat(keys.uid("teaching", "1.2.3.4")).isNotEqualTo(u);
        assertThat(new Keys("another-secret-0123456789".getBytes()).uid("research", "1.2.3.4")).isNotEqualTo(u);
        assertThat(keys.pseudonym("research", "", "P1")).matches("VP[A-Z2-7]{14}");
        assertThat(keys.studyId("research", "1.2.3")).hasSizeLessThanOrEqualTo(16);
        assertThat(keys.aeTitle("research", "CT_SCANNER_7")).hasSizeLessThanOrEqualTo(16);
    }
}
