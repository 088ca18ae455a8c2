package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veil.dicomweb.DicomWebClient.given;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.index.QidoSearch;

/**
 * Paging through more studies than the Warning header counts (docs/conformance.md, "Search"): the
 * count of further matches stops one past {@link QidoSearch#COUNT_BOUND}, pages come newest first
 * and never overlap. The studies are index rows inserted by SQL: what paging reads is the index.
 */
@QuarkusTest
class QidoPagingTest {
    private static final int STUDIES = (int) QidoSearch.COUNT_BOUND + 5;

    private final IndexReset index = new IndexReset();

    @Inject
    AgroalDataSource db;

    @BeforeEach
    void insertStudies() throws Exception {
        index.reset();
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            // Study g is dated g days after 1990-01-01: the highest g is the newest.
            s.execute("""
                    INSERT INTO study (study_instance_uid, patient_name, patient_name_norm, patient_id, study_date,
                        study_time, modalities_in_study, number_of_series, number_of_instances, attributes)
                    SELECT '2.25.6060' || g, 'Page^Patient' || g, 'PAGE PATIENT' || g, 'PAGE' || g,
                        to_char(date '1990-01-01' + g, 'YYYYMMDD'), '120000', ARRAY['CT'], 1, 1,
                        '{"0020000D":{"vr":"UI","Value":["2.25.6060' || g || '"]}}'
                    FROM generate_series(1, %d) g""".formatted(STUDIES));
        }
    }

    @AfterEach
    void empty() throws Exception {
        index.reset();
    }

    @Test
    void beyondTheCountingBoundTheWarningSaysMoreThan() {
        Response first = given().get("/dicomweb/studies?limit=2");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(uids(first)).containsExactly("2.25.6060" + STUDIES, "2.25.6060" + (STUDIES - 1));
        assertThat(first.header("Warning")).isEqualTo(
                "299 veil \"There are more than " + QidoSearch.COUNT_BOUND + " additional results that can be requested\"");
    }

    @Test
    void withinTheCountingBoundTheWarningCountsExactly() {
        Response near = given().get("/dicomweb/studies?limit=2&offset=" + (STUDIES - 7));
        assertThat(uids(near)).containsExactly("2.25.60607", "2.25.60606");
        assertThat(near.header("Warning")).isEqualTo("299 veil \"There are 5 additional results that can be requested\"");

        Response last = given().get("/dicomweb/studies?limit=5&offset=" + (STUDIES - 5));
        assertThat(uids(last)).hasSize(5).endsWith("2.25.60601");
        assertThat(last.header("Warning")).isNull();
    }

    @Test
    void pagesOfADateRangeAreNewestFirstAndDoNotOverlap() {
        // 1991-01-01 to 1991-12-31 are days 365 to 729 of the rows above: 365 studies.
        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 365; offset += 100) {
            Response page = given().get("/dicomweb/studies?StudyDate=19910101-19911231&limit=100&offset=" + offset);
            assertThat(page.statusCode()).isEqualTo(200);
            seen.addAll(uids(page));
        }
        Set<String> distinct = new HashSet<>(seen);
        assertThat(distinct).hasSize(365);
        assertThat(seen).hasSize(365).startsWith("2.25.6060729").endsWith("2.25.6060365");
    }

    @Test
    void aStudyDateThatIsNotADateSortsWithTheUndatedStudies() throws Exception {
        byte[] dated = org.veil.dicom.Part10Editor.read(org.veil.TestData.file("pydicom/MR_small.dcm"))
                .set(org.veil.dicom.Tag.StudyInstanceUID, "2.25.7070.1").set(org.veil.dicom.Tag.SeriesInstanceUID, "2.25.7070.1.1")
                .set(org.veil.dicom.Tag.SOPInstanceUID, "2.25.7070.1.1.1").set(org.veil.dicom.Tag.StudyDate, "20200101").toBytes();
        byte[] malformed = org.veil.dicom.Part10Editor.read(org.veil.TestData.file("pydicom/MR_small.dcm"))
                .set(org.veil.dicom.Tag.StudyInstanceUID, "2.25.7070.2").set(org.veil.dicom.Tag.SeriesInstanceUID, "2.25.7070.2.1")
                .set(org.veil.dicom.Tag.SOPInstanceUID, "2.25.7070.2.1.1").set(org.veil.dicom.Tag.StudyDate, "UNKNOWN").toBytes();
        assertThat(DicomWebClient.stow(dated, malformed).statusCode()).isEqualTo(200);

        // As text "UNKNOWN" sorts after "2020...": indexed, it would come first, newest first.
        Response both = given().get("/dicomweb/studies?StudyInstanceUID=2.25.7070.1,2.25.7070.2&includefield=StudyDate");
        assertThat(uids(both)).containsExactly("2.25.7070.1", "2.25.7070.2");
        assertThat(both.jsonPath().getString("[1].'00080020'.Value[0]")).as("the value as stored").isEqualTo("UNKNOWN");
        assertThat(given().get("/dicomweb/studies?StudyInstanceUID=2.25.7070.2&StudyDate=20000101-").statusCode()).isEqualTo(204);
    }

    private static List<String> uids(Response r) {
        return r.jsonPath().getList("collect { it.'0020000D'.Value[0] }", String.class);
    }
}
