package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * The Store Instances Response (PS3.18 Table 10.5.3-1) is complete: the study's Retrieve URL
 * (Type 2) is always there, with a value when the request reached one study and empty when it
 * spanned several or stored nothing; each failed part is named by the UIDs that could be read of
 * it, and a part of which nothing could be read has no item (docs/conformance.md, "STOW-RS").
 */
@QuarkusTest
class StowResponseTest {
    private static int next = 1;

    private static byte[] instance(String study, int n) throws Exception {
        return Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1." + n).toBytes();
    }

    private static String newStudy() {
        return "2.25.5150" + System.nanoTime() % 1_000_000 + "." + next++;
    }

    @Test
    void oneStudyHasItsRetrieveUrlAndSeveralHaveAnEmptyOne() throws Exception {
        String a = newStudy();
        String b = newStudy();
        JsonPath one = JsonPath.from(DicomWebClient.stow(instance(a, 1), instance(a, 2)).asString());
        assertThat(one.getString("'00081190'.vr")).isEqualTo("UR");
        assertThat(one.getString("'00081190'.Value[0]")).endsWith("/dicomweb/studies/" + a);

        Response both = DicomWebClient.stow(instance(a, 3), instance(b, 1));
        assertThat(both.statusCode()).isEqualTo(200);
        Map<String, Object> retrieveUrl = JsonPath.from(both.asString()).getMap("'00081190'");
        assertThat(retrieveUrl).as("Type 2: present, empty").containsExactly(Map.entry("vr", "UR"));
        assertThat(JsonPath.from(both.asString()).getList("'00081199'.Value")).hasSize(2);
        // Keys in ascending order, in the items too (PS3.18 F.2.2).
        String item = both.asString().substring(both.asString().indexOf("\"00081199\""));
        assertThat(item.indexOf("\"00081150\"")).isPositive().isLessThan(item.indexOf("\"00081155\""));
        assertThat(item.indexOf("\"00081155\"")).isLessThan(item.indexOf("\"00081190\""));

        Response onPath = DicomWebClient.stowTo("/dicomweb/studies/" + b, instance(b, 2));
        assertThat(JsonPath.from(onPath.asString()).getString("'00081190'.Value[0]")).endsWith("/dicomweb/studies/" + b);
    }

    /**
     * The response as the client asks for it (PS3.18 10.5.3): dcm4che's stowrs asks for
     * application/dicom+xml, and was answered 406 with nothing stored.
     */
    @Test
    void theResponseIsXmlWhenAskedFor() throws Exception {
        String study = newStudy();
        Response xml = DicomWebClient.given().accept("application/dicom+xml")
                .contentType("multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .body(DicomWebClient.multipart(List.of(instance(study, 1)))).post("/dicomweb/studies");
        assertThat(xml.statusCode()).as(xml.asString()).isEqualTo(200);
        assertThat(xml.contentType()).startsWith("application/dicom+xml");
        org.w3c.dom.Document doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.asByteArray()));
        assertThat(doc.getDocumentElement().getLocalName() == null ? doc.getDocumentElement().getNodeName()
                : doc.getDocumentElement().getLocalName()).isEqualTo("NativeDicomModel");
        assertThat(xml.asString()).contains("tag=\"00081199\"").contains("tag=\"00081190\"").contains(study + ".1.1");
        Response json = DicomWebClient.given().accept("application/json")
                .contentType("multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .body(DicomWebClient.multipart(List.of(instance(study, 2)))).post("/dicomweb/studies");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.contentType()).startsWith("application/dicom+json");
        assertThat(JsonPath.from(json.asString()).getList("'00081199'.Value")).hasSize(1);
    }

    @Test
    void failedPartsAreNamedByWhatCouldBeReadOfThem() throws Exception {
        String study = newStudy();
        byte[] good = instance(study, 1);
        byte[] unknownSyntax = BadInputTest.unknownTransferSyntax(instance(study, 2));
        byte[] truncated = java.util.Arrays.copyOf(instance(study, 3), 900);
        byte[] garbage = "not DICOM at all, nothing to name ".repeat(10).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Response r = DicomWebClient.stow(good, unknownSyntax, truncated, garbage);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        JsonPath json = JsonPath.from(r.asString());
        List<Map<String, Object>> failed = json.getList("'00081198'.Value");
        assertThat(failed).as("the unreadable part has no item").hasSize(2);
        // The unknown syntax: the File Meta Information's UIDs, C122.
        assertThat(json.getString("'00081198'.Value[0].'00081155'.Value[0]")).isEqualTo(study + ".1.2");
        assertThat(json.getString("'00081198'.Value[0].'00081150'.Value[0]")).isEqualTo("1.2.840.10008.5.1.4.1.1.4");
        assertThat(json.getInt("'00081198'.Value[0].'00081197'.Value[0]")).isEqualTo(0xC122);
        // The truncated part: its data set read as far as it goes, C000.
        assertThat(json.getString("'00081198'.Value[1].'00081155'.Value[0]")).isEqualTo(study + ".1.3");
        assertThat(json.getInt("'00081198'.Value[1].'00081197'.Value[0]")).isEqualTo(0xC000);
        for (Map<String, Object> item : failed) {
            assertThat(item.keySet()).as("no empty Type 1 UID").allSatisfy(k -> assertThat(item.get(k)).asString().contains("Value"));
        }
        assertThat(r.header("Warning")).contains("and 2 more");
        assertThat(json.getString("'00081190'.Value[0]")).endsWith("/dicomweb/studies/" + study);

        Response nothing = DicomWebClient.stow(garbage);
        assertThat(nothing.statusCode()).isEqualTo(400);
        assertThat(JsonPath.from(nothing.asString()).getMap("'00081198'")).isNull();
        assertThat(JsonPath.from(nothing.asString()).getMap("'00081190'")).containsExactly(Map.entry("vr", "UR"));
        assertThat(nothing.header("Warning")).contains("part 1");
    }
}
