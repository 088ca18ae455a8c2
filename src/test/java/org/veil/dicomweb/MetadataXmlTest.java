package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.DicomXmlWriter;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Metadata and search results as the Native DICOM Model (PS3.19 A.1) in multipart/related of
 * application/dicom+xml (PS3.18 Table 10.4.4-1): well-formed, namespaced, the same attributes
 * and values as the JSON answer, person names in components, bulk data by reference; a control
 * character a DICOM string may hold does not break the document.
 */
@QuarkusTest
class MetadataXmlTest {
    private static final String XML_PARTS = "multipart/related; type=\"application/dicom+xml\"";

    private static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }

    private static Element attribute(Document d, String tag) {
        NodeList all = d.getDocumentElement().getElementsByTagNameNS(DicomXmlWriter.NAMESPACE, "DicomAttribute");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (e.getAttribute("tag").equals(tag) && e.getParentNode() == d.getDocumentElement()) {
                return e;
            }
        }
        return null;
    }

    @Test
    void metadataAsXmlHoldsWhatTheJsonHolds() throws Exception {
        String study = "2.25.6262" + System.nanoTime() % 1_000_000;
        String patient = "XML-" + study.substring(study.length() - 6);
        byte[] mr = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").set(Tag.PatientID, patient)
                .set(Tag.PatientName, "Doe^John").set(0x00081030, "HEAD \u001b$B ESC").toBytes();
        assertThat(DicomWebClient.stow(mr).statusCode()).isEqualTo(200);
        String series = "/dicomweb/studies/" + study + "/series/" + study + ".1";

        Response xml = DicomWebClient.given().accept(XML_PARTS).get(series + "/metadata");
        assertThat(xml.statusCode()).as(xml.asString()).isEqualTo(200);
        assertThat(xml.contentType()).startsWith("multipart/related; type=\"application/dicom+xml\"");
        List<DicomWebClient.Part> parts = DicomWebClient.parts(xml);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).contentType()).isEqualTo("application/dicom+xml");
        Document d = parse(parts.get(0).content());
        assertThat(d.getDocumentElement().getLocalName()).isEqualTo("NativeDicomModel");
        assertThat(d.getDocumentElement().getNamespaceURI()).isEqualTo(DicomXmlWriter.NAMESPACE);

        Element name = attribute(d, "00100010");
        assertThat(name.getAttribute("vr")).isEqualTo("PN");
        assertThat(name.getAttribute("keyword")).isEqualTo("PatientName");
        assertThat(name.getElementsByTagNameNS(DicomXmlWriter.NAMESPACE, "FamilyName").item(0).getTextContent()).isEqualTo("Doe");
        assertThat(name.getElementsByTagNameNS(DicomXmlWriter.NAMESPACE, "GivenName").item(0).getTextContent()).isEqualTo("John");
        Element pixels = attribute(d, "7FE00010");
        assertThat(((Element) pixels.getElementsByTagNameNS(DicomXmlWriter.NAMESPACE, "BulkData").item(0)).getAttribute("uri"))
                .endsWith("/bulkdata/7FE00010").startsWith("http");
        assertThat(attribute(d, "00081030").getTextContent()).contains("HEAD").contains("\uFFFD").doesNotContain("\u001b");

        // Every attribute of the JSON answer, with the same values.
        Map<String, Object> json = JsonPath.from(DicomWebClient.given().accept("application/dicom+json").get(series + "/metadata").asString())
                .getMap("[0]");
        for (String tag : json.keySet()) {
            Element e = attribute(d, tag);
            assertThat(e).as(tag).isNotNull();
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) json.get(tag);
            assertThat(e.getAttribute("vr")).as(tag).isEqualTo(a.get("vr"));
            if (a.get("Value") instanceof List<?> values && !a.get("vr").equals("SQ") && !a.get("vr").equals("PN")) {
                List<String> xmlValues = new ArrayList<>();
                NodeList vs = e.getElementsByTagNameNS(DicomXmlWriter.NAMESPACE, "Value");
                for (int i = 0; i < vs.getLength(); i++) {
                    xmlValues.add(vs.item(i).getTextContent());
                }
                assertThat(xmlValues).as(tag).hasSize(values.size());
            }
        }

        Response search = DicomWebClient.given().accept(XML_PARTS).get("/dicomweb/studies?PatientID=" + patient);
        assertThat(search.statusCode()).isEqualTo(200);
        Document result = parse(DicomWebClient.parts(search).get(0).content());
        assertThat(attribute(result, "0020000D").getTextContent()).isEqualTo(study);
        assertThat(DicomWebClient.given().accept("application/dicom+xml").get(series + "/metadata").statusCode())
                .as("XML comes in multipart/related").isEqualTo(406);
    }
}
