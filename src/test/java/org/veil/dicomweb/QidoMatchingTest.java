package org.veil.dicomweb;

import static org.veil.dicomweb.DicomWebClient.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * QIDO-RS matching (PS3.4 C.2.2.2, PS3.18 10.6) as a table: each row is a query and the
 * studies, series or instances it must find, in order, or the error it must get.
 */
@QuarkusTest
class QidoMatchingTest {
    private static boolean loaded;

    private final IndexReset index = new IndexReset();

    /**
     * Four studies built from a real MR image: A and B share a family name, C has accents. Studies
     * come newest first: B (2021), A (2020), C (2019), then D, which has no date.
     */
    @BeforeEach
    void load() throws Exception {
        if (loaded) {
            return;
        }
        index.reset();
        store("A", "Doe^John", "P001", "HOSP", "19700101", "M", "20200115", "101500", "ACC001", "S1", "Smith^Anna",
                "CT ABDOMEN", new String[][] {{"A1", "CT", "1", "AXIAL", "1", "2"}});
        store("B", "Doe^Jane", "P002", "OTHER", "19800202", "F", "20210310", "093000", "ACC002", "S2", "Jönes^Bob",
                "MR BRAIN", new String[][] {{"B1", "MR", "2", "T1", "1"}});
        store("C", "Müller^Jürgen", "P003", "HOSP", "19500505", "M", "20191231", "235959", "ACC003", "S3", "Smith^Anna",
                "CT CHEST", new String[][] {{"C1", "CT", "1", "LUNG", "1"}, {"C2", "MR", "2", "T2", "1"}});
        store("D", "Smith^Alice", "P004", "HOSP", "19900909", "F", null, null, "ACC004", "S4", null,
                "US HEART", new String[][] {{"D1", "US", "1", "CINE", "1"}});
        loaded = true;
    }

