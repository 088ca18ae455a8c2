package org.veil.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.Consistency;
import org.veil.TestData;
import org.veil.VeilProcess;
import org.veil.security.TestTokens;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;

/**
 * Kills the packaged server with SIGKILL in the middle of a STOW, restarts it, and checks that
 * the store and the index agree: no staged leftovers, no object without a row, no row without
 * its object, and everything stored before the crash still there, byte for byte.
 */
class CrashRecoveryIT {
    private VeilProcess veil;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        veil = VeilProcess.started();
    }

    @AfterEach
    void stop() throws Exception {
        veil.close();
    }

    @Test
    void killDuringStowLeavesAConsistentStoreAfterRestart() throws Exception {
        byte[] kept = TestData.bytes("pydicom/MR_small.dcm"); // PatientID 4MR1
        assertThat(stow(DicomWebClient.multipart(List.of(kept)))).isEqualTo(200);

        // A request that sends two whole instances and half of a third, then stalls.
        byte[] body = DicomWebClient.multipart(List.of(instance(1), instance(2), instance(3)));
        HttpURLConnection c = (HttpURLConnection) URI.create(veil.base() + "/dicomweb/studies").toURL().openConnection();
        c.setDoOutput(true);
        c.setChunkedStreamingMode(8192);
        c.setRequestMethod("POST");
        c.setRequestProperty("Authorization", "Bearer " + TestTokens.treatingClinician());
        c.setRequestProperty("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY);
        OutputStream out = c.getOutputStream();
        out.write(body, 0, body.length - 20_000);
        out.flush();
        Thread.sleep(1500);
        assertThat(Consistency.files(veil.storage().resolve("tmp"))).as("the stalled request is being staged").isNotEmpty();
        veil.kill();
        try {
            out.close();
        } catch (IOException expected) {
            // the server is gone
        }

        // And the window between publishing an object and committing its row, made by hand.
        Path storage = veil.storage();
        byte[] orphan = instance(9);
        String orphanKey = sha256(orphan);
        Path orphanPath = storage.resolve("objects").resolve(orphanKey.substring(0, 2)).resolve(orphanKey.substring(2, 4)).resolve(orphanKey);
        Files.createDirectories(orphanPath.getParent());
        Files.write(orphanPath, orphan);
        Files.writeString(storage.resolve("journal").resolve("crashed.keys"), orphanKey);

        veil.start();

        assertThat(Files.exists(orphanPath)).as("orphan removed by recovery").isFalse();
        assertThat(Consistency.files(storage.resolve("tmp"))).isEmpty();
        assertThat(Consistency.files(storage.resolve("journal"))).isEmpty();
        Set<String> objects = new HashSet<>();
        for (Path p : Consistency.files(storage.resolve("objects"))) {
            assertThat(sha256(Files.readAllBytes(p))).as("object content matches its key").isEqualTo(p.getFileName().toString());
            objects.add(p.getFileName().toString());
        }
        Set<String> rows = new HashSet<>();
        try (Connection conn = DriverManager.getConnection(veil.db().jdbcUrl(), veil.db().username(), veil.db().password());
             Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT storage_key FROM instance")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        assertThat(rows).isEqualTo(objects);
        assertThat(rows).contains(sha256(kept)).doesNotContain(sha256(instance(3)));
        HttpResponse<byte[]> study = http.send(veil.request("/dicomweb/studies?PatientID=4MR1").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(study.statusCode()).isEqualTo(200);
        assertThat(stow(DicomWebClient.multipart(List.of(instance(3))))).as("store works after restart").isEqualTo(200);
    }

    private int stow(byte[] body) throws Exception {
        return http.send(veil.request("/dicomweb/studies")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static byte[] instance(int n) throws Exception {
        return Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm"))
                .set(Tag.StudyInstanceUID, "2.25.55").set(Tag.SeriesInstanceUID, "2.25.55.1")
                .set(Tag.SOPInstanceUID, "2.25.55.1." + n).toBytes();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
