package org.veil;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.index.EmbeddedDatabase;
import org.veil.security.TestTokens;

/**
 * Settings from files, as a Kubernetes Secret is mounted: the packaged server started with
 * {@code VEIL_DEID_SECRET_FILE} and {@code VEIL_POLICY_TEACHING_WITHOUT_CONSENT_FILE} (and neither
 * variable itself) de-identifies for an educator a study nobody consented for, which it does only
 * when both came through.
 */
class SecretFilesIT {

    @Test
    void secretsAndSettingsComeFromTheirFiles() throws Exception {
        Path dir = Files.createTempDirectory("veil-secret-files");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("postgres"))) {
            Files.writeString(dir.resolve("deid-secret"), "veil-secret-from-a-file-0123456789\n");
            Files.writeString(dir.resolve("teaching"), "true\n");
            Map<String, String> env = new HashMap<>();
            env.put("VEIL_DEID_SECRET", null);
            env.put("VEIL_DEID_SECRET_FILE", dir.resolve("deid-secret").toString());
            env.put("VEIL_POLICY_TEACHING_WITHOUT_CONSENT_FILE", dir.resolve("teaching").toString());
            try (VeilProcess veil = VeilProcess.replica(db, env)) {
                HttpClient http = HttpClient.newHttpClient();
                String study = "2.25.8383" + System.nanoTime() % 1_000_000;
                byte[] instance = Part10Editor.read(TestData.file("pydicom/CT_small.dcm")).set(Tag.StudyInstanceUID, study)
                        .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").toBytes();
                assertThat(http.send(veil.request("/dicomweb/studies")
                        .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(DicomWebClient.multipart(List.of(instance)))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);

                HttpResponse<String> seen = http.send(HttpRequest.newBuilder(URI.create(veil.base() + "/dicomweb/studies"))
                        .header("Authorization", "Bearer " + TestTokens.of("educator", "openid purpose:teaching"))
                        .header("Accept", "application/dicom+json").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
                assertThat(seen.body()).doesNotContain(study).contains("\"0020000D\"");
                assertThat(veil.log()).doesNotContain("veil-secret-from-a-file");
            }
        } finally {
            TempTree.delete(dir);
        }
    }
}
