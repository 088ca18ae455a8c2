package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The Native DICOM Model is written as the JSON is read, never from a tree of the whole (an
 * instance's metadata may hold a million elements): what a tree made possible still holds.
 */
class DicomXmlWriterTest {

    @Test
    void anAttributeWhoseVrFollowsItsValueIsWrittenAsOneWhoseVrLeads() throws Exception {
        String vrFirst = "{\"00400275\":{\"vr\":\"SQ\",\"Value\":[{\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Doe^Jo\"}]},"
                + "\"00101030\":{\"vr\":\"DS\",\"Value\":[1.50]}}]}}";
        String vrLast = "{\"00400275\":{\"Value\":[{\"00100010\":{\"Value\":[{\"Alphabetic\":\"Doe^Jo\"}],\"vr\":\"PN\"},"
                + "\"00101030\":{\"Value\":[1.50],\"vr\":\"DS\"}}],\"vr\":\"SQ\"}}";
        String xml = xml(vrFirst);
        assertThat(xml(vrLast)).isEqualTo(xml);
        assertThat(xml).contains("<Item number=\"1\"><DicomAttribute tag=\"00100010\" vr=\"PN\" keyword=\"PatientName\">"
                + "<PersonName number=\"1\"><Alphabetic><FamilyName>Doe</FamilyName><GivenName>Jo</GivenName>",
                "<Value number=\"1\">1.50</Value>");
    }

    /** A private element's creator is the one reserved in its own data set (PS3.5 7.8.1), not one of an enclosing or earlier one. */
    @Test
    void privateCreatorsAreThoseOfTheirOwnDataSet() throws Exception {
        String json = "{\"00090010\":{\"vr\":\"LO\",\"Value\":[\"OUTER \"]},"
                + "\"00091001\":{\"vr\":\"LO\",\"Value\":[\"a\"]},"
                + "\"00400275\":{\"vr\":\"SQ\",\"Value\":[{\"00090010\":{\"vr\":\"LO\",\"Value\":[\"INNER\"]},"
                + "\"00091001\":{\"vr\":\"LO\",\"Value\":[\"b\"]}},{\"00091001\":{\"vr\":\"LO\",\"Value\":[\"c\"]}}]}}";
        String xml = xml(json);
        assertThat(xml).contains("<DicomAttribute tag=\"00091001\" vr=\"LO\" privateCreator=\"OUTER\"><Value number=\"1\">a</Value>",
                "<DicomAttribute tag=\"00091001\" vr=\"LO\" privateCreator=\"INNER\"><Value number=\"1\">b</Value>",
                "<DicomAttribute tag=\"00091001\" vr=\"LO\"><Value number=\"1\">c</Value>");
    }

    private static String xml(String json) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomXmlWriter.write(json, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
