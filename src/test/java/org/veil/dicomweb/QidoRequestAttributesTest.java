package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.veil.dicomweb.DicomWebClient.given;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.deid.RawDataset;

/**
 * Series matching on Request Attributes Sequence > Requested Procedure ID and > Scheduled
 * Procedure Step ID (PS3.18 Table 10.6.1-5), by tag path or keyword path (8.3.4.1.1): a series
 * matches when any of its items does (PS3.4 C.2.2.2.6).
 */
@QuarkusTest
class QidoRequestAttributesTest {
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static boolean loaded;
    private final IndexReset index = new IndexReset();

    @BeforeEach
    void load() throws Exception {
        if (loaded) {
            return;
        }
        index.reset();
        store("2.25.61", "2.25.61.1", requests(new String[] {"RP1", "SPS1"}, new String[] {"RP2", null}));
        store("2.25.61", "2.25.61.2", requests(new String[] {"RP3", "SPS3"}));
        store("2.25.62", "2.25.62.1", null);
        loaded = true;
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(delimiter = '|', value = {
        "/series?00400275.00401001=RP2|2.25.61.1",
        "/series?RequestAttributesSequence.RequestedProcedureID=RP3|2.25.61.2",
        "/series?RequestAttributesSequence.00400009=SPS*|2.25.61.1 2.25.61.2",
        "/studies/2.25.61/series?00400275.00401001=RP1\\RP3|2.25.61.1 2.25.61.2",
        // SH may hold a comma: values are separated by backslashes only (PS3.18 8.3.4.1.2)
        "/series?00400275.00401001=RP1,RP3|",
        "/series?00400275.00401001=*|2.25.61.1 2.25.61.2 2.25.62.1",
        "/series?00400275.00400009=NONE|",
        "/studies/2.25.62/series?00400275.00401001=RP1|"})
    void aSeriesMatchesWhenOneOfItsRequestsDoes(String query, String expected) {
        Response r = given().accept("application/dicom+json").get("/dicomweb" + query);
        if (expected == null) {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(204);
            return;
        }
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        List<String> series = r.jsonPath().getList("'0020000E'.Value.flatten()");
        assertThat(series).containsExactlyInAnyOrder(expected.split(" "));
    }

    @Test
    void theMatchedSequenceIsInTheAnswer() {
        Response r = given().accept("application/dicom+json").get("/dicomweb/series?00400275.00401001=RP2");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getList("[0].'00400275'.Value.'00401001'.Value.flatten()")).containsExactly("RP1", "RP2");
    }

    /** A path in includefield returns its sequence (PS3.18 8.3.4.3), whole. */
    @Test
    void anIncludedPathReturnsItsSequence() {
        Response r = given().accept("application/dicom+json")
                .get("/dicomweb/instances?SOPInstanceUID=2.25.61.2.1&includefield=RequestAttributesSequence.RequestedProcedureID");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.jsonPath().getList("[0].'00400275'.Value.'00401001'.Value.flatten()")).containsExactly("RP3");
    }

    /** V19 fills rows stored before it from their attributes JSON: what it fills is what the writer stores. */
    @Test
    void theMigrationFillsWhatTheWriterStores() throws Exception {
        String migration = new String(getClass().getResourceAsStream("/db/migration/V19__request_attributes.sql").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
        String fill = java.util.Arrays.stream(migration.split(";")).map(String::trim)
                .filter(statement -> statement.startsWith("UPDATE series")).findFirst().orElseThrow();
        String read = "SELECT requested_procedure_ids, scheduled_step_ids FROM series WHERE series_instance_uid = ?";
        try (java.sql.Connection c = org.veil.EmbeddedPostgresResource.dataSource().getConnection()) {
            for (String series : List.of("2.25.61.1", "2.25.61.2")) {
                List<Object> written = arrays(c, read, series);
                assertThat(written.get(0)).as(series).isNotEqualTo(List.of());
                try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE series SET requested_procedure_ids = NULL,"
                        + " scheduled_step_ids = NULL WHERE series_instance_uid = ?")) {
                    ps.setString(1, series);
                    ps.executeUpdate();
                }
                try (java.sql.Statement st = c.createStatement()) {
                    st.executeUpdate(fill);
                }
                assertThat(arrays(c, read, series)).as(series).isEqualTo(written);
            }
        }
    }

    private static List<Object> arrays(java.sql.Connection c, String sql, String series) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, series);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return List.of(List.of((Object[]) rs.getArray(1).getArray()), List.of((Object[]) rs.getArray(2).getArray()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/studies?00400275.00401001=RP1|cannot be matched at study level",
        "/series?00400275.00100010=x|sequence attribute paths other than",
        "/series?00400275.00401001.00100010=x|sequence attribute paths are not supported",
        "/series?00000000.PatientID=x|sequence attribute paths other than",
        "/series?includefield=00400275.NotAKeyword|unknown attribute"})
    void otherPathsAreRefusedWithAReason(String query, String reason) {
        Response r = given().accept("application/dicom+json").get("/dicomweb" + query);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("reason")).contains(reason);
    }

    private static RawDataset[] requests(String[]... items) {
        RawDataset[] out = new RawDataset[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = new RawDataset().text(0x00401001, "SH", items[i][0]);
            if (items[i][1] != null) {
                out[i].text(0x00400009, "SH", items[i][1]);
            }
        }
        return out;
    }

    private static void store(String study, String series, RawDataset[] requests) throws Exception {
        RawDataset d = new RawDataset()
                .text(0x00080016, "UI", CT).text(0x00080018, "UI", series + ".1").text(0x00080060, "CS", "CT")
                .text(0x00100010, "PN", "REQUEST^TEST").text(0x00100020, "LO", "REQ-" + study)
                .text(0x0020000D, "UI", study).text(0x0020000E, "UI", series)
                .us(0x00280002, 1).text(0x00280004, "CS", "MONOCHROME2").us(0x00280010, 2).us(0x00280011, 2)
                .us(0x00280100, 16).us(0x00280101, 12).us(0x00280102, 11).us(0x00280103, 0)
                .put(0x7FE00010, "OW", new byte[8]);
        if (requests != null) {
            d.sequence(0x00400275, "SQ", requests);
        }
        Response r = DicomWebClient.stow(d.part10(CT, series + ".1"));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
    }
}
