package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.security.TestTokens;

/**
 * Without trusted proxies (the default), forwarding headers are whatever a client wrote: Veil's
 * URLs keep the host it was reached at, and the audit keeps the address the connection came from.
 * BehindProxyTest shows the same headers believed when they come from a trusted proxy.
 */
@QuarkusTest
class ForwardedHeadersIgnoredTest {
    private static final String STUDY = "1.2.826.0.1.3680043.99.78";

    @BeforeEach
    void reset() throws Exception {
        new IndexReset().reset();
    }

    @Test
    void forgedForwardingHeadersChangeNeitherUrlsNorTheAudit() throws Exception {
        byte[] ct = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, STUDY)
                .set(Tag.SeriesInstanceUID, STUDY + ".1").set(Tag.SOPInstanceUID, STUDY + ".1.1").toBytes();
        Response stored = DicomWebClient.given()
                .header("X-Forwarded-For", "198.51.100.9").header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "evil.example").header("Forwarded", "for=198.51.100.9;host=evil.example;proto=https")
                .contentType("multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .accept("application/dicom+json").body(DicomWebClient.multipart(java.util.List.of(ct))).post("/dicomweb/studies");
        assertThat(stored.statusCode()).as(stored.asString()).isEqualTo(200);
        String retrieveUrl = stored.jsonPath().getString("'00081199'.Value[0].'00081190'.Value[0]");
        assertThat(retrieveUrl).matches("http://(localhost|127\\.0\\.0\\.1):" + RestAssured.port + "/dicomweb/studies/" + STUDY.replace(".", "\\.") + "/.*");
        assertThat(stored.asString()).doesNotContain("evil.example");

        Response audit = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("auditor", "openid"))
                .queryParam("studyUid", STUDY).get("/api/v1/audit");
        assertThat(audit.jsonPath().getList("action")).contains("store");
        assertThat(audit.jsonPath().getList("sourceIp")).containsOnly("127.0.0.1");
    }
}
