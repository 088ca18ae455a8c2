package org.veil.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.VeilProcess;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/**
 * A pod being stopped gets SIGTERM in the middle of a STOW upload: the upload finishes, the
 * instance is stored and indexed, and only then does the server exit.
 */
class GracefulShutdownIT {
    private VeilProcess veil;

    @BeforeEach
    void start() throws Exception {
        veil = VeilProcess.started();
    }

    @AfterEach
    void stop() throws Exception {
        veil.close();
    }

    @Test
    void sigtermDrainsTheStowInFlight() throws Exception {
        String study = "2.25.9494" + System.nanoTime() % 1_000_000;
        byte[] instance = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").toBytes();
        byte[] body = DicomWebClient.multipart(List.of(instance));
        HttpURLConnection c = (HttpURLConnection) URI.create(veil.base() + "/dicomweb/studies").toURL().openConnection();
        c.setDoOutput(true);
        c.setChunkedStreamingMode(8192);
        c.setRequestMethod("POST");
        c.setRequestProperty("Authorization", "Bearer " + TestTokens.treatingClinician());
        c.setRequestProperty("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY);
        OutputStream out = c.getOutputStream();
        out.write(body, 0, body.length / 2);
        out.flush();
        Thread.sleep(1000);

        veil.terminate();
        Thread.sleep(2000);
        assertThat(veil.isRunning()).as("still draining the upload").isTrue();
        out.write(body, body.length / 2, body.length - body.length / 2);
        out.close();

        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(veil.awaitExit(60)).as("exit code after draining").isIn(0, 143);
        try (Connection conn = DriverManager.getConnection(veil.db().jdbcUrl(), veil.db().username(), veil.db().password());
             Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM instance WHERE sop_instance_uid = '" + study + ".1.1'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }
}