    static Stream<Arguments> matches() {
        return Stream.of(
                row("/studies", "B A C D"),
                row("/studies?PatientID=P001", "A"),
                row("/studies?00100020=P002", "B"),
                row("/studies?PatientID=P00*", "B A C D"),
                row("/studies?PatientID=P00?", "B A C D"),
                row("/studies?PatientID=X*", ""),
                row("/studies?PatientID=", "B A C D"),
                row("/studies?PatientName=Doe^John", "A"),
                row("/studies?PatientName=Doe*", "B A"),
                row("/studies?PatientName=doe^john", "A"),
                row("/studies?PatientName=jo&fuzzymatching=true", "A"),
                row("/studies?PatientName=doe&fuzzymatching=true", "B A"),
                row("/studies?PatientName=jurgen&fuzzymatching=true", "C"),
                // accents ignored in the column too, where the index keeps no normalised copy
                row("/studies?ReferringPhysicianName=jones&fuzzymatching=true", "B"),
                row("/studies?ReferringPhysicianName=bob&fuzzymatching=true", "B"),
                row("/studies?PatientName=Mü*", "C"),
                row("/studies?StudyDate=20200115", "A"),
                row("/studies?StudyDate=20200101-20201231", "A"),
                row("/studies?StudyDate=20200101-", "B A"),
                row("/studies?StudyDate=-20200115", "A C"),
                row("/studies?StudyDate=20190101-20211231", "B A C"),
                row("/studies?StudyTime=100000-110000", "A"),
                row("/studies?StudyInstanceUID=2.25.1,2.25.3", "A C"),
                row("/studies?StudyInstanceUID=2.25.1\\2.25.2", "B A"),
                row("/studies?AccessionNumber=ACC003", "C"),
                row("/studies?ModalitiesInStudy=MR", "B C"),
                row("/studies?ModalitiesInStudy=US", "D"),
                row("/studies?ModalitiesInStudy=CT,US", "A C D"),
                // CS takes wildcards (PS3.4 C.2.2.2.4); "*" alone is universal
                row("/studies?ModalitiesInStudy=*", "B A C D"),
                row("/studies?ModalitiesInStudy=M*", "B C"),
                row("/studies?ModalitiesInStudy=U?,X*", "D"),
                row("/studies?ModalitiesInStudy=%", ""),
                row("/studies?StudyDescription=CT*", "A C"),
                row("/studies?StudyDescription=*HEART", "D"),
                row("/studies?PatientSex=F", "B D"),
                row("/studies?PatientBirthDate=19000101-19600101", "C"),
                row("/studies?ReferringPhysicianName=Smith^Anna", "A C"),
                // "*" alone matches a zero-length value too (PS3.4 C.2.2.2.4): D has none.
                row("/studies?ReferringPhysicianName=*", "B A C D"),
                row("/studies?ReferringPhysicianName=**", "B A C D"),
                row("/studies?ReferringPhysicianName=S*", "A C"),
                row("/studies?StudyID=S1", "A"),
                row("/studies?IssuerOfPatientID=HOSP&PatientSex=M", "A C"),
                row("/studies?limit=2&offset=2", "C D"),
                row("/studies?offset=10", ""),
                row("/series?Modality=MR", "B1 C2"),
                row("/studies/2.25.3/series", "C1 C2"),
                row("/studies/2.25.3/series?Modality=CT", "C1"),
                row("/series?SeriesNumber=2", "B1 C2"),
                row("/series?SeriesDescription=T1", "B1"),
                row("/series?PatientID=P001", "A1"),
                row("/studies/2.25.1/instances", "A1-1 A1-2"),
                row("/studies/2.25.1/series/2.25.1.1/instances?InstanceNumber=2", "A1-2"),
                row("/instances?SOPInstanceUID=2.25.1.1.1", "A1-1"),
                row("/instances?StudyDate=20200115", "A1-1 A1-2"),
                row("/instances?Modality=US", "D1-1"));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("/studies?Foo=1", "unknown attribute"),
                Arguments.of("/studies?Bad\"\r\nName=1", "may not contain control characters"),
                Arguments.of("/studies?Bad\"Name=1", "unknown attribute or parameter: (a parameter that is no keyword)"),
                Arguments.of("/studies?StudyDate=2020", "StudyDate must be a date"),
                // shaped as a date or a time, naming none: they matched nothing, as if valid
                Arguments.of("/studies?StudyDate=20200231", "StudyDate must be a date of the calendar"),
                Arguments.of("/series?SeriesDate=20200101-20201301", "SeriesDate must be a date of the calendar"),
                Arguments.of("/studies?StudyTime=250000", "StudyTime must be a time of day"),
                Arguments.of("/studies?StudyTime=-1261", "StudyTime must be a time of day"),
                Arguments.of("/studies?limit=abc", "limit must be a whole number"),
                Arguments.of("/studies?offset=-1", "offset must be at least 0"),
                Arguments.of("/studies?offset=100001", "offset is at most 100000"),
                Arguments.of("/instances?offset=2000000000", "offset is at most 100000"),
                Arguments.of("/studies?offset=99999999999", "offset must be at most 2147483647"),
                Arguments.of("/studies?limit=2147483648", "limit must be at most 2147483647"),
                Arguments.of("/studies?limit=1e3", "limit must be a whole number"),
                Arguments.of("/studies?SeriesInstanceUID=2.25.1.1", "cannot be matched at study level"),
                Arguments.of("/studies?StudyInstanceUID=abc", "not a valid UID list"),
                Arguments.of("/studies?includefield=NotAKeyword", "unknown attribute"),
                Arguments.of("/studies?fuzzymatching=maybe", "fuzzymatching must be true or false"),
                Arguments.of("/studies?PatientID=P001&00100020=P002", "is given more than once (by keyword and by tag)"),
                Arguments.of("/studies?PatientWeight=70", "PatientWeight is not a supported matching key"),
                // what is no keyword or known tag is not repeated: a name, a birth date
                Arguments.of("/studies?DOE.JOHN.19700101=x", "sequence attribute paths are not supported: (a parameter that is no keyword)"),
                Arguments.of("/studies?19700101=x", "(a parameter that is no keyword) is not a supported matching key"),
                Arguments.of("/studies/1..2/series", "not a valid UID"));
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @MethodSource("matches")
    void queryFindsExactlyTheseInOrder(String query, List<String> expected) {
        Response r = get(query);
        if (expected.isEmpty()) {
            assertThat(r.statusCode()).isEqualTo(204);
            assertThat(r.header("Cache-Control")).as("nothing found is an answer about patients too").isEqualTo("no-store");
            return;
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(identifiers(query, r)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void invalidQueryIsRefusedWithAReason(String query, String reason) {
        Response r = get(query);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("reason")).contains(reason);
    }

    /**
     * PS3.18 Table 8.3.4-1 requires a server to accept emptyvaluematching and
     * multiplevaluematching; Veil performs neither, so it searches without them and says so
     * (8.3.4.5, 8.3.4.6), rather than refusing the search.
     */
    @Test
    void matchingParametersNotPerformedAreSaidInAWarning() {
        Response r = given().get("/dicomweb/studies?PatientID=P001&emptyvaluematching=true&multiplevaluematching=true");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(identifiers("/studies", r)).containsExactly("A");
        assertThat(r.headers().getValues("Warning")).containsExactlyInAnyOrder(
                "299 veil \"The emptyvaluematching parameter is not supported. Empty Value Matching has not been performed.\"",
                "299 veil \"The multiplevaluematching parameter is not supported. Multiple Value Matching has not been performed.\"");
        Response none = given().get("/dicomweb/studies?PatientID=NOBODY&emptyvaluematching=true");
        assertThat(none.statusCode()).isEqualTo(204);
        assertThat(none.header("Warning")).contains("Empty Value Matching has not been performed");
        Response off = given().get("/dicomweb/studies?PatientID=P001&emptyvaluematching=false");
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(off.header("Warning")).isNull();
        Response bad = given().get("/dicomweb/studies?multiplevaluematching=yes");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.jsonPath().getString("reason")).isEqualTo("multiplevaluematching must be true or false");
    }

    @Test
    void truncatedResultsSayHowManyMoreThereAre() {
        Response r = given().get("/dicomweb/studies?limit=2");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(identifiers("/studies", r)).containsExactly("B", "A");
        assertThat(r.header("Warning")).contains("There are 2 additional results");
    }

    /** The content negotiation query parameters (PS3.18 8.3.3) are no attributes: accept stands for the header, charset is UTF-8. */
    @Test
    void acceptAndCharsetQueryParametersNegotiate() {
        Response json = given().accept("multipart/related; type=\"application/dicom+xml\"").queryParam("accept", "application/dicom+json")
                .queryParam("charset", "utf-8").get("/dicomweb/studies?StudyInstanceUID=2.25.3");
        assertThat(json.statusCode()).as(json.asString()).isEqualTo(200);
        assertThat(json.contentType()).startsWith("application/dicom+json");
        Response xml = given().accept("application/dicom+json").queryParam("accept", "multipart/related; type=\"application/dicom+xml\"")
                .get("/dicomweb/studies?StudyInstanceUID=2.25.3");
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.contentType()).startsWith("multipart/related").contains("application/dicom+xml");
        assertThat(given().queryParam("accept", "application/dicom+json", "application/json").get("/dicomweb/studies").statusCode())
                .isEqualTo(400);
    }

