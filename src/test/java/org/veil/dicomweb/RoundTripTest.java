package org.veil.dicomweb;

import static org.veil.dicomweb.DicomWebClient.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.veil.TestData;

/**
 * Every Part 10 file in the shared test data goes through STOW-RS and comes back from WADO-RS
 * byte for byte; the files Veil must refuse are refused with the reason given here.
 */
@QuarkusTest
class RoundTripTest {
    /** Files that are not storable Part 10 instances, and the reason Veil gives for each. */
    static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("ExplVR_BigEndNoMeta.dcm", "no DICM prefix"),
            Map.entry("ExplVR_LitEndNoMeta.dcm", "no DICM prefix"),
            Map.entry("no_meta.dcm", "no DICM prefix"),
            Map.entry("rtstruct.dcm", "no DICM prefix"),
            Map.entry("meta_missing_tsyntax.dcm", "no TransferSyntaxUID"),
            Map.entry("MR_truncated.dcm", "truncated data set"),
            Map.entry("rtplan_truncated.dcm", "truncated data set"),
            Map.entry("SC_rgb_jpeg.dcm", "invalid VR"),
            Map.entry("GDCMJ2K_TextGBR.dcm", "PatientID and PatientName are both missing"),
            Map.entry("JPEGLSNearLossless_08.dcm", "StudyInstanceUID is missing"),
            Map.entry("JPEGLSNearLossless_16.dcm", "StudyInstanceUID is missing"),
            Map.entry("SC_rgb_jls_lossy_line.dcm", "StudyInstanceUID is missing"),
            Map.entry("SC_rgb_jls_lossy_sample.dcm", "StudyInstanceUID is missing"),
            Map.entry("UN_sequence.dcm", "SOPClassUID is missing"),
            Map.entry("empty_charset_LEI.dcm", "SOPClassUID is missing"),
            Map.entry("nested_priv_SQ.dcm", "SOPClassUID is missing"),
            Map.entry("no_meta_group_length.dcm", "SOPClassUID is missing"),
            Map.entry("priv_SQ.dcm", "SOPClassUID is missing"));

    private final IndexReset index = new IndexReset();

    @BeforeEach
    void emptyIndex() throws Exception {
        index.reset(); // several samples share SOP Instance UIDs with different bytes
    }

    static Stream<Path> files() {
        return TestData.dicomFiles().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void storedInstanceIsRetrievedByteIdentical(Path file) throws Exception {
        byte[] original = Files.readAllBytes(file);
        Response stow = DicomWebClient.stow(original);
        String name = file.getFileName().toString();
        if (REFUSED.containsKey(name)) {
            assertThat(stow.statusCode()).isEqualTo(400);
            assertThat(stow.header("Warning")).contains(REFUSED.get(name));
            assertThat(index.count("instance")).isZero();
            return;
        }
        assertThat(stow.statusCode()).as("STOW of %s: %s", name, stow.header("Warning")).isEqualTo(200);
        String url = JsonPath.from(stow.asString()).getString("'00081199'.Value[0].'00081190'.Value[0]");
        Response wado = given().header("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*")
                .get(url.substring(url.indexOf("/dicomweb")));
        assertThat(wado.statusCode()).isEqualTo(200);
        List<DicomWebClient.Part> parts = DicomWebClient.parts(wado);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).content()).as("retrieved bytes of %s", name).isEqualTo(original);
    }
}
