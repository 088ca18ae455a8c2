package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.security.TestTokens;

/**
 * A real client in the suite: the JavaScript dicomweb-client (npm, the library OHIF uses), run in
 * Debian's chromium from a page of Veil's origin (src/test/browser/dicomweb-client.js), searches,
 * reads metadata, frames, a rendered image, bulk data and the instance with a bearer token, with
 * its own default media types. What it got is compared with what Veil holds.
 */
@QuarkusTest
class DicomWebClientTest {
    private static final Path SCRIPT = Path.of("src", "test", "browser", "dicomweb-client.js");

    @TestHTTPResource("/")
    URL root;

    @Test
    void theJavaScriptClientReadsWhatVeilHolds() throws Exception {
        assertThat(SCRIPT.getParent().resolve("node_modules/dicomweb-client")).as("make deps installs it").isDirectory();
        String study = "2.25.7272" + System.nanoTime() % 1_000_000;
        String patient = "JSCLIENT-" + study.substring(study.length() - 6);
        byte[] mr = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").set(Tag.PatientID, patient).toBytes();
        assertThat(DicomWebClient.stow(mr).statusCode()).isEqualTo(200);
        byte[] frame = DicomWebClient.parts(DicomWebClient.given().accept("multipart/related; type=\"application/octet-stream\"")
                .get("/dicomweb/studies/" + study + "/series/" + study + ".1/instances/" + study + ".1.1/frames/1")).get(0).content();

        String spec = new ObjectMapper().createObjectNode().put("base", "http://127.0.0.1:" + root.getPort())
                .put("token", TestTokens.treatingClinician()).put("patient", patient).put("study", study)
                .put("series", study + ".1").put("instance", study + ".1.1").toString();
        Path log = Files.createDirectories(Path.of("target", "browser")).resolve("dicomweb-client.log");
        Process p = new ProcessBuilder("node", SCRIPT.toString(), spec).redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        JsonNode r = new ObjectMapper().readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
        assertThat(r.path("event").asText()).as(out).isEqualTo("done");

        assertThat(r.path("studies").toString()).contains(study);
        assertThat(r.path("series").get(0).asText()).isEqualTo(study + ".1");
        assertThat(r.path("metadataInstances").get(0).asText()).isEqualTo(study + ".1.1");
        assertThat(r.path("rows").asInt()).isEqualTo(64);
        assertThat(r.path("bulkDataURI").asText()).endsWith("/bulkdata/7FE00010");
        assertThat(r.path("frameBytes").get(0).asInt()).isEqualTo(frame.length);
        long sum = 0;
        for (byte b : frame) {
            sum = (sum + (b & 0xFF)) % 1_000_000_007L;
        }
        assertThat(r.path("frameSum").get(0).asLong()).as("the same frame bytes").isEqualTo(sum);
        assertThat(r.path("renderedSignature").asText()).as(r.toString()).isEqualTo("PNG");
        assertThat(r.path("bulkBytes").get(0).asInt()).isEqualTo(frame.length);
        assertThat(r.path("instanceBytes").asInt()).isEqualTo(mr.length);
    }
}