    @Test
    void studyResultsCarryCountsModalitiesAndIncludedFields() {
        JsonPath json = given().get("/dicomweb/studies?StudyInstanceUID=2.25.3&includefield=00081030,SeriesDescription")
                .jsonPath();
        assertThat(json.getList("[0].'00080061'.Value")).containsExactly("CT", "MR");
        assertThat(json.getInt("[0].'00201206'.Value[0]")).isEqualTo(2);
        assertThat(json.getInt("[0].'00201208'.Value[0]")).isEqualTo(2);
        assertThat(json.getString("[0].'00081030'.Value[0]")).isEqualTo("CT CHEST");
        assertThat(json.getString("[0].'00100010'.Value[0].Alphabetic")).isEqualTo("Müller^Jürgen");
        assertThat(json.getString("[0].'00081190'.Value[0]")).endsWith("/dicomweb/studies/2.25.3");
        JsonPath ohif = given().get("/dicomweb/studies?StudyInstanceUID=2.25.3&includefield=00081030,00080060,00080090,00100030")
                .jsonPath();
        assertThat(ohif.getList("[0].'00080060'.Value")).containsExactly("CT", "MR");
        assertThat(ohif.getString("[0].'00100030'.Value[0]")).isEqualTo("19500505");
        assertThat(ohif.getString("[0].'00080090'.Value[0].Alphabetic")).isEqualTo("Smith^Anna");
        JsonPath issuer = given().get("/dicomweb/studies?StudyInstanceUID=2.25.3&IssuerOfPatientID=HOSP").jsonPath();
        assertThat(issuer.getString("[0].'00100021'.Value[0]")).as("a matching key is returned").isEqualTo("HOSP");
        JsonPath all = given().get("/dicomweb/studies?StudyInstanceUID=2.25.1&includefield=all").jsonPath();
        assertThat(all.getString("[0].'00200010'.Value[0]")).isEqualTo("S1");
        assertThat(all.getMap("[0]")).doesNotContainKey("7FE00010").doesNotContainKey("0020000E");
        // Under a study's path the study's defaults are left out, a named study attribute is not.
        JsonPath scoped = given().get("/dicomweb/studies/2.25.3/series?includefield=StudyDescription").jsonPath();
        assertThat(scoped.getList("collect { it.'00081030'.Value[0] }")).containsExactly("CT CHEST", "CT CHEST");
        assertThat(scoped.getMap("[0]")).doesNotContainKey("00100010");
    }

