package org.veil.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.veil.EmbeddedPostgresResource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/** The consent and share API with real tokens: recording, history, withdrawal, shares, validation, roles, append-only. */
@QuarkusTest
class ConsentApiTest {
    private static int next = 1;
    private String study;


    @BeforeEach
    void storeAStudy() throws Exception {
        study = "1.2.826.0.1.3680043.99.8." + System.nanoTime() % 1_000_000 + "." + next++;
        byte[] ct = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").toBytes();
        assertThat(DicomWebClient.stow(ct).statusCode()).isEqualTo(200);
    }

    private static RequestSpecification as(String user) {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of(user, "openid")).contentType("application/json");
    }

    private static String future(int days) {
        return Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private Response record(String user, String body) {
        return as(user).body(body).post("/api/v1/studies/" + study + "/consents");
    }

    @Test
    void aConsentIsRecordedReadAndWithdrawnAndTheHistoryKeepsIt() {
        Response created = record("clinician", """
                {"scopes":["consultation","teaching"],"method":"written",
                 "evidence":{"reference":"EHR-DOC-7781","sha256":"%s"},"validUntil":"%s"}""".formatted("ab".repeat(32), future(200)));
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String id = created.jsonPath().getString("id");
        assertThat(created.header("Location")).endsWith("/api/v1/consents/" + id);
        // The Location is a resource: the consent itself, for those who may read consents, on record.
        Response one = as("auditor").get("/api/v1/consents/" + id);
        assertThat(one.statusCode()).as(one.asString()).isEqualTo(200);
        assertThat(one.jsonPath().getString("id")).isEqualTo(id);
        assertThat(one.jsonPath().getString("studyInstanceUid")).isEqualTo(study);
        assertThat(one.jsonPath().getList("scopes")).containsExactly("consultation", "teaching");
        assertThat(as("consultant").get("/api/v1/consents/" + id).statusCode()).isEqualTo(403);
        // The refused read is on the study's trail, though its path names only the consent.
        assertThat(as("auditor").queryParam("studyUid", study).get("/api/v1/audit").jsonPath()
                .getList("findAll { it.action == 'consent record read refused' }.outcome")).contains("denied");
        Response unknown = as("auditor").get("/api/v1/consents/" + java.util.UUID.randomUUID());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.jsonPath().getString("reason")).isEqualTo("unknown consent");
        assertThat(as("auditor").get("/api/v1/consents/not-an-id").statusCode()).isEqualTo(404);

        Response history = as("auditor").get("/api/v1/studies/" + study + "/consents");
        assertThat(history.statusCode()).isEqualTo(200);
        assertThat(history.jsonPath().getList("id")).containsExactly(id);
        assertThat(history.jsonPath().getList("[0].scopes")).containsExactly("consultation", "teaching");
        assertThat(history.jsonPath().getString("[0].method")).isEqualTo("written");
        assertThat(history.jsonPath().getString("[0].evidence.reference")).isEqualTo("EHR-DOC-7781");
        assertThat(history.jsonPath().getBoolean("[0].active")).isTrue();
        assertThat(history.jsonPath().getString("[0].recordedBy")).isNotBlank();
        // The change's row names the consent and its terms, not the evidence's place.
        String detail = as("auditor").queryParam("studyUid", study).get("/api/v1/audit").jsonPath()
                .getList("findAll { it.action == 'consent recorded' }.detail", String.class).get(0);
        assertThat(detail).contains("consent " + id).contains("scopes consultation,teaching").contains("method written")
                .doesNotContain("EHR-DOC-7781");

        // A NUL no database text holds: 400 with the reason, and the consent stays as it was.
        Response nul = as("clinician").body("{\"reason\":\"patient\\u0000asked\"}").post("/api/v1/consents/" + id + "/withdraw");
        assertThat(nul.statusCode()).as(nul.asString()).isEqualTo(400);
        assertThat(nul.jsonPath().getString("reason")).contains("NUL");
        Response withdrawn = as("clinician").body("{\"reason\":\"patient asked on the phone\"}").post("/api/v1/consents/" + id + "/withdraw");
        assertThat(withdrawn.statusCode()).as(withdrawn.asString()).isEqualTo(200);
        assertThat(withdrawn.jsonPath().getBoolean("active")).isFalse();
        assertThat(withdrawn.jsonPath().getString("withdrawal.reason")).isEqualTo("patient asked on the phone");
        assertThat(as("clinician").body("{\"reason\":\"again\"}").post("/api/v1/consents/" + id + "/withdraw").statusCode()).isEqualTo(409);

        Response after = as("admin").get("/api/v1/studies/" + study + "/consents");
        assertThat(after.jsonPath().getList("id")).containsExactly(id);
        assertThat(after.jsonPath().getString("[0].withdrawal.by")).isNotBlank();
        // A new consent may be recorded once the old one is withdrawn.
        assertThat(record("clinician", "{\"scopes\":[\"consultation\"],\"method\":\"electronic\"}").statusCode()).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no scopes | {\"scopes\":[],\"method\":\"written\"} | 400 | scopes",
            "treatment is not a consent scope | {\"scopes\":[\"treatment\"],\"method\":\"written\"} | 400 | scopes",
            "unknown scope | {\"scopes\":[\"gossip\"],\"method\":\"written\"} | 400 | scopes",
            "unknown method | {\"scopes\":[\"research\"],\"method\":\"telepathic\"} | 400 | method",
            "expiry in the past | {\"scopes\":[\"research\"],\"method\":\"written\",\"validUntil\":\"2020-01-01T00:00:00Z\"} | 400 | past",
            "unreadable date | {\"scopes\":[\"research\"],\"method\":\"written\",\"validUntil\":\"next tuesday\"} | 400 | ISO 8601",
            "bad evidence hash | {\"scopes\":[\"research\"],\"method\":\"written\",\"evidence\":{\"reference\":\"x\",\"sha256\":\"abc\"}} | 400 | sha256",
            "written publication naming no document | {\"scopes\":[\"research\",\"publication\"],\"method\":\"written\"} | 400 | evidence.reference",
            "written publication with an empty reference | {\"scopes\":[\"publication\"],\"method\":\"written\",\"evidence\":{\"reference\":\" \"}} | 400 | evidence.reference",
            "year beyond any clock | {\"scopes\":[\"research\"],\"method\":\"written\",\"validUntil\":\"+999999999-12-31T23:59:59Z\"} | 400 | between the years",
            "year before any consent | {\"scopes\":[\"research\"],\"method\":\"written\",\"validFrom\":\"-000001-01-01T00:00:00Z\"} | 400 | between the years",
            "misspelt field | {\"scopes\":[\"research\"],\"method\":\"written\",\"validUnitl\":\"2030-01-01T00:00:00Z\"} | 400 | unknown field validUnitl",
            "repeated field | {\"scopes\":[\"research\"],\"scopes\":[\"publication\"],\"method\":\"written\"} | 400 | not one JSON object",
            "trailing content | {\"scopes\":[\"research\"],\"method\":\"written\"} {} | 400 | not one JSON object",
            "text where a list belongs | {\"scopes\":\"research\",\"method\":\"written\"} | 400 | not one JSON object",
            "number where text belongs | {\"scopes\":[\"research\"],\"method\":7} | 400 | not one JSON object",
            "not JSON | scopes=research | 400 | not one JSON object",
            "a list, not an object | [] | 400 | not one JSON object",
            "null | null | 400 | JSON object",
    })
    void badConsentsAreRefusedWithAReason(String name, String body, int status, String reason) {
        Response r = record("clinician", body);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        assertThat(r.jsonPath().getString("reason")).contains(reason);
    }

    @Test
    void unknownStudiesDuplicatesAndRolesAreRefused() {
        String body = "{\"scopes\":[\"research\"],\"method\":\"written\"}";
        Response unknown = as("clinician").body(body).post("/api/v1/studies/1.2.3.999999/consents");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.jsonPath().getString("reason")).isEqualTo("unknown study");
        assertThat(record("clinician", body).statusCode()).isEqualTo(201);
        Response duplicate = record("clinician", "{\"scopes\":[\"research\",\"teaching\"],\"method\":\"verbal\"}");
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(duplicate.jsonPath().getString("reason")).contains("already covers");
        Response refusals = as("auditor").queryParam("studyUid", study).get("/api/v1/audit");
        assertThat(refusals.jsonPath().getList("findAll { it.action == 'consent change refused' }.outcome")).contains("failed");
        assertThat(record("clinician", "{\"scopes\":[\"teaching\"],\"method\":\"verbal\"}").statusCode()).as("another scope").isEqualTo(201);
        // A consent to publication not in writing grants nothing, so it does not block the written one.
        assertThat(record("clinician", "{\"scopes\":[\"publication\"],\"method\":\"verbal\"}").statusCode()).isEqualTo(201);
        assertThat(record("clinician", "{\"scopes\":[\"publication\"],\"method\":\"written\",\"evidence\":{\"reference\":\"form 9\"}}")
                .statusCode()).as("publication in writing").isEqualTo(201);
        assertThat(record("clinician", "{\"scopes\":[\"publication\"],\"method\":\"electronic\"}").statusCode())
                .as("the verbal one still covers it").isEqualTo(409);
        for (String user : List.of("consultant", "auditor", "admin", "researcher", "uploader")) {
            Response r = record(user, "{\"scopes\":[\"publication\"],\"method\":\"written\"}");
            assertThat(r.statusCode()).as(user).isEqualTo(403);
            assertThat(r.jsonPath().getString("reason")).contains("clinician");
        }
        assertThat(as("consultant").get("/api/v1/studies/" + study + "/consents").statusCode()).isEqualTo(403);
        assertThat(RestAssured.given().get("/api/v1/studies/" + study + "/consents").statusCode()).isEqualTo(401);
        assertThat(as("clinician").body("{\"reason\":\"x\"}").post("/api/v1/consents/not-a-uuid/withdraw").statusCode()).isEqualTo(404);
        assertThat(as("clinician").body("{}").post("/api/v1/consents/" + java.util.UUID.randomUUID() + "/withdraw").statusCode())
                .isEqualTo(400);
    }

    /**
     * The consent and audit APIs need no purpose, but a token that names one its roles may not
     * claim, or several, is refused as on every other operation: 403, before anything is read
     * or recorded.
     */
    @Test
    void aPurposeTheCallerMayNotClaimIsRefusedHereToo() {
        String body = "{\"scopes\":[\"research\"],\"method\":\"written\"}";
        // A clinician claims treatment, teaching, research or publication; consultation is a consultant's.
        Response consultation = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician",
                "openid purpose:consultation")).contentType("application/json").body(body).post("/api/v1/studies/" + study + "/consents");
        assertThat(consultation.statusCode()).isEqualTo(403);
        assertThat(consultation.jsonPath().getString("reason")).contains("may not claim the purpose consultation");
        Response two = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician",
                "openid purpose:treatment purpose:consultation")).get("/api/v1/studies/" + study + "/consents");
        assertThat(two.statusCode()).isEqualTo(403);
        assertThat(two.jsonPath().getString("reason")).contains("exactly one purpose");
        Response auditor = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("auditor", "openid purpose:teaching"))
                .get("/api/v1/audit");
        assertThat(auditor.statusCode()).isEqualTo(403);
        assertThat(auditor.jsonPath().getString("reason")).contains("may not claim");
        Response fhir = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("auditor", "openid purpose:teaching"))
                .get("/fhir/r4/AuditEvent");
        assertThat(fhir.statusCode()).isEqualTo(403);
        assertThat(as("clinician").get("/api/v1/studies/" + study + "/consents").jsonPath().getList("id")).as("nothing recorded").isEmpty();
        // The refused attempt to change the record is on the trail: who, the study, denied, and why.
        Response trail = as("auditor").queryParam("studyUid", study).get("/api/v1/audit");
        assertThat(trail.jsonPath().getList("findAll { it.action == 'consent change refused' }.outcome")).containsExactly("denied");
        assertThat(trail.jsonPath().getList("findAll { it.action == 'consent change refused' }.reason", String.class))
                .singleElement().asString().contains("may not claim the purpose consultation");
        // A path that names no UID a study can have (thousands of digits) is refused as ever, its
        // attempt on record without a study: the trail's index takes no such value.
        Response longPath = as("researcher").body(body).post("/api/v1/studies/" + "1".repeat(5_000) + "/consents");
        assertThat(longPath.statusCode()).isEqualTo(403);
        // A clinician's token for research (the viewer opened for research, say) reaches
        // de-identified images only: not the registry's PatientIDs and original UIDs.
        for (String path : List.of("/api/v1/studies/" + study + "/consents", "/api/v1/studies/" + study + "/shares",
                "/fhir/r4/Consent?patient.identifier=P-1")) {
            Response research = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician",
                    "openid purpose:research")).get(path);
            assertThat(research.statusCode()).as(path).isEqualTo(403);
            assertThat(research.asString()).as(path).contains("de-identified images only");
        }
        Response recordForResearch = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician",
                "openid purpose:research")).contentType("application/json").body(body).post("/api/v1/studies/" + study + "/consents");
        assertThat(recordForResearch.statusCode()).isEqualTo(403);
        assertThat(RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid purpose:treatment"))
                .get("/api/v1/studies/" + study + "/consents").statusCode()).as("treatment is served").isEqualTo(200);
        // The refused reads are on the trail too, filed under the study: who tried to look, and why
        // not (the token with two purposes, then the consents and shares read for research).
        Response reads = as("auditor").queryParam("studyUid", study).get("/api/v1/audit");
        assertThat(reads.jsonPath().getList("findAll { it.action == 'consent record read refused' }.outcome"))
                .containsExactly("denied", "denied", "denied");
        Response auditRefused = as("auditor").queryParam("subject", "auditor").queryParam("limit", 1000).get("/api/v1/audit");
        assertThat(auditRefused.jsonPath().getList("findAll { it.action == 'audit trail read refused' }.outcome")).contains("denied");
        // The same callers without the purpose are served.
        assertThat(record("clinician", body).statusCode()).isEqualTo(201);
        assertThat(as("auditor").get("/api/v1/audit").statusCode()).isEqualTo(200);
    }

    @Test
    void sharesAreCreatedListedAndRevokedAndStayInTheHistory() {
        Response created = as("clinician").body("""
                {"purpose":"consultation","audience":{"type":"user","id":"consultant"},"expiresAt":"%s"}""".formatted(future(30)))
                .post("/api/v1/studies/" + study + "/shares");
        assertThat(created.statusCode()).as(created.asString()).isEqualTo(201);
        String id = created.jsonPath().getString("id");
        assertThat(created.header("Location")).endsWith("/api/v1/shares/" + id);
        Response one = as("auditor").get("/api/v1/shares/" + id);
        assertThat(one.statusCode()).as(one.asString()).isEqualTo(200);
        assertThat(one.jsonPath().getString("id")).isEqualTo(id);
        assertThat(one.jsonPath().getString("studyInstanceUid")).isEqualTo(study);
        assertThat(one.jsonPath().getString("audience.type")).isEqualTo("user");
        assertThat(one.jsonPath().getString("audience.id")).as("stored by the user's subject").isNotBlank();
        assertThat(as("consultant").get("/api/v1/shares/" + id).statusCode()).isEqualTo(403);
        assertThat(as("auditor").queryParam("studyUid", study).get("/api/v1/audit").jsonPath()
                .getList("findAll { it.action == 'consent record read refused' }.outcome")).contains("denied");
        Response unknown = as("auditor").get("/api/v1/shares/" + java.util.UUID.randomUUID());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.jsonPath().getString("reason")).isEqualTo("unknown share");
        Response list = as("auditor").get("/api/v1/studies/" + study + "/shares");
        assertThat(list.jsonPath().getList("id")).containsExactly(id);
        assertThat(list.jsonPath().getBoolean("[0].active")).isTrue();
        assertThat(as("consultant").delete("/api/v1/shares/" + id).statusCode()).isEqualTo(403);
        assertThat(as("clinician").delete("/api/v1/shares/" + id).statusCode()).isEqualTo(204);
        assertThat(as("clinician").delete("/api/v1/shares/" + id).statusCode()).as("revoking twice").isEqualTo(204);
        // Revoking twice changes nothing, and the trail records one change.
        List<String> actions = as("auditor").queryParam("studyUid", study).get("/api/v1/audit").jsonPath().getList("action");
        assertThat(actions.stream().filter("share revoked"::equals)).hasSize(1);
        // Each change's row says what changed: which share, for what, to whom, until when.
        Response changes = as("auditor").queryParam("studyUid", study).get("/api/v1/audit");
        assertThat(changes.jsonPath().getList("findAll { it.action == 'study shared' }.detail", String.class)).singleElement().asString()
                .contains("share " + id).contains("consultation to user").contains("until 20");
        assertThat(changes.jsonPath().getList("findAll { it.action == 'share revoked' }.detail", String.class)).singleElement().asString()
                .isEqualTo("share " + id + " revoked");
        Response after = as("clinician").get("/api/v1/studies/" + study + "/shares");
        assertThat(after.jsonPath().getList("id")).containsExactly(id);
        assertThat(after.jsonPath().getBoolean("[0].active")).isFalse();
        assertThat(as("clinician").get("/api/v1/shares/" + id).jsonPath().getBoolean("active")).as("a revoked share stays readable").isFalse();
        assertThat(after.jsonPath().getString("[0].revocation.by")).isNotBlank();
        for (String bad : List.of(
                "{\"purpose\":\"treatment\",\"audience\":{\"type\":\"user\",\"id\":\"x\"},\"expiresAt\":\"" + future(3) + "\"}",
                // A share for a purpose that consent grants would be an audience limit nothing enforces.
                "{\"purpose\":\"research\",\"audience\":{\"type\":\"group\",\"id\":\"/partners\"},\"expiresAt\":\"" + future(3) + "\"}",
                "{\"purpose\":\"teaching\",\"audience\":{\"type\":\"user\",\"id\":\"x\"},\"expiresAt\":\"" + future(3) + "\"}",
                "{\"purpose\":\"publication\",\"audience\":{\"type\":\"user\",\"id\":\"x\"},\"expiresAt\":\"" + future(3) + "\"}",
                "{\"purpose\":\"consultation\",\"audience\":{\"type\":\"planet\",\"id\":\"x\"},\"expiresAt\":\"" + future(3) + "\"}",
                "{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"x\"},\"expiresAt\":\"2001-01-01T00:00:00Z\"}",
                "{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"x\"}}",
                "{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"x\"},\"expiresAt\":\"+999999999-12-31T23:59:59Z\"}",
                "{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"x\",\"role\":\"admin\"},\"expiresAt\":\"" + future(3) + "\"}")) {
            assertThat(as("clinician").body(bad).post("/api/v1/studies/" + study + "/shares").statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(as("clinician").delete("/api/v1/shares/" + java.util.UUID.randomUUID()).statusCode()).isEqualTo(404);
        // A share runs 90 days at most (veil.shares.max-validity): longer is a study opened for good.
        Response forYears = as("clinician").body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"consultant\"},"
                + "\"expiresAt\":\"" + future(91) + "\"}").post("/api/v1/studies/" + study + "/shares");
        assertThat(forYears.statusCode()).isEqualTo(400);
        assertThat(forYears.jsonPath().getString("reason")).contains("90 days").contains("veil.shares.max-validity");
        assertThat(as("clinician").body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"consultant\"},"
                + "\"expiresAt\":\"" + future(89) + "\"}").post("/api/v1/studies/" + study + "/shares").statusCode()).isEqualTo(201);
    }

    @Test
    void emptyBodiesAndOtherContentTypesAreRefusedWithAReason() {
        Response empty = as("clinician").body("").post("/api/v1/studies/" + study + "/consents");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.jsonPath().getString("reason")).contains("JSON object");
        Response text = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid"))
                .contentType("text/plain").body("{}").post("/api/v1/studies/" + study + "/consents");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.contentType()).startsWith("application/json");
        assertThat(text.jsonPath().getString("reason")).isNotBlank();
    }

    @jakarta.inject.Inject
    ConsentRegistry registry;

    /** A failure after the insert (here in the audit step) leaves neither the consent nor a row. */
    @Test
    void aConsentAndItsAuditRowCommitTogetherOrNotAtAll() throws Exception {
        long consents = count("SELECT count(*) FROM consent WHERE study_instance_uid = '" + study + "'");
        long rows = count("SELECT count(*) FROM audit_event");
        ConsentRequests.NewConsent consent = new ConsentRequests.NewConsent(List.of("research"), "written", null, null, null);
        assertThatThrownBy(() -> registry.record(study, consent, "tester", Instant.now(), (c, s, detail) -> {
            throw new IllegalStateException("the audit step failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(count("SELECT count(*) FROM consent WHERE study_instance_uid = '" + study + "'")).isEqualTo(consents);
        assertThat(count("SELECT count(*) FROM audit_event")).isEqualTo(rows);
        // The connection went back to the pool clean: the next change commits normally.
        assertThat(record("clinician", "{\"scopes\":[\"research\"],\"method\":\"written\"}").statusCode()).isEqualTo(201);
    }

    /**
     * A withdrawal that committed is answered as done even when dropping the study's derivatives
     * fails afterwards: access is refused from the database on every request all the same.
     */
    @Test
    void aCommittedWithdrawalIsAnsweredDoneWhenCleaningUpFails() throws Exception {
        Response created = record("clinician", "{\"scopes\":[\"research\"],\"method\":\"written\"}");
        String id = created.jsonPath().getString("id");
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE OR REPLACE FUNCTION veil_test_refuse() RETURNS trigger LANGUAGE plpgsql AS
                    $$ BEGIN RAISE EXCEPTION 'cleanup refused by the test'; END $$""");
            s.execute("CREATE TRIGGER veil_test_refuse_views BEFORE DELETE ON derived_view FOR EACH STATEMENT EXECUTE FUNCTION veil_test_refuse()");
            s.execute("CREATE TRIGGER veil_test_refuse_derivatives BEFORE DELETE ON derivative FOR EACH STATEMENT EXECUTE FUNCTION veil_test_refuse()");
        }
        try {
            Response withdrawn = as("clinician").body("{\"reason\":\"patient asked\"}").post("/api/v1/consents/" + id + "/withdraw");
            assertThat(withdrawn.statusCode()).as(withdrawn.asString()).isEqualTo(200);
            assertThat(withdrawn.jsonPath().getString("withdrawal.reason")).isEqualTo("patient asked");
            assertThat(withdrawn.jsonPath().getBoolean("active")).isFalse();
        } finally {
            try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER veil_test_refuse_views ON derived_view");
                s.execute("DROP TRIGGER veil_test_refuse_derivatives ON derivative");
                s.execute("DROP FUNCTION veil_test_refuse()");
            }
        }
        assertThat(count("SELECT count(*) FROM consent_withdrawal WHERE consent_id = '" + id + "'")).isEqualTo(1);
    }

    private static long count(String sql) throws Exception {
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void racingIdenticalConsentsRecordOne() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            for (String scope : List.of("consultation", "teaching", "research", "publication")) {
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                RequestSpecification spec = as("clinician");
                List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        return RestAssured.given().spec(spec).body("{\"scopes\":[\"" + scope
                                        + "\"],\"method\":\"written\",\"evidence\":{\"reference\":\"urn:ehr:document:2\"}}")
                                .post("/api/v1/studies/" + study + "/consents").statusCode();
                    }));
                }
                start.countDown();
                List<Integer> codes = new java.util.ArrayList<>();
                for (var a : answers) {
                    codes.add(a.get());
                }
                assertThat(codes).as(scope).containsOnly(201, 409);
                assertThat(codes.stream().filter(c -> c == 201)).as(scope).hasSize(1);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(as("clinician").get("/api/v1/studies/" + study + "/consents").jsonPath().getList("id")).hasSize(4);
    }

    @Test
    void theDatabaseRefusesToRewriteHistory() throws Exception {
        assertThat(record("clinician", "{\"scopes\":[\"research\"],\"method\":\"written\"}").statusCode()).isEqualTo(201);
        try (Connection c = EmbeddedPostgresResource.connect(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("UPDATE consent SET method = 'verbal' WHERE study_instance_uid = '" + study + "'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("DELETE FROM consent WHERE study_instance_uid = '" + study + "'"))
                    .hasMessageContaining("append-only");
            // TRUNCATE, which row triggers do not see: emptying the withdrawals would make every withdrawn consent active again.
            for (String table : List.of("consent_withdrawal", "share_revocation", "patient_consent_withdrawal", "consent", "study_share",
                    "patient_consent")) {
                assertThatThrownBy(() -> s.execute("TRUNCATE " + table + " CASCADE")).as(table).hasMessageContaining("append-only");
            }
        }
        assertThat(as("clinician").get("/api/v1/studies/" + study + "/consents").jsonPath().getList("id")).as("still on record").hasSize(1);
    }
}
