package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.security.TestTokens;

/**
 * Query values as browsers and scripts send them: a raw {@code ^} (and the other RFC 2396
 * "unwise" characters) is accepted and means what it says; what a URI may not hold at all is
 * refused with Veil's JSON reason, not the HTTP layer's empty 400. Sent over a plain socket,
 * because HTTP client libraries encode (or refuse) these characters themselves.
 */
@QuarkusTest
class RawQueryCharactersTest {
    private static boolean stored;
    private static final String PATIENT = "RAW-" + System.nanoTime() % 1_000_000;

    /** Once, before the first test: the application is up (and its port known) only from then. */
    @BeforeEach
    void store() throws Exception {
        if (stored) {
            return;
        }
        stored = true;
        String study = "2.25.6161" + System.nanoTime() % 1_000_000;
        byte[] ct = Part10Editor.read(TestData.file("pydicom/MR_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1")
                .set(Tag.PatientID, PATIENT).set(Tag.PatientName, "Doe^John").toBytes();
        assertThat(DicomWebClient.stow(ct).statusCode()).isEqualTo(200);
    }

    record Answer(int status, String body) {
    }

    private static Answer raw(String target) throws IOException {
        return request("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/dicom+json\r\nAuthorization: Bearer "
                + TestTokens.treatingClinician() + "\r\nConnection: close\r\n\r\n");
    }

    /**
     * What Vert.x refuses while it makes the routing context, before any of Veil's handlers: a
     * request without Host, and a target that is not a path. Veil's JSON reason all the same, with
     * a request id.
     */
    @Test
    void requestsRefusedBeforeRoutingHaveAJsonReason() throws IOException {
        Answer noHost = request("GET /dicomweb/studies HTTP/1.1\r\nAccept: application/dicom+json\r\nConnection: close\r\n\r\n");
        assertThat(noHost.status()).isEqualTo(400);
        assertThat(noHost.body()).contains("\"reason\"").contains("no Host header");
        Answer asterisk = request("OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(asterisk.status()).isBetween(400, 499);
        assertThat(asterisk.body()).contains("\"reason\"").contains("\"status\":" + asterisk.status());
        // HTTP/1.0 may leave Host out; Veil cannot then name its URLs (a search built them and
        // failed, 500): refused with a reason, and the health probes still answer.
        for (String target : new String[] {"/dicomweb/studies", "/dicomweb/studies/1.2.3/metadata", "/fhir/r4/AuditEvent?_count=1"}) {
            Answer http10 = request("GET " + target + " HTTP/1.0\r\nAccept: application/json, application/dicom+json, application/fhir+json"
                    + "\r\nAuthorization: Bearer " + TestTokens.treatingClinician() + "\r\n\r\n");
            assertThat(http10.status()).as(target).isEqualTo(400);
            assertThat(JsonPath.from(http10.body()).getString("reason")).as(target).contains("no Host header");
        }
        assertThat(request("GET /q/health/ready HTTP/1.0\r\n\r\n").status()).isEqualTo(200);
        Answer twoHosts = request("GET /dicomweb/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nAuthorization: Bearer "
                + TestTokens.treatingClinician() + "\r\nConnection: close\r\n\r\n");
        assertThat(twoHosts.status()).isEqualTo(400);
        assertThat(JsonPath.from(twoHosts.body()).getString("reason")).contains("more than one Host header");
    }

    /**
     * A request framed two ways (Transfer-Encoding and Content-Length) is how a request is
     * smuggled past a proxy that reads the other framing: answered, and the connection closed, so
     * that what follows on it is never read as a request (RFC 9112 6.1); before, the second
     * request was answered too. A transfer coding Veil does not read is 501.
     */
    @Test
    void aRequestFramedTwoWaysIsRefusedAndItsConnectionClosed() throws IOException {
        String smuggled = "GET /dicomweb/studies?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + TestTokens.treatingClinician() + "\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n"
                + "GET /q/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(smuggled.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            // Read to the end: the connection must close after the one answer (a timeout otherwise).
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(all).startsWith("HTTP/1.1 2");
            assertThat(all.toLowerCase(Locale.ROOT)).contains("connection: close");
            assertThat(all.split("HTTP/1.1 ", -1)).as("one answer: the second request is never read").hasSize(2);
        }
        Answer gzip = request("POST /dicomweb/studies HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestTokens.treatingClinician()
                + "\r\nContent-Type: multipart/related; type=\"application/dicom\"; boundary=b\r\nTransfer-Encoding: gzip, chunked"
                + "\r\nConnection: close\r\n\r\n0\r\n\r\n");
        assertThat(gzip.status()).isEqualTo(501);
        assertThat(JsonPath.from(gzip.body()).getString("reason")).contains("no transfer coding but chunked");
    }

    private static Answer request(String requestText) throws IOException {
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(requestText.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String head = text.substring(0, end).toLowerCase(Locale.ROOT);
            byte[] body = java.util.Arrays.copyOfRange(all, end + 4, all.length);
            if (head.contains("transfer-encoding: chunked")) {
                body = dechunk(new java.io.ByteArrayInputStream(body));
            }
            return new Answer(Integer.parseInt(text.substring(9, 12)), new String(body, StandardCharsets.UTF_8));
        }
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    return out.toByteArray();
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            int size = Integer.parseInt(line.toString().split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            in.readNBytes(2);
        }
    }

    @Test
    void aRawCaretMatchesTheNameItSpells() throws Exception {
        Answer a = raw("/dicomweb/studies?PatientName=Doe^John&PatientID=" + PATIENT);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(JsonPath.from(a.body()).getString("[0].'00100020'.Value[0]")).isEqualTo(PATIENT);
        Answer encoded = raw("/dicomweb/studies?PatientName=Doe%5EJohn&PatientID=" + PATIENT);
        assertThat(encoded.body()).isEqualTo(a.body());
    }

    @Test
    void otherUnwiseCharactersAreAcceptedToo() throws Exception {
        for (String value : new String[] {"{Doe^John}", "Doe|John", "Doe`John", "Doe\\John", "[Doe]"}) {
            Answer a = raw("/dicomweb/studies?PatientID=" + PATIENT + "&PatientName=" + value);
            assertThat(a.status()).as(value + ": " + a.body()).isIn(200, 204);
        }
    }

    @Test
    void whatAUriMayNotHoldIsRefusedWithAReason() throws Exception {
        for (String target : new String[] {"/dicomweb/studies?PatientName=<script>", "/dicomweb/studies?PatientName=%zz",
                "/dicomweb/studies?PatientName=\"Doe\"", "/dicomweb/studies?PatientName=D%",
                // Bytes that are no UTF-8: they were matched as replacement characters (204).
                "/dicomweb/studies?PatientName=%C3%28", "/dicomweb/studies/%FF/series"}) {
            Answer a = raw(target);
            assertThat(a.status()).as(target).isEqualTo(400);
            JsonPath json = JsonPath.from(a.body());
            assertThat(json.getInt("status")).isEqualTo(400);
            assertThat(json.getString("reason")).contains("RFC 3986").doesNotContain("script").doesNotContain("Doe");
        }
    }
}
