package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.veil.TestData;

/**
 * DS and IS become JSON numbers only when they are numbers a reader takes (PS3.18 F.2.3 and its
 * note): one stored value of a thousand digits made every study search whose page held it fail,
 * since Jackson, which reads the stored JSON back, refuses numbers over 1,000 digits.
 */
class DicomJsonNumbersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PATIENT_WEIGHT = 0x00101030;
    private static final int SLICE_THICKNESS = 0x00180050;

    @Test
    void overlongAndUnrepresentableNumbersStayText() throws Exception {
        String thousandDigits = "1".repeat(1_001);
        JsonNode json = metadata(thousandDigits, "1e400", "123456789012345678901");
        assertThat(json.at("/00101030/Value/0").isTextual()).isTrue();
        assertThat(json.at("/00101030/Value/0").asText()).isEqualTo(thousandDigits);
        assertThat(json.at("/00180050/Value/0").isTextual()).isTrue();
        assertThat(json.at("/00200013/Value/0").isTextual()).isTrue();
        // What the value did before: the same digits as a number are refused by the reader.
        assertThatThrownBy(() -> JSON.readTree("[" + thousandDigits + "]")).isInstanceOf(StreamConstraintsException.class);
    }

    /** Rows stored before the writer kept numbers short are still read, as JSON and as XML. */
    @Test
    void storedJsonWithLongNumbersIsStillRead() throws Exception {
        String digits = "7".repeat(1_001);
        String stored = "{\"00101030\":{\"vr\":\"DS\",\"Value\":[" + digits + "]}}";
        assertThat(new ObjectMapper(StoredJson.FACTORY).readTree(stored).at("/00101030/Value/0").isNumber()).isTrue();
        java.io.ByteArrayOutputStream xml = new java.io.ByteArrayOutputStream();
        DicomXmlWriter.write(stored, xml);
        assertThat(xml.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("<Value number=\"1\">" + digits + "</Value>");
    }

    @Test
    void ordinaryNumbersStayNumbers() throws Exception {
        JsonNode json = metadata("70.5", "-0.30000000000000004", "+12");
        assertThat(json.at("/00101030/Value/0").isNumber()).isTrue();
        assertThat(json.at("/00101030/Value/0").asDouble()).isEqualTo(70.5);
        assertThat(json.at("/00180050/Value/0").isNumber()).isTrue();
        assertThat(json.at("/00200013/Value/0").asInt()).isEqualTo(12);
        assertThat(json.at("/00200013/Value/0").isNumber()).isTrue();
    }

    private static JsonNode metadata(String weight, String thickness, String number) throws Exception {
        byte[] file = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(PATIENT_WEIGHT, weight)
                .set(SLICE_THICKNESS, thickness).set(Tag.InstanceNumber, number).toBytes();
        ParsedInstance parsed = InstanceParser.parse(new java.io.ByteArrayInputStream(file), DicomReader.Limits.DEFAULT);
        return JSON.readTree(parsed.metadataJson());
    }
}
