package org.veil.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Stored metadata's relative BulkDataURIs made absolute, byte for byte as the string form does. */
class BulkDataUrisTest {
    private static final String BASE = "https://veil.example/dicomweb";

    @Test
    void everyBulkDataUriGetsTheBaseAndNothingElseChanges() throws Exception {
        String json = """
                {"00091010":{"vr":"OB","BulkDataURI":"studies/1/series/2/instances/3/bulkdata/00091010"},\
                "00100010":{"vr":"PN","Value":[{"Alphabetic":"Müller^Jürgen"}]},\
                "7FE00010":{"vr":"OW","BulkDataURI":"studies/1/series/2/instances/3/bulkdata/7FE00010"}}""";
        String expected = json.replace("\"BulkDataURI\":\"studies", "\"BulkDataURI\":\"" + BASE + "/studies");

        assertThat(BulkDataUris.absolute(json, BASE)).isEqualTo(expected);
        assertThat(written(json)).isEqualTo(expected);
    }

    @Test
    void theNameInsideAStringValueIsNotAUri() throws Exception {
        // A text value that spells the member name is escaped JSON: its quotes carry backslashes.
        String json = "{\"00081030\":{\"vr\":\"LO\",\"Value\":[\"\\\"BulkDataURI\\\":\\\"x\"]}}";

        assertThat(BulkDataUris.absolute(json, BASE)).isEqualTo(json);
        assertThat(written(json)).isEqualTo(json);
    }

    @Test
    void documentsWithoutBulkDataAndEndingInTheMarkerAreCopied() throws Exception {
        assertThat(written("{}")).isEqualTo("{}");
        assertThat(written("\"BulkDataURI\":\"")).isEqualTo("\"BulkDataURI\":\"" + BASE + "/");
    }

    private static String written(String json) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BulkDataUris.writeAbsolute(json.getBytes(StandardCharsets.UTF_8), (BASE + "/").getBytes(StandardCharsets.UTF_8), out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
