package org.veil.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veil.EmbeddedPostgresResource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/**
 * Callers outside treatment against every consent and share state and every endpoint OHIF
 * uses, with real tokens, through the real API. One study per row of {@link #STUDIES}; the last
 * column is the expected answer, written out by hand from the seed rules, not computed by Veil:
 * "seen" means every endpoint answers with the de-identified study (pseudonymous patient,
 * derived UIDs, nothing original in any body); "hidden" means searches leave it out and every
 * retrieval answers 404, exactly as for a study that does not exist. Each row runs against
 * {@link #ENDPOINTS}, one test per cell, and every request made must leave exactly one audit row
 * saying what happened.
 */
@QuarkusTest
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ExternalAccessMatrixTest {
    /** purpose | consent state | share state | expected. */
    private static final String[] STUDIES = {
            "consultation | none        | none           | hidden",
            "consultation | none        | active         | hidden",
            "consultation | none        | expired        | hidden",
            "consultation | none        | revoked        | hidden",
            "consultation | none        | other audience | hidden",
            "consultation | active      | none           | hidden",
            "consultation | active      | active         | seen",
            "consultation | active      | expired        | hidden",
            "consultation | active      | revoked        | hidden",
            "consultation | active      | other audience | hidden",
            "consultation | wrong scope | none           | hidden",
            "consultation | wrong scope | active         | hidden",
            "consultation | wrong scope | expired        | hidden",
            "consultation | wrong scope | revoked        | hidden",
            "consultation | wrong scope | other audience | hidden",
            "consultation | verbal      | none           | hidden",
            "consultation | verbal      | active         | seen",
            "consultation | verbal      | expired        | hidden",
            "consultation | verbal      | revoked        | hidden",
            "consultation | verbal      | other audience | hidden",
            "consultation | expired     | none           | hidden",
            "consultation | expired     | active         | hidden",
            "consultation | expired     | expired        | hidden",
            "consultation | expired     | revoked        | hidden",
            "consultation | expired     | other audience | hidden",
            "consultation | withdrawn   | none           | hidden",
            "consultation | withdrawn   | active         | hidden",
            "consultation | withdrawn   | expired        | hidden",
            "consultation | withdrawn   | revoked        | hidden",
            "consultation | withdrawn   | other audience | hidden",
            "teaching     | none        | none           | hidden",
            "teaching     | active      | none           | seen",
            "teaching     | wrong scope | none           | hidden",
            "teaching     | verbal      | none           | seen",
            "teaching     | expired     | none           | hidden",
            "teaching     | withdrawn   | none           | hidden",
            "teaching     | none        | active         | hidden",
            "research     | none        | none           | hidden",
            "research     | active      | none           | seen",
            "research     | wrong scope | none           | hidden",
            "research     | verbal      | none           | seen",
            "research     | expired     | none           | hidden",
            "research     | withdrawn   | none           | hidden",
            "publication  | none        | none           | hidden",
            "publication  | active      | none           | seen",
            "publication  | wrong scope | none           | hidden",
            "publication  | verbal      | none           | hidden",
            "publication  | expired     | none           | hidden",
            "publication  | withdrawn   | none           | hidden",
    };

    private static final String[] ENDPOINTS = {"QIDO studies", "QIDO series", "QIDO instances", "QIDO priors",
            "WADO instance", "WADO metadata", "WADO frames", "WADO bulk data"};

    /** Who asks for each purpose: the demo realm's users and the purposes their roles may claim. */
    private static final Map<String, String> CALLERS = Map.of("consultation", "consultant", "teaching", "educator",
            "research", "researcher", "publication", "clinician");
    private static final Map<String, String> WRONG_SCOPE = Map.of("consultation", "teaching", "teaching", "research",
            "research", "teaching", "publication", "teaching");

    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L);
    private static final Map<Integer, Row> ROWS = new LinkedHashMap<>();

    /** One study of the table, as stored and shared. */
    record Row(int n, String purpose, String consent, String share, boolean seen, String study, String series, String sop,
               String patientId, String patientName, Optional<String> shareId) {
        String caller() {
            return CALLERS.get(purpose);
        }

        /** The context the caller sees this study in, when it sees it. */
        String context() {
            return purpose.equals("consultation") ? "share-" + shareId.orElseThrow() : purpose;
        }
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (int n = 0; n < STUDIES.length; n++) {
            String[] c = STUDIES[n].split("\\|");
            for (String endpoint : ENDPOINTS) {
                cells.add(Arguments.of(n, c[0].trim(), c[1].trim(), c[2].trim(), endpoint, c[3].trim()));
            }
        }
        return cells.stream();
    }

    @BeforeEach
    void storeEveryStudyOnce() throws Exception {
        if (!ROWS.isEmpty()) {
            return;
        }
        for (int n = 0; n < STUDIES.length; n++) {
            String[] c = STUDIES[n].split("\\|");
            ROWS.put(n, store(n, c[0].trim(), c[1].trim(), c[2].trim(), c[3].trim().equals("seen")));
        }
    }

    @ParameterizedTest(name = "{1}, consent {2}, share {3}: {4} -> {5}")
    @MethodSource("cells")
    @org.junit.jupiter.api.Order(1)
    void cell(int n, String purpose, String consent, String share, String endpoint, String expected) throws Exception {
        Row row = ROWS.get(n);
        Caller caller = new Caller(row.caller(), purpose);
        if (row.seen()) {
            seen(caller, row, endpoint);
        } else {
            hidden(caller, row, endpoint);
        }
    }

    /** After every cell: the rows they left still form one unbroken chain. */
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.Order(2)
    void theAuditChainVerifiesAfterTheMatrix() {
        Response verify = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("auditor", "openid"))
                .get("/api/v1/audit/verify");
        assertThat(verify.jsonPath().getBoolean("valid")).as(verify.asString()).isTrue();
        assertThat(verify.jsonPath().getLong("rows")).isGreaterThan(STUDIES.length * ENDPOINTS.length);
    }

    private void seen(Caller caller, Row row, String endpoint) throws Exception {
        Response all = caller.get("/dicomweb/studies?limit=1000", "application/dicom+json", "query study", "success");
        String study = derived(row.study, row.context());
        String series = derived(row.series, row.context());
        String sop = derived(row.sop, row.context());
        JsonPath studies = all.jsonPath();
        int at = firstValues(all, "0020000D").indexOf(study);
        assertThat(at).as("the study is listed under its derived UID").isGreaterThanOrEqualTo(0);
        String pseudonym = studies.getString("[" + at + "].'00100020'.Value[0]");
        assertThat(pseudonym).isNotBlank().isNotEqualTo(row.patientId);
        String base = "/dicomweb/studies/" + study;
        String instance = base + "/series/" + series + "/instances/" + sop;
        Response r = switch (endpoint) {
            case "QIDO studies" -> all;
            case "QIDO series" -> {
                Response s = caller.get(base + "/series", "application/dicom+json", "query series", "success");
                assertThat(firstValues(s, "0020000E")).containsExactly(series);
                yield s;
            }
            case "QIDO instances" -> {
                Response s = caller.get(base + "/instances", "application/dicom+json", "query instance", "success");
                assertThat(firstValues(s, "00080018")).containsExactly(sop);
                yield s;
            }
            case "QIDO priors" -> {
                Response s = caller.get("/dicomweb/studies?PatientID=" + pseudonym, "application/dicom+json", "query study", "success");
                List<String> found = firstValues(s, "0020000D");
                assertThat(found).contains(study);
                assertThat(found).as("priors are the caller's visible studies of this patient only")
                        .containsExactlyInAnyOrderElementsOf(seenOfPatient(row));
                yield s;
            }
            case "WADO instance" -> {
                Response s = caller.get(instance, "multipart/related; type=\"application/dicom\"", "retrieve instances", "success");
                byte[] part = DicomWebClient.parts(s).get(0).content();
                Part10Editor cleaned = Part10Editor.read(part);
                assertThat(cleaned.root().string(Tag.SOPInstanceUID)).contains(sop);
                assertThat(cleaned.root().string(Tag.PatientID)).contains(pseudonym);
                assertThat(cleaned.root().string(0x00120062)).contains("YES");
                // The original's UIDs from this caller are unknown UIDs.
                caller.get("/dicomweb/studies/" + row.study + "/series/" + row.series + "/instances/" + row.sop,
                        "multipart/related; type=\"application/dicom\"", "retrieve instances", "denied", 404);
                yield s;
            }
            case "WADO metadata" -> {
                Response s = caller.get(base + "/metadata", "application/dicom+json", "retrieve metadata", "success");
                assertThat(firstValues(s, "00080018")).containsExactly(sop);
                assertThat(firstValues(s, "00100020")).containsExactly(pseudonym);
                yield s;
            }
            case "WADO frames" -> {
                Response s = caller.get(instance + "/frames/1", "multipart/related; type=\"application/octet-stream\"",
                        "retrieve frames", "success");
                assertThat(DicomWebClient.parts(s).get(0).content().length).isEqualTo(512 * 512 * 2);
                yield s;
            }
            case "WADO bulk data" -> {
                Response meta = caller.get(instance + "/metadata", "application/dicom+json", "retrieve metadata", "success");
                String uri = meta.jsonPath().getString("[0].'7FE00010'.BulkDataURI");
                assertThat(uri).contains(instance);
                Response s = caller.get(uri.substring(uri.indexOf("/dicomweb/")), "multipart/related; type=\"application/octet-stream\"",
                        "retrieve bulk data", "success");
                assertThat(DicomWebClient.parts(s).get(0).content().length).isEqualTo(512 * 512 * 2);
                yield s;
            }
            default -> throw new IllegalArgumentException(endpoint);
        };
        assertPseudonymous(r, row);
    }

    private void hidden(Caller caller, Row row, String endpoint) throws Exception {
        String base = "/dicomweb/studies/" + row.study;
        String instance = base + "/series/" + row.series + "/instances/" + row.sop;
        switch (endpoint) {
            case "QIDO studies" -> {
                Response all = caller.get("/dicomweb/studies?limit=1000", "application/dicom+json", "query study", "success");
                String body = all.asString();
                for (String uid : derivedUidsOf(row)) {
                    assertThat(body).doesNotContain(uid);
                }
                // Whether or not this study was ever derived: no study listed is a copy of it.
                int listed = all.statusCode() == 204 ? 0 : all.jsonPath().getList("$").size();
                for (int n = 0; n < listed; n++) {
                    assertThat(originalOf(all.jsonPath().getString("[" + n + "].'0020000D'.Value[0]"))).isNotEqualTo(row.study);
                }
                assertPseudonymous(all, row);
            }
            case "QIDO series" -> caller.get(base + "/series", "application/dicom+json", "query series", "success", 204);
            case "QIDO instances" -> caller.get(base + "/instances", "application/dicom+json", "query instance", "success", 204);
            case "QIDO priors" -> caller.get("/dicomweb/studies?PatientID=" + row.patientId, "application/dicom+json",
                    "query study", "success", 204);
            case "WADO instance" -> notFound(caller.get(instance, "multipart/related; type=\"application/dicom\"",
                    "retrieve instances", "denied", 404));
            case "WADO metadata" -> notFound(caller.get(base + "/metadata", "application/dicom+json", "retrieve metadata", "denied", 404));
            case "WADO frames" -> notFound(caller.get(instance + "/frames/1", "multipart/related; type=\"application/octet-stream\"",
                    "retrieve frames", "denied", 404));
            case "WADO bulk data" -> notFound(caller.get(instance + "/bulkdata/7FE00010",
                    "multipart/related; type=\"application/octet-stream\"", "retrieve bulk data", "denied", 404));
            default -> throw new IllegalArgumentException(endpoint);
        }
    }

    /** The first value of an attribute in each object of a DICOM JSON array. */
    private static List<String> firstValues(Response r, String tag) {
        List<List<Object>> values = r.jsonPath().getList("'" + tag + "'.Value");
        return values.stream().map(v -> String.valueOf(v.get(0))).toList();
    }

    /** Exactly the answer for a study that does not exist. */
    private static void notFound(Response r) {
        assertThat(r.jsonPath().getString("reason")).isEqualTo("study not found");
    }

    /** Nothing of the original patient or UIDs in the body, whatever its form. */
    private static void assertPseudonymous(Response r, Row row) {
        String body = new String(r.asByteArray(), StandardCharsets.ISO_8859_1);
        for (String original : List.of(row.study, row.series, row.sop, row.patientId, row.patientName, "XMATRIX")) {
            assertThat(body).doesNotContain(original);
        }
    }

    /** The derived study UIDs the caller should find for this row's patient: its seen rows of the same purpose and context. */
    private List<String> seenOfPatient(Row row) throws Exception {
        List<String> out = new ArrayList<>();
        for (Row r : ROWS.values()) {
            if (r.seen() && r.purpose.equals(row.purpose) && r.patientId.equals(row.patientId) && r.context().equals(row.context())) {
                out.add(derived(r.study, r.context()));
            }
        }
        return out;
    }

    /** A derived UID from the persisted reverse map. */
    private String derived(String original, String context) throws Exception {
        try (Connection c = EmbeddedPostgresResource.connect();
             PreparedStatement s = c.prepareStatement("SELECT derived_uid FROM derived_uid WHERE original_uid = ? AND context = ?")) {
            s.setString(1, original);
            s.setString(2, context);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("a derived UID for " + original + " in " + context).isTrue();
                return rs.getString(1);
            }
        }
    }

    /** The original a listed derived UID stands for (every derived UID a search lists has one). */
    private static String originalOf(String derived) throws Exception {
        try (Connection c = EmbeddedPostgresResource.connect();
             PreparedStatement s = c.prepareStatement("SELECT original_uid FROM derived_uid WHERE derived_uid = ?")) {
            s.setString(1, derived);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("the original of " + derived).isTrue();
                return rs.getString(1);
            }
        }
    }

    private List<String> derivedUidsOf(Row row) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = EmbeddedPostgresResource.connect();
             PreparedStatement s = c.prepareStatement("SELECT derived_uid FROM derived_uid WHERE original_uid = ANY(?)")) {
            s.setArray(1, c.createArrayOf("text", new Object[] {row.study, row.series, row.sop}));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private Row store(int n, String purpose, String consent, String share, boolean seen) throws Exception {
        String study = "2.25.99" + RUN + "." + n;
        String series = study + ".1";
        String sop = series + ".1";
        // One patient per purpose, so that priors must pick the visible studies among the patient's.
        String patientId = "XM-" + RUN + "-" + purpose.toUpperCase();
        String patientName = "XMATRIX^" + purpose.toUpperCase() + "^" + RUN;
        byte[] ct = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, series).set(Tag.SOPInstanceUID, sop).set(Tag.PatientID, patientId)
                .set(Tag.PatientName, patientName).toBytes();
        assertThat(DicomWebClient.stow(ct).statusCode()).isEqualTo(200);
        switch (consent) {
            case "none" -> {
            }
            case "active" -> consent(study, purpose, "written");
            case "wrong scope" -> consent(study, WRONG_SCOPE.get(purpose), "written");
            case "verbal" -> consent(study, purpose, "verbal");
            case "expired" -> expiredConsent(study, purpose);
            case "withdrawn" -> assertThat(clinician().body("{\"reason\":\"patient asked\"}")
                    .post("/api/v1/consents/" + consent(study, purpose, "written") + "/withdraw").statusCode()).isEqualTo(200);
            default -> throw new IllegalArgumentException(consent);
        }
        Optional<String> shareId = switch (share) {
            case "none" -> Optional.empty();
            case "active" -> Optional.of(share(study, purpose, "consultant"));
            case "other audience" -> Optional.of(share(study, purpose, "educator"));
            case "revoked" -> {
                String id = share(study, purpose, "consultant");
                assertThat(clinician().delete("/api/v1/shares/" + id).statusCode()).isEqualTo(204);
                yield Optional.of(id);
            }
            case "expired" -> Optional.of(expiredShare(study, purpose));
            default -> throw new IllegalArgumentException(share);
        };
        return new Row(n, purpose, consent, share, seen, study, series, sop, patientId, patientName, shareId);
    }

    private static io.restassured.specification.RequestSpecification clinician() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid"))
                .contentType("application/json");
    }

    private static String consent(String study, String scope, String method) {
        Response r = clinician().body("{\"scopes\":[\"" + scope + "\"],\"method\":\"" + method
                + "\",\"evidence\":{\"reference\":\"urn:ehr:document:1\"},\"validUntil\":\""
                + Instant.now().plus(30, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + study + "/consents");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        return r.jsonPath().getString("id");
    }

    private static String share(String study, String purpose, String user) throws Exception {
        if (!purpose.equals("consultation")) {
            // The API records shares for consultation only; a share for another purpose is one an
            // earlier version recorded, and must grant nothing.
            UUID id = UUID.randomUUID();
            try (Connection c = EmbeddedPostgresResource.connect(); PreparedStatement s = c.prepareStatement("""
                    INSERT INTO study_share (id, study_instance_uid, purpose, audience_type, audience, expires_at, created_by, created_at)
                    VALUES (?, ?, ?, 'user', ?, ?, 'clinician', ?)""")) {
                s.setObject(1, id);
                s.setString(2, study);
                s.setString(3, purpose);
                s.setString(4, user);
                s.setTimestamp(5, Timestamp.from(Instant.now().plus(3, ChronoUnit.DAYS)));
                s.setTimestamp(6, Timestamp.from(Instant.now()));
                s.executeUpdate();
            }
            return id.toString();
        }
        Response r = clinician().body("{\"purpose\":\"" + purpose + "\",\"audience\":{\"type\":\"user\",\"id\":\"" + user
                + "\"},\"expiresAt\":\"" + Instant.now().plus(3, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + study + "/shares");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        return r.jsonPath().getString("id");
    }

    /** The API refuses an expiry in the past, rightly; history that has run out is written as it would stand. */
    private void expiredConsent(String study, String scope) throws Exception {
        try (Connection c = EmbeddedPostgresResource.connect(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO consent (id, study_instance_uid, scopes, method, recorded_by, recorded_at, valid_from, valid_until)
                VALUES (?, ?, ARRAY[?]::text[], 'written', 'clinician', ?, ?, ?)""")) {
            Instant now = Instant.now();
            s.setObject(1, UUID.randomUUID());
            s.setString(2, study);
            s.setString(3, scope);
            s.setTimestamp(4, Timestamp.from(now.minus(60, ChronoUnit.DAYS)));
            s.setTimestamp(5, Timestamp.from(now.minus(60, ChronoUnit.DAYS)));
            s.setTimestamp(6, Timestamp.from(now.minus(1, ChronoUnit.DAYS)));
            s.executeUpdate();
        }
    }

    private String expiredShare(String study, String purpose) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = EmbeddedPostgresResource.connect(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO study_share (id, study_instance_uid, purpose, audience_type, audience, expires_at, created_by, created_at)
                VALUES (?, ?, ?, 'user', 'consultant', ?, 'clinician', ?)""")) {
            Instant now = Instant.now();
            s.setObject(1, id);
            s.setString(2, study);
            s.setString(3, purpose);
            s.setTimestamp(4, Timestamp.from(now.minus(1, ChronoUnit.HOURS)));
            s.setTimestamp(5, Timestamp.from(now.minus(3, ChronoUnit.DAYS)));
            s.executeUpdate();
        }
        return id.toString();
    }

    /** A caller's requests; each must leave exactly one audit row with the expected action and outcome. */
    private final class Caller {
        private final String user;
        private final String scope;

        Caller(String user, String purpose) {
            this.user = user;
            this.scope = "openid purpose:" + purpose;
        }

        Response get(String path, String accept, String action, String outcome) throws Exception {
            return get(path, accept, action, outcome, 200);
        }

        Response get(String path, String accept, String action, String outcome, int status) throws Exception {
            long before = lastAuditId();
            Response r = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of(user, scope)).accept(accept).get(path);
            assertThat(r.statusCode()).as(path + " " + r.asString()).isEqualTo(status);
            try (Connection c = EmbeddedPostgresResource.connect(); PreparedStatement s = c.prepareStatement(
                    "SELECT username, action, outcome, purpose, event_id FROM audit_event WHERE id > ? ORDER BY id")) {
                s.setLong(1, before);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).as("an audit row for " + path).isTrue();
                    assertThat(rs.getString(1)).isEqualTo(user);
                    assertThat(rs.getString(2)).isEqualTo(action);
                    assertThat(rs.getString(3)).isEqualTo(outcome);
                    assertThat(scope).endsWith(rs.getString(4));
                    if (action.equals("retrieve instances") && outcome.equals("success")) {
                        assertThat(rs.getString(5)).as("de-identified copies handed out are an export").isEqualTo("110106");
                    }
                    assertThat(rs.next()).as("exactly one audit row for " + path).isFalse();
                }
            }
            return r;
        }

        private long lastAuditId() throws Exception {
            try (Connection c = EmbeddedPostgresResource.connect(); PreparedStatement s = c.prepareStatement("SELECT coalesce(max(id), 0) FROM audit_event");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
