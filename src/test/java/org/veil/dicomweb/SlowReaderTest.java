package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;

/**
 * A client that stops taking a retrieval's answer has its connection reset once it has fallen
 * behind the minimum rate over a window of waiting (here 1 MiB/s over 2 s), rather than holding
 * a worker thread and what the answer holds until the idle timeout.
 */
@QuarkusTest
@TestProfile(SlowReaderTest.Impatient.class)
class SlowReaderTest {

    public static class Impatient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Quarkus's graceful shutdown counts a request whose connection Veil reset as still
            // running and waits out its timeout (docs/security.md): 5 s here rather than 60.
            return Map.of("veil.dicomweb.download-grace", "2s", "veil.dicomweb.min-download-bytes-per-second", "1048576",
                    "quarkus.shutdown.timeout", "5s");
        }
    }

    @Test
    void aReaderThatStopsIsCutOff() throws Exception {
        String study = "2.25.5151510001";
        byte[][] copies = new byte[40][];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                    .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1." + (i + 1)).toBytes();
        }
        Response stored = DicomWebClient.stow(copies);
        assertThat(stored.statusCode()).as(stored.asString()).isEqualTo(200);
        String accept = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
        byte[] whole = DicomWebClient.given().accept(accept).get("/dicomweb/studies/" + study).asByteArray();
        assertThat(whole.length).as("a client that reads at once takes it all").isGreaterThan(20_000_000);

        long read = 0;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(8192);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", io.restassured.RestAssured.port));
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /dicomweb/studies/" + study + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + org.veil.security.TestTokens.treatingClinician() + "\r\nAccept: " + accept + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[65536];
            read += Math.max(0, in.read(buffer));
            // A reader that stops for 15 s: cut off after the 2 s grace (a reader never cut off would
            // read the rest once it resumes; a server that hung would fail the read at 60 s).
            Thread.sleep(15_000);
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    read += n;
                }
            } catch (java.net.SocketException reset) {
                // the connection reset: what the kernel held is all that came
            }
        }
        assertThat(read).as("the answer was cut short").isLessThan(whole.length);
    }
}
