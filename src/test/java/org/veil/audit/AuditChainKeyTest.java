package org.veil.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.EmbeddedPostgresResource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/**
 * The audit trail against its own database owner: rows are chained with a key the database does
 * not hold, so an owner who edits a row and recomputes the chain the unkeyed way is caught; the
 * table refuses TRUNCATE; the head of the chain is reported for comparison outside Veil; reads of
 * the trail record their filters, and reads of consents and shares are on record.
 */
@QuarkusTest
class AuditChainKeyTest {

    private static RequestSpecification as(String user) {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of(user, "openid")).contentType("application/json");
    }

    @Test
    void verifyReportsTheKeyedHead() {
        as("clinician").get("/api/v1/me");
        DicomWebClient.given().get("/dicomweb/studies?limit=1");
        Response v = as("auditor").get("/api/v1/audit/verify");
        assertThat(v.jsonPath().getBoolean("valid")).as(v.asString()).isTrue();
        assertThat(v.jsonPath().getString("key")).hasSize(12);
        assertThat(v.jsonPath().getString("headHash")).hasSize(64);
        assertThat(v.jsonPath().getLong("headId")).isPositive();
        assertThat(v.jsonPath().getLong("keyedFrom")).isPositive();
    }

    @Test
    void truncatingTheTrailIsRefused() throws Exception {
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("TRUNCATE audit_event")).hasMessageContaining("append-only");
        }
    }

    /** What a database owner without the key can do: edit a row, then recompute every later hash with SHA-256. */
    @Test
    void anEditedRowWithARecomputedChainIsCaught() throws Exception {
        DicomWebClient.given().get("/dicomweb/studies?limit=1");
        DicomWebClient.given().get("/dicomweb/studies?limit=2");
        long edited;
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            // The rows as they were, to put back for the other tests of this database.
            s.execute("CREATE TEMP TABLE saved AS SELECT id, username, previous_hash, hash, chain_key, chain_format FROM audit_event");
            ResultSet rs = s.executeQuery("SELECT max(id) - 1 FROM audit_event");
            rs.next();
            edited = rs.getLong(1);
            s.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            try {
                s.executeUpdate("UPDATE audit_event SET username = 'nobody' WHERE id = " + edited);
                rechainUnkeyed(c, edited);
                Response v = as("auditor").get("/api/v1/audit/verify");
                assertThat(v.jsonPath().getBoolean("valid")).isFalse();
                assertThat(v.jsonPath().getLong("firstBrokenRow")).isEqualTo(edited);
                assertThat(v.jsonPath().getString("reason")).isNotBlank();
            } finally {
                // The verification meanwhile is on record, linked to the recomputed head: gone with it.
                s.executeUpdate("DELETE FROM audit_event WHERE id NOT IN (SELECT id FROM saved)");
                s.executeUpdate("UPDATE audit_event a SET username = v.username, previous_hash = v.previous_hash, hash = v.hash, "
                        + "chain_key = v.chain_key, chain_format = v.chain_format FROM saved v WHERE v.id = a.id");
                s.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
            }
        }
        assertThat(as("auditor").get("/api/v1/audit/verify").jsonPath().getBoolean("valid")).isTrue();
    }

    /**
     * The whole trail rewritten as if it had never been keyed: every row recomputed with the
     * unkeyed formula and its key removed. Nothing inside the database says keyed rows ever
     * existed, so only where they began, kept by the auditor outside it (or set as
     * veil.audit.keyed-since), shows the rewrite.
     */
    @Test
    void aTrailRewrittenAsNeverKeyedIsCaughtFromWhereKeyedRowsBegan() throws Exception {
        DicomWebClient.given().get("/dicomweb/studies?limit=1");
        long keyedFrom = as("auditor").get("/api/v1/audit/verify").jsonPath().getLong("keyedFrom");
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            saveChain(s);
            try {
                rechainUnkeyed(c, 1);
                Response plain = as("auditor").get("/api/v1/audit/verify");
                assertThat(plain.jsonPath().getBoolean("valid")).as("nothing in the database tells").isTrue();
                Response anchored = as("auditor").queryParam("keyedSince", keyedFrom).get("/api/v1/audit/verify");
                assertThat(anchored.jsonPath().getBoolean("valid")).as(anchored.asString()).isFalse();
                assertThat(anchored.jsonPath().getLong("firstBrokenRow")).isEqualTo(keyedFrom);
                assertThat(anchored.jsonPath().getString("reason")).contains("unkeyed row where keyed rows begin");
                assertThat(anchored.jsonPath().getLong("keyedSince")).as("the row applied is named").isEqualTo(keyedFrom);
            } finally {
                restoreChain(s);
            }
        }
        assertThat(as("auditor").queryParam("keyedSince", keyedFrom).get("/api/v1/audit/verify").jsonPath().getBoolean("valid")).isTrue();
        Response bad = as("auditor").queryParam("keyedSince", "first").get("/api/v1/audit/verify");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.jsonPath().getString("reason")).contains("keyedSince");
    }

    /**
     * The same owner, cleverer: every row given a new id below where keyed rows began (the CHECK of
     * V20 refuses it, so the owner drops that too) and rechained unkeyed. The check goes by each
     * row's own id, so only the row named as where keyed rows begin, which is gone, and the ids
     * the sequence never gives tell; they do.
     */
    @Test
    void aTrailMovedBelowWhereKeyedRowsBeganIsCaught() throws Exception {
        DicomWebClient.given().get("/dicomweb/studies?limit=1");
        long keyedFrom = as("auditor").get("/api/v1/audit/verify").jsonPath().getLong("keyedFrom");
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            saveChain(s);
            try {
                assertThatThrownBy(() -> s.executeUpdate("UPDATE audit_event SET id = -id WHERE id = (SELECT min(id) FROM audit_event)"))
                        .hasMessageContaining("audit_event_id_from_sequence");
                s.execute("ALTER TABLE audit_event DROP CONSTRAINT audit_event_id_from_sequence");
                s.executeUpdate("UPDATE audit_event SET id = id - 1000000000");
                rechainUnkeyed(c, Long.MIN_VALUE);
                Response plain = as("auditor").get("/api/v1/audit/verify");
                assertThat(plain.jsonPath().getBoolean("valid")).as(plain.asString()).isFalse();
                Response anchored = as("auditor").queryParam("keyedSince", keyedFrom).get("/api/v1/audit/verify");
                assertThat(anchored.jsonPath().getBoolean("valid")).as(anchored.asString()).isFalse();
                assertThat(anchored.jsonPath().getString("reason")).contains("below 1");
            } finally {
                s.executeUpdate("UPDATE audit_event SET id = id + 1000000000 WHERE id < 1");
                restoreChain(s);
                s.execute("ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_id_from_sequence");
                s.execute("ALTER TABLE audit_event ADD CONSTRAINT audit_event_id_from_sequence CHECK (id > 0)");
            }
        }
        Response restored = as("auditor").queryParam("keyedSince", keyedFrom).get("/api/v1/audit/verify");
        assertThat(restored.jsonPath().getBoolean("valid")).as(restored.asString()).isTrue();
        // A row named as where keyed rows begin that the trail never reached: the trail ends before it.
        long head = restored.jsonPath().getLong("headId");
        Response beyond = as("auditor").queryParam("keyedSince", head + 1_000_000).get("/api/v1/audit/verify");
        assertThat(beyond.jsonPath().getBoolean("valid")).isFalse();
        assertThat(beyond.jsonPath().getString("reason")).contains("is missing");
    }

    /** The chain as it is, to put back for the other tests of this database; the table open to edits meanwhile. */
    private static void saveChain(Statement s) throws Exception {
        s.execute("CREATE TEMP TABLE saved AS SELECT id, previous_hash, hash, chain_key, chain_format FROM audit_event");
        s.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
    }

    /** The chain put back; the verifications meanwhile are on record, linked to the rewritten head: gone with it. */
    private static void restoreChain(Statement s) throws Exception {
        s.executeUpdate("DELETE FROM audit_event WHERE id NOT IN (SELECT id FROM saved)");
        s.executeUpdate("UPDATE audit_event a SET previous_hash = v.previous_hash, hash = v.hash, chain_key = v.chain_key,"
                + " chain_format = v.chain_format FROM saved v WHERE v.id = a.id");
        s.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
        s.execute("DROP TABLE saved");
    }

    /**
     * Recomputes the hashes from a row on, as someone who knows the unkeyed formula but not the key
     * would, in the first chain format (the weaker one, whose rows may precede the second's).
     */
    private static void rechainUnkeyed(Connection c, long from) throws Exception {
        String previous;
        try (PreparedStatement p = c.prepareStatement("SELECT hash FROM audit_event WHERE id < ? ORDER BY id DESC LIMIT 1")) {
            p.setLong(1, from);
            ResultSet rs = p.executeQuery();
            previous = rs.next() ? rs.getString(1) : AuditChain.GENESIS;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT id, at, subject, username, roles, purpose, client_id, source_ip, action,"
                + " event_id, study_uids, patient_ids, instances, outcome, reason FROM audit_event WHERE id >= ? ORDER BY id");
             PreparedStatement u = c.prepareStatement(
                     "UPDATE audit_event SET previous_hash = ?, hash = ?, chain_key = NULL, chain_format = NULL WHERE id = ?")) {
            q.setLong(1, from);
            ResultSet rs = q.executeQuery();
            while (rs.next()) {
                String roles = rs.getString("roles");
                AuditEvent e = new AuditEvent(rs.getTimestamp("at").toInstant(), rs.getString("subject"), rs.getString("username"),
                        roles.isEmpty() ? List.of() : Arrays.asList(roles.split(",")), rs.getString("purpose"), rs.getString("client_id"),
                        rs.getString("source_ip"), rs.getString("action"), rs.getString("event_id"),
                        Arrays.asList((String[]) rs.getArray("study_uids").getArray()),
                        Arrays.asList((String[]) rs.getArray("patient_ids").getArray()), rs.getInt("instances"),
                        AuditEvent.Outcome.valueOf(rs.getString("outcome").toUpperCase(java.util.Locale.ROOT)), rs.getString("reason"), null);
                String hash = AuditChain.hash(previous, rs.getLong("id"), e);
                u.setString(1, previous);
                u.setString(2, hash);
                u.setLong(3, rs.getLong("id"));
                u.executeUpdate();
                previous = hash;
            }
        }
    }

    /** A verification holds a connection for as long as it reads the trail: one at a time, the next told to come back. */
    @Test
    void oneVerificationAtATime() {
        assertThat(AuditResource.VERIFYING.tryAcquire()).as("none running").isTrue();
        try {
            Response busy = as("auditor").get("/api/v1/audit/verify");
            assertThat(busy.statusCode()).isEqualTo(429);
            assertThat(busy.header("Retry-After")).isEqualTo("60");
            assertThat(busy.jsonPath().getString("reason")).contains("already running");
        } finally {
            AuditResource.VERIFYING.release();
        }
        assertThat(as("auditor").get("/api/v1/audit/verify").statusCode()).isEqualTo(200);
    }

    /**
     * The first chain format hashed a missing value as an empty one and joined lists with commas:
     * a row edited so, keeping its hash, verified. In the second format (every row written now) the
     * same edit breaks the chain; {@code AuditChainFormatTest} shows both formats on one row.
     */
    @Test
    void aMissingValueMadeEmptyOrAListRejoinedBreaksTheChain() throws Exception {
        DicomWebClient.given().get("/dicomweb/studies?limit=1");
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT max(id) FROM audit_event WHERE reason IS NULL AND chain_format = 2");
            rs.next();
            long row = rs.getLong(1);
            s.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            try {
                s.executeUpdate("UPDATE audit_event SET reason = '' WHERE id = " + row);
                Response v = as("auditor").get("/api/v1/audit/verify");
                assertThat(v.jsonPath().getBoolean("valid")).as(v.asString()).isFalse();
                assertThat(v.jsonPath().getLong("firstBrokenRow")).isEqualTo(row);
                assertThat(v.jsonPath().getString("reason")).contains("does not match its hash");
            } finally {
                s.executeUpdate("UPDATE audit_event SET reason = NULL WHERE id = " + row);
                s.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
            }
        }
        assertThat(as("auditor").get("/api/v1/audit/verify").jsonPath().getBoolean("valid")).isTrue();
    }

    @Test
    void aReadOfTheTrailRecordsItsFiltersAndReadsOfConsentsAndSharesAreOnRecord() throws Exception {
        String study = "1.2.826.0.1.3680043.99.8." + System.nanoTime() % 1_000_000;
        assertThat(DicomWebClient.stow(Part10Editor.read(TestData.file("pydicom/CT_small.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").set(Tag.PatientID, "AUDIT-P7")
                .toBytes()).statusCode()).isEqualTo(200);
        assertThat(as("auditor").queryParam("patientId", "AUDIT-P7").get("/api/v1/audit").statusCode()).isEqualTo(200);
        assertThat(as("clinician").get("/api/v1/studies/" + study + "/consents").statusCode()).isEqualTo(200);
        assertThat(as("auditor").get("/api/v1/studies/" + study + "/shares").statusCode()).isEqualTo(200);

        Response reads = as("admin").queryParam("subject", "auditor").queryParam("from", Instant.now().minusSeconds(60).toString())
                .queryParam("limit", 1000).get("/api/v1/audit");
        assertThat(reads.jsonPath().getList("detail", String.class)).anySatisfy(d -> assertThat(d).contains("patientId=AUDIT-P7"));
        Response trail = as("auditor").queryParam("studyUid", study).get("/api/v1/audit");
        assertThat(trail.jsonPath().getList("action")).contains("consents read", "shares read");
        assertThat(trail.jsonPath().getList("username")).contains("clinician", "auditor");
        String xml = as("auditor").queryParam("studyUid", study).get("/api/v1/audit/messages").asString();
        assertThat(xml).contains("EventActionCode=\"R\"");
    }
}
