package org.veil.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/**
 * A real TCP syslog collector on 127.0.0.1 that is down when the audited requests happen and
 * comes up afterwards: every row still arrives, in order, each an RFC 5424 frame (octet counted)
 * holding a well-formed DICOM audit message.
 */
@QuarkusTest
@TestProfile(SyslogForwardingTest.Collector.class)
class SyslogForwardingTest {
    private static final int PORT = freePort();

    public static class Collector implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("veil.audit.syslog.host", "127.0.0.1", "veil.audit.syslog.port", Integer.toString(PORT),
                    "veil.audit.syslog.protocol", "tcp", "veil.audit.syslog.interval-millis", "200",
                    "veil.audit.source-id", "veil-syslog-test");
        }
    }

    @Test
    void rowsMadeWhileTheCollectorIsDownArriveWhenItIsUp() throws Exception {
        String study = "2.25.6161" + System.nanoTime() % 1_000_000;
        assertThat(DicomWebClient.stow(Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").toBytes()).statusCode()).isEqualTo(200);
        assertThat(DicomWebClient.given().accept("application/dicom+json").get("/dicomweb/studies/" + study + "/metadata")
                .statusCode()).isEqualTo(200);
        assertThat(RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("consultant", "openid purpose:consultation"))
                .accept("application/dicom+json").get("/dicomweb/studies/" + study + "/metadata").statusCode()).isEqualTo(404);
        Thread.sleep(1000);

        List<String> frames = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(PORT, 5, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(20_000);
            try (Socket s = server.accept(); DataInputStream in = new DataInputStream(s.getInputStream())) {
                s.setSoTimeout(20_000);
                // Until the last of the three: the consultant's denied read, after this study's two rows.
                while (frames.stream().filter(f -> f.contains(study)).count() < 2
                        || frames.stream().noneMatch(f -> f.startsWith("<84>") && f.contains("csd-code=\"CONSULT\""))) {
                    frames.add(readFrame(in));
                }
            }
        }
        String stored = only(frames, study, "110104");
        String read = only(frames.stream().filter(f -> f.startsWith("<85>")).toList(), study, "110103");
        assertThat(stored).startsWith("<85>1 ").contains(" veil ").contains(" IHE+RFC-3881 [veilChain@32473 id=\"")
                .containsPattern("hash=\"[0-9a-f]{64}\" previous=\"[0-9a-f]{64}\" key=\"[0-9a-f]{12}\"\\] \uFEFF<AuditMessage>");
        assertThat(read).startsWith("<85>1 ");
        String denied = frames.stream().filter(f -> f.startsWith("<84>")).findFirst().orElseThrow();
        // The consultant asked for the original UID: a probe, filed under that study.
        assertThat(denied).contains("EventOutcomeIndicator=\"4\"").contains("csd-code=\"CONSULT\"").contains(study);
        for (String f : frames) {
            String xml = f.substring(f.indexOf('\uFEFF') + 1);
            assertThat(DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement().getTagName())
                    .isEqualTo("AuditMessage");
            assertThat(xml).contains("AuditSourceID=\"veil-syslog-test\"");
        }
        assertThat(frames.indexOf(stored)).isLessThan(frames.indexOf(read));
    }

    private static String only(List<String> frames, String study, String eventId) {
        List<String> found = frames.stream().filter(f -> f.contains(study) && f.contains("csd-code=\"" + eventId + "\"")).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /** RFC 6587 octet counting: digits, a space, that many bytes. */
    private static String readFrame(DataInputStream in) throws IOException {
        ByteArrayOutputStream digits = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != ' ') {
            if (b < '0' || b > '9') {
                throw new IOException("not an octet-counted frame");
            }
            digits.write(b);
        }
        byte[] frame = new byte[Integer.parseInt(digits.toString(StandardCharsets.US_ASCII))];
        in.readFully(frame);
        return new String(frame, StandardCharsets.UTF_8);
    }

    /**
     * One port for the profile and the test, which Quarkus loads in different class loaders: the
     * first to ask picks it and leaves it in a system property for the other.
     */
    private static synchronized int freePort() {
        String known = System.getProperty("veil.test.syslog.port");
        if (known != null) {
            return Integer.parseInt(known);
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.setProperty("veil.test.syslog.port", Integer.toString(s.getLocalPort()));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
