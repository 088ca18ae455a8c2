package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.TestData;

/**
 * Person names in DICOM JSON (PS3.18 F.2.2, F.2.5): a name whose every component group is empty
 * ({@code =}, {@code ^=^}) is no value, not an object of no groups; groups and trailing empty
 * components as written otherwise.
 */
class DicomJsonPersonNameTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
        "=          | absent",
        "^=^==      | absent",
        "DOE^JOHN^^ | {\"Alphabetic\":\"DOE^JOHN\"}",
        "=YAMADA    | {\"Ideographic\":\"YAMADA\"}",
        "DOE=^=     | {\"Alphabetic\":\"DOE\"}",
    })
    void personNames(String written, String expected) throws Exception {
        byte[] file = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.PatientName, written.trim()).toBytes();
        ParsedInstance parsed = InstanceParser.parse(new java.io.ByteArrayInputStream(file), DicomReader.Limits.DEFAULT);
        JsonNode name = JSON.readTree(parsed.metadataJson()).get("00100010");
        assertThat(name.get("vr").asText()).isEqualTo("PN");
        if (expected.equals("absent")) {
            assertThat(name.has("Value")).as(name.toString()).isFalse();
        } else {
            assertThat(name.get("Value").get(0)).isEqualTo(JSON.readTree(expected));
        }
    }
}
