package org.veil.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.veil.EmbeddedPostgresResource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/** Consent and share changes on record, read back by an auditor, and a chain that shows an edit. */
@QuarkusTest
class AuditTrailTest {

    private static RequestSpecification as(String user) {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of(user, "openid")).contentType("application/json");
    }

    /**
     * A clinician's search for one patient is on that patient's trail even when it finds nothing
     * (IHE BALP's patient query); a teacher's PatientID is a pseudonym, filed under no one.
     */
    @Test
    void aSearchForOnePatientIsOnThatPatientsTrailEvenWhenItFindsNothing() {
        String patient = "AUDIT-NOBODY-" + System.nanoTime() % 1_000_000;
        assertThat(RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid purpose:treatment"))
                .queryParam("PatientID", patient).get("/dicomweb/studies").statusCode()).isEqualTo(204);
        assertThat(RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("educator", "openid purpose:teaching"))
                .queryParam("PatientID", patient + "-PSEUDONYM").get("/dicomweb/studies").statusCode()).isEqualTo(204);
        assertThat(RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid purpose:treatment"))
                .queryParam("PatientID", patient + "*").get("/dicomweb/studies").statusCode()).isEqualTo(204);
        Response trail = as("auditor").queryParam("patientId", patient).get("/api/v1/audit");
        assertThat(trail.jsonPath().getList("action")).containsExactly("query study");
        assertThat(trail.jsonPath().getList("username")).containsExactly("clinician");
        assertThat(as("auditor").queryParam("patientId", patient + "-PSEUDONYM").get("/api/v1/audit").jsonPath().getList("id")).isEmpty();
    }

    @Test
    void everyConsentAndShareChangeIsOnRecordAndTheChainShowsAnEdit() throws Exception {
        String study = "1.2.826.0.1.3680043.99.9." + System.nanoTime() % 1_000_000;
        assertThat(DicomWebClient.stow(Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").set(Tag.PatientID, "AUDIT-P1")
                .toBytes()).statusCode()).isEqualTo(200);
        String consent = as("clinician").body("{\"scopes\":[\"research\"],\"method\":\"written\"}")
                .post("/api/v1/studies/" + study + "/consents").jsonPath().getString("id");
        assertThat(as("clinician").body("{\"reason\":\"changed mind\"}").post("/api/v1/consents/" + consent + "/withdraw").statusCode())
                .isEqualTo(200);
        String share = as("clinician").body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"consultant\"},"
                + "\"expiresAt\":\"" + Instant.now().plus(3, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + study + "/shares")
                .jsonPath().getString("id");
        assertThat(as("clinician").delete("/api/v1/shares/" + share).statusCode()).isEqualTo(204);

        Response rows = as("auditor").queryParam("studyUid", study).get("/api/v1/audit");
        assertThat(rows.statusCode()).as(rows.asString()).isEqualTo(200);
        assertThat(rows.jsonPath().getList("action")).containsExactly("store", "consent recorded", "consent withdrawn", "study shared", "share revoked");
        assertThat(rows.jsonPath().getList("eventId")).containsExactly("110104", "110110", "110110", "110110", "110110");
        assertThat(rows.jsonPath().getInt("[0].instances")).isEqualTo(1);
        assertThat(rows.jsonPath().getList("username")).containsOnly("clinician");
        assertThat(rows.jsonPath().getList("client")).containsOnly("veil-cli");
        assertThat(rows.jsonPath().getList("sourceIp")).containsOnly("127.0.0.1");
        assertThat(rows.jsonPath().getList("outcome")).containsOnly("success");
        assertThat(rows.jsonPath().getList("[0].roles")).containsExactly("clinician");
        assertThat(rows.jsonPath().getList("[0].patientIds")).containsExactly("AUDIT-P1");
        // The five changes, and the auditor's read above, filed under the patient its rows name.
        assertThat(as("admin").queryParam("patientId", "AUDIT-P1").get("/api/v1/audit").jsonPath().getList("action"))
                .containsExactly("store", "consent recorded", "consent withdrawn", "study shared", "share revoked", "audit trail read");
        assertThat(as("auditor").queryParam("studyUid", study).queryParam("limit", 2).queryParam("offset", 3).get("/api/v1/audit")
                .jsonPath().getList("action")).containsExactly("study shared", "share revoked");
        assertThat(as("auditor").queryParam("studyUid", study).queryParam("from", Instant.now().plusSeconds(60).toString())
                .get("/api/v1/audit").jsonPath().getList("id")).isEmpty();
        assertThat(as("auditor").queryParam("limit", 0).get("/api/v1/audit").statusCode()).isEqualTo(400);
        assertThat(as("consultant").get("/api/v1/audit").statusCode()).isEqualTo(403);
        assertThat(as("clinician").get("/api/v1/audit/verify").statusCode()).isEqualTo(403);
        assertThat(RestAssured.given().get("/api/v1/audit").statusCode()).isEqualTo(401);

        Response xml = as("auditor").queryParam("studyUid", study).get("/api/v1/audit/messages");
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.contentType()).startsWith("application/xml");
        org.w3c.dom.Document messages = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.asByteArray()));
        assertThat(messages.getDocumentElement().getTagName()).isEqualTo("AuditMessages");
        assertThat(messages.getElementsByTagName("AuditMessage").getLength()).isEqualTo(5);
        assertThat(messages.getElementsByTagName("EventID").item(1).getAttributes().getNamedItem("csd-code").getNodeValue())
                .isEqualTo("110110");
        assertThat(xml.asString()).contains("ParticipantObjectID=\"" + study + "\"").contains("ParticipantObjectID=\"AUDIT-P1\"");

        List<String> reads = as("admin").queryParam("subject", "auditor").get("/api/v1/audit").jsonPath().getList("action");
        assertThat(reads).contains("audit trail read", "audit trail exported");

        Response valid = as("auditor").get("/api/v1/audit/verify");
        assertThat(valid.jsonPath().getBoolean("valid")).isTrue();
        assertThat(valid.jsonPath().getLong("rows")).isGreaterThanOrEqualTo(4);
        assertThat(valid.asString()).doesNotContain("firstBrokenRow");

        long edited = rows.jsonPath().getLong("[2].id");
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            s.executeUpdate("UPDATE audit_event SET reason = 'nothing happened' WHERE id = " + edited);
            s.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
        }
        Response broken = as("auditor").get("/api/v1/audit/verify");
        assertThat(broken.jsonPath().getBoolean("valid")).isFalse();
        assertThat(broken.jsonPath().getLong("firstBrokenRow")).isEqualTo(edited);
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            s.executeUpdate("UPDATE audit_event SET reason = NULL WHERE id = " + edited);
            s.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.executeUpdate("DELETE FROM audit_event WHERE id = " + edited))
                    .hasMessageContaining("append-only");
        }
        assertThat(as("auditor").get("/api/v1/audit/verify").jsonPath().getBoolean("valid")).isTrue();
    }

    @Test
    void aChangeWhoseAuditRowCannotBeWrittenDoesNotStand() throws Exception {
        String study = "1.2.826.0.1.3680043.99.9." + System.nanoTime() % 1_000_000;
        assertThat(DicomWebClient.stow(Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").toBytes()).statusCode()).isEqualTo(200);
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            // The audit table refuses this one action, as a full disk or a lost connection would refuse all.
            s.execute("ALTER TABLE audit_event ADD CONSTRAINT test_refuse_consents CHECK (action <> 'consent recorded') NOT VALID");
        }
        try {
            Response refused = as("clinician").body("{\"scopes\":[\"research\"],\"method\":\"written\"}")
                    .post("/api/v1/studies/" + study + "/consents");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.asString()).doesNotContain(study);
        } finally {
            try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE audit_event DROP CONSTRAINT test_refuse_consents");
            }
        }
        assertThat(as("clinician").get("/api/v1/studies/" + study + "/consents").jsonPath().getList("$")).isEmpty();
    }

    /** An instance sent twice in one request is stored once, and the trail counts it once. */
    @Test
    void anInstanceSentTwiceInOneRequestIsCountedOnce() throws Exception {
        String study = "1.2.826.0.1.3680043.99.9." + System.nanoTime() % 1_000_000 + ".2";
        byte[] ct = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").toBytes();
        Response stored = DicomWebClient.stow(ct, ct);
        assertThat(stored.statusCode()).as(stored.asString()).isEqualTo(200);
        Response rows = as("auditor").queryParam("studyUid", study).get("/api/v1/audit");
        assertThat(rows.jsonPath().getList("action")).containsExactly("store");
        assertThat(rows.jsonPath().getInt("[0].instances")).isEqualTo(1);
    }

    /** A search the audit API cannot answer is refused with its own reason, in the documented body. */
    @Test
    void aSearchOutOfBoundsIsRefusedWithAReason() {
        Response zero = as("auditor").queryParam("limit", 0).get("/api/v1/audit");
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(zero.jsonPath().getString("reason")).contains("limit is 1 to");
        for (String[] p : new String[][] {{"limit", "abc"}, {"offset", "99999999999"}, {"offset", "x"}, {"offset", "1000001"}}) {
            Response bad = as("auditor").queryParam(p[0], p[1]).get("/api/v1/audit");
            assertThat(bad.statusCode()).as(p[0] + "=" + p[1]).isEqualTo(400);
            assertThat(bad.jsonPath().getString("reason")).as(p[0] + "=" + p[1]).containsAnyOf("whole numbers", "offset 0 to");
        }
        Response notAnInstant = as("auditor").queryParam("from", "yesterday").get("/api/v1/audit");
        assertThat(notAnInstant.statusCode()).isEqualTo(400);
        assertThat(notAnInstant.jsonPath().getString("reason")).contains("ISO 8601 instant").doesNotContain("yesterday");
        // An instant Java reads but no timestamp holds: 400, not the JDBC overflow's 500.
        for (String far : new String[] {"-1000000000-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z", "1899-12-31T23:59:59Z"}) {
            Response r = as("auditor").queryParam("from", far).get("/api/v1/audit");
            assertThat(r.statusCode()).as(far).isEqualTo(400);
            assertThat(r.jsonPath().getString("reason")).as(far).contains("between the years 1900 and 9999");
            assertThat(as("auditor").queryParam("to", far).get("/api/v1/audit").statusCode()).as("to " + far).isEqualTo(400);
        }
        // A NUL no PostgreSQL text holds: 400, not the database's 503.
        Response nul = as("auditor").queryParam("patientId", "P\u0000X").get("/api/v1/audit");
        assertThat(nul.statusCode()).isEqualTo(400);
        assertThat(nul.jsonPath().getString("reason")).contains("control characters");
    }

    /**
     * A misspelt filter or a second value of one is refused, not ignored: ignored, it widened the
     * answer to every patient's rows (patient_id=… answered the whole trail).
     */
    @Test
    void anUnknownOrRepeatedFilterIsRefusedRatherThanIgnored() {
        Response misspelt = as("auditor").queryParam("patient_id", "ZQXPID4711").get("/api/v1/audit");
        assertThat(misspelt.statusCode()).as(misspelt.asString()).isEqualTo(400);
        assertThat(misspelt.jsonPath().getString("reason")).contains("unknown parameter", "patientId").doesNotContain("ZQXPID4711");
        Response twice = as("auditor").queryParam("studyUid", "1.2.3").queryParam("studyUid", "1.2.4").get("/api/v1/audit");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.jsonPath().getString("reason")).isEqualTo("studyUid is given more than once");
        assertThat(as("auditor").queryParam("foo", "bar").get("/api/v1/audit/messages").statusCode()).isEqualTo(400);
        for (String empty : new String[] {"patientId", "subject", "limit"}) {
            Response r = as("auditor").queryParam(empty, "").get("/api/v1/audit");
            assertThat(r.statusCode()).as(empty + "=").isEqualTo(400);
            assertThat(r.jsonPath().getString("reason")).isEqualTo(empty + " is empty; leave it out to filter nothing");
        }
        Response long_ = as("auditor").queryParam("patientId", "P".repeat(257)).get("/api/v1/audit");
        assertThat(long_.statusCode()).isEqualTo(400);
        assertThat(long_.jsonPath().getString("reason")).contains("at most 256 characters");
        Response verify = as("auditor").queryParam("keyedSince", "1").queryParam("keyedSince", "2").get("/api/v1/audit/verify");
        assertThat(verify.statusCode()).isEqualTo(400);
        // The role check comes first: a caller who may not read the trail learns nothing of its parameters.
        assertThat(as("clinician").queryParam("patient_id", "x").get("/api/v1/audit").statusCode()).isEqualTo(403);
        // Refused reads of the trail are on it.
        assertThat(as("auditor").queryParam("limit", "1000").get("/api/v1/audit").jsonPath()
                .getList("findAll { it.action == 'audit trail read refused' }.reason", String.class))
                .anySatisfy(r -> assertThat(r).contains("unknown parameter"));
    }
}