    /** Sends the query with each parameter value encoded by the client, as a browser would. */
    private static Response get(String query) {
        int q = query.indexOf('?');
        var request = given().header("Accept", "application/dicom+json");
        if (q >= 0) {
            for (String pair : query.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                request = request.queryParam(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return request.get("/dicomweb" + (q >= 0 ? query.substring(0, q) : query));
    }

    private static Arguments row(String query, String expected) {
        return Arguments.of(query, expected.isEmpty() ? List.of() : Arrays.asList(expected.split(" ")));
    }

    /** Maps the UIDs in a response back to the fixture names (study A, series A1, instance A1-2). */
    private static List<String> identifiers(String query, Response r) {
        String path = query.contains("?") ? query.substring(0, query.indexOf('?')) : query;
        String tag = path.endsWith("/instances") ? "00080018" : path.endsWith("/series") ? "0020000E" : "0020000D";
        return r.jsonPath().getList("collect { it.'" + tag + "'.Value[0] }", String.class).stream().map(NAMES::get).toList();
    }

    private static final Map<String, String> NAMES = new java.util.HashMap<>();

    private static void store(String study, String name, String pid, String issuer, String birth, String sex, String date,
                              String time, String accession, String studyId, String referring, String description,
                              String[][] series) throws Exception {
        int s = study.charAt(0) - 'A' + 1;
        String studyUid = "2.25." + s;
        NAMES.put(studyUid, study);
        int seriesIndex = 0;
        for (String[] se : series) {
            seriesIndex++;
            String seriesUid = studyUid + "." + seriesIndex;
            NAMES.put(seriesUid, se[0]);
            for (int i = 4; i < se.length; i++) {
                String sopUid = seriesUid + "." + se[i];
                NAMES.put(sopUid, se[0] + "-" + se[i]);
                Part10Editor e = Part10Editor.read(TestData.file("pydicom/MR_small.dcm"))
                        .set(Tag.SpecificCharacterSet, "ISO_IR 192")
                        .set(Tag.StudyInstanceUID, studyUid).set(Tag.SeriesInstanceUID, seriesUid)
                        .set(Tag.SOPInstanceUID, sopUid).set(Tag.PatientName, name).set(Tag.PatientID, pid)
                        .set(Tag.IssuerOfPatientID, issuer).set(Tag.PatientBirthDate, birth).set(Tag.PatientSex, sex)
                        .set(Tag.AccessionNumber, accession).set(Tag.StudyID, studyId)
                        .set(Tag.StudyDescription, description).set(Tag.Modality, se[1])
                        .set(Tag.SeriesNumber, se[2]).set(Tag.SeriesDescription, se[3]).set(Tag.InstanceNumber, se[i]);
                e = date == null ? e.remove(Tag.StudyDate) : e.set(Tag.StudyDate, date);
                e = time == null ? e.remove(Tag.StudyTime) : e.set(Tag.StudyTime, time);
                e = referring == null ? e.remove(Tag.ReferringPhysicianName) : e.set(Tag.ReferringPhysicianName, referring);
                Response r = DicomWebClient.stow(e.toBytes());
                assertThat(r.statusCode()).as(r.header("Warning")).isEqualTo(200);
            }
        }
    }
}
