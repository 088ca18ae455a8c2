package org.veil.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;

/**
 * Every role and purpose against every DICOMweb operation, with real tokens from the real
 * Keycloak, and every broken-token state. The expected answers are written out below, row by
 * row, not derived from Veil's rules; each cell is its own test.
 *
 * <p>Cell codes: {@code 200} allowed; {@code 401} no valid token; {@code 403:x} refused, with a
 * reason containing the fragment {@link #REASONS} gives for x. A caller outside treatment passes
 * this gate and meets the policy: with no consent on the study, its search finds nothing (204)
 * and the study is hidden (404). Consent and share states are in ExternalAccessMatrixTest.
 */
@QuarkusTest
class AuthorizationMatrixTest {
    private static final String STUDY = "2.25.770001";
    private static final String SERIES = STUDY + ".1";
    private static final String INSTANCE = SERIES + ".1";
    private static final AtomicInteger STORED = new AtomicInteger(100);

    private static final Map<String, String> REASONS = Map.of(
            "none", "names no purpose",
            "claim", "may not claim",
            "role", "needs",
            "store", "storing is part of treatment",
            "two", "exactly one purpose",
            "mixed", "reads de-identified copies only");

    /** role | purpose named in the token | STOW QIDO WADO METADATA FRAMES. */
    private static final String[] ROLES_BY_PURPOSES = {
            "clinician  | -            | 403:none  403:none  403:none  403:none  403:none",
            "clinician  | treatment    | 200       200       200       200       200",
            "clinician  | consultation | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "clinician  | teaching     | 403:store 204       404       404       404",
            "clinician  | research     | 403:store 204       404       404       404",
            "clinician  | publication  | 403:store 204       404       404       404",
            "consultant | -            | 403:role  403:none  403:none  403:none  403:none",
            "consultant | treatment    | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "consultant | consultation | 403:role  204       404       404       404",
            "consultant | teaching     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "consultant | research     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "consultant | publication  | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "educator   | -            | 403:role  403:none  403:none  403:none  403:none",
            "educator   | treatment    | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "educator   | consultation | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "educator   | teaching     | 403:role  204       404       404       404",
            "educator   | research     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "educator   | publication  | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "researcher | -            | 403:role  403:none  403:none  403:none  403:none",
            "researcher | treatment    | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "researcher | consultation | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "researcher | teaching     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "researcher | research     | 403:role  204       404       404       404",
            "researcher | publication  | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "auditor    | -            | 403:role  403:role  403:role  403:role  403:role",
            "auditor    | treatment    | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "auditor    | consultation | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "auditor    | teaching     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "auditor    | research     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "auditor    | publication  | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "admin      | -            | 403:role  403:role  403:role  403:role  403:role",
            "admin      | treatment    | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "admin      | consultation | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "admin      | teaching     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "admin      | research     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "admin      | publication  | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "uploader   | -            | 200       403:role  403:role  403:role  403:role",
            "uploader   | treatment    | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "uploader   | consultation | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "uploader   | teaching     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "uploader   | research     | 403:claim 403:claim 403:claim 403:claim 403:claim",
            "uploader   | publication  | 403:claim 403:claim 403:claim 403:claim 403:claim",
    };

    /** token state (for a clinician who would otherwise be treating) | STOW QIDO WADO METADATA FRAMES. */
    private static final String[] TOKEN_STATES = {
            "none                      | 401 401 401 401 401",
            "expired                   | 401 401 401 401 401",
            "wrong audience            | 401 401 401 401 401",
            "wrong issuer              | 401 401 401 401 401",
            "tampered signature        | 401 401 401 401 401",
            "two purposes              | 403:two 403:two 403:two 403:two 403:two",
            "purpose the role may not claim | 403:claim 403:claim 403:claim 403:claim 403:claim",
    };

    private static final String[] OPERATIONS = {"STOW", "QIDO", "WADO", "METADATA", "FRAMES"};

    private static boolean studyStored;

    /** Once per class; RestAssured knows the test port only from the first test on. */
    @BeforeEach
    void storeTheStudy() throws Exception {
        if (!studyStored) {
            assertThat(DicomWebClient.stow(instance(INSTANCE)).statusCode()).isEqualTo(200);
            studyStored = true;
        }
    }

    static Stream<Arguments> rolesByPurposes() {
        List<Arguments> cells = new ArrayList<>();
        for (String row : ROLES_BY_PURPOSES) {
            String[] cols = row.split("\\|");
            String[] expected = cols[2].trim().split("\\s+");
            for (int i = 0; i < OPERATIONS.length; i++) {
                cells.add(Arguments.of(cols[0].trim(), cols[1].trim(), OPERATIONS[i], expected[i]));
            }
        }
        return cells.stream();
    }

    static Stream<Arguments> tokenStates() {
        List<Arguments> cells = new ArrayList<>();
        for (String row : TOKEN_STATES) {
            String[] cols = row.split("\\|");
            String[] expected = cols[1].trim().split("\\s+");
            for (int i = 0; i < OPERATIONS.length; i++) {
                cells.add(Arguments.of(cols[0].trim(), OPERATIONS[i], expected[i]));
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} for {1}: {2} -> {3}")
    @MethodSource("rolesByPurposes")
    void roleAndPurpose(String role, String purpose, String operation, String expected) throws Exception {
        String scope = purpose.equals("-") ? "openid" : "openid purpose:" + purpose;
        check(call(operation, TestTokens.of(role, scope)), expected);
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("tokenStates")
    void tokenState(String state, String operation, String expected) throws Exception {
        check(call(operation, token(state)), expected);
    }

    /**
     * An uploader that also holds a reader's role, with that reader's purpose, may not store: STOW
     * answers about original UIDs (already stored, other content, another patient), an oracle on
     * originals for a caller who sees de-identified copies only. Nor without the purpose: it would
     * store with no purpose and read with one, the same questions about originals. With the
     * purpose it still reads as the reader it is; a clinician who also uploads stores.
     */
    @org.junit.jupiter.api.Test
    void anUploaderNamingAReadersPurposeMayNotStore() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        String name = "import-station-" + System.nanoTime() % 1_000_000;
        String id = keycloak.createUser(name, "researcher", "uploader");
        try {
            check(call("STOW", keycloak.accessToken(name, "openid purpose:research")), "403:store");
            check(call("QIDO", keycloak.accessToken(name, "openid purpose:research")), "204");
            check(call("STOW", keycloak.accessToken(name, "openid")), "403:mixed");
        } finally {
            keycloak.deleteUser(id);
        }
        String clinician = "modality-desk-" + System.nanoTime() % 1_000_000;
        String clinicianId = keycloak.createUser(clinician, "clinician", "uploader");
        try {
            check(call("STOW", keycloak.accessToken(clinician, "openid purpose:teaching")), "403:store");
            check(call("STOW", keycloak.accessToken(clinician, "openid purpose:treatment")), "200");
        } finally {
            keycloak.deleteUser(clinicianId);
        }
    }

    /** Who may ask comes before what is asked: 403, not the 400 or 406 the request itself would earn. */
    @org.junit.jupiter.api.Test
    void aRefusedCallerHearsTheRefusalBeforeAnythingAboutTheRequest() throws Exception {
        String consultantAsTreatment = TestTokens.of("consultant", "openid purpose:treatment");
        for (String path : List.of("/dicomweb/studies/abc/metadata", "/dicomweb/studies/abc/series", "/dicomweb/studies/abc/series/x/instances/y/frames/0")) {
            Response r = RestAssured.given().header("Authorization", "Bearer " + consultantAsTreatment).get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
        }
        Response search = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("uploader", "openid"))
                .accept("image/png").get("/dicomweb/studies");
        assertThat(search.statusCode()).as("an uploader searching, with an Accept no search answers").isEqualTo(403);
        Response store = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("consultant", "openid purpose:consultation"))
                .contentType("multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                .body(DicomWebClient.multipart(List.of(instance(SERIES + ".9999")))).post("/dicomweb/studies/abc");
        assertThat(store.statusCode()).as("a consultant storing under a path that names no UID").isEqualTo(403);
    }

    private static String token(String state) throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        return switch (state) {
            case "none" -> null;
            case "expired" -> ExpiredToken.get();
            case "wrong audience" -> {
                keycloak.ensureTestClient("veil-test-no-audience", false, 0);
                yield keycloak.accessToken("veil-test-no-audience", "clinician", "openid purpose:treatment");
            }
            case "wrong issuer" -> keycloak.adminToken();
            case "tampered signature" -> tampered(TestTokens.of("consultant", "openid purpose:consultation"));
            case "two purposes" -> TestTokens.of("clinician", "openid purpose:treatment purpose:teaching");
            case "purpose the role may not claim" -> TestTokens.of("clinician", "openid purpose:consultation");
            default -> throw new IllegalArgumentException(state);
        };
    }

    /** A consultant's real token with the clinician role written into it; the signature no longer fits. */
    private static String tampered(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        ObjectNode claims = (ObjectNode) KeycloakServer.claims(jwt);
        ((ObjectNode) claims.with("realm_access")).putArray("roles").add("clinician");
        claims.put("scope", "openid purpose:treatment");
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        return parts[0] + "." + payload + "." + parts[2];
    }

    private static Response call(String operation, String token) throws Exception {
        RequestSpecification r = RestAssured.given();
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        String instancePath = "/dicomweb/studies/" + STUDY + "/series/" + SERIES + "/instances/" + INSTANCE;
        return switch (operation) {
            case "STOW" -> r.contentType("multipart/related; type=\"application/dicom\"; boundary=" + DicomWebClient.BOUNDARY)
                    .body(DicomWebClient.multipart(List.of(instance(SERIES + "." + STORED.incrementAndGet()))))
                    .post("/dicomweb/studies");
            case "QIDO" -> r.get("/dicomweb/studies?StudyInstanceUID=" + STUDY);
            case "WADO" -> r.accept("multipart/related; type=\"application/dicom\"").get(instancePath);
            case "METADATA" -> r.accept("application/dicom+json").get("/dicomweb/studies/" + STUDY + "/metadata");
            case "FRAMES" -> r.accept("multipart/related; type=\"application/octet-stream\"").get(instancePath + "/frames/1");
            default -> throw new IllegalArgumentException(operation);
        };
    }

    private static void check(Response r, String expected) {
        String[] code = expected.split(":");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(Integer.parseInt(code[0]));
        if (code[0].equals("401")) {
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(r.jsonPath().getInt("status")).isEqualTo(401);
            assertThat(r.jsonPath().getString("reason")).isNotBlank();
        }
        if (code.length > 1) {
            assertThat(r.jsonPath().getString("reason")).contains(REASONS.get(code[1]));
            assertThat(r.asString()).doesNotContain(STUDY);
        }
    }

    private static byte[] instance(String sopInstanceUid) throws Exception {
        return Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm"))
                .set(Tag.StudyInstanceUID, STUDY).set(Tag.SeriesInstanceUID, SERIES)
                .set(Tag.SOPInstanceUID, sopInstanceUid).toBytes();
    }

    /** One token from a client whose tokens live two seconds, fetched once and waited out. */
    private static final class ExpiredToken {
        private static String token;

        static synchronized String get() throws Exception {
            if (token == null) {
                KeycloakServer keycloak = KeycloakServer.get();
                keycloak.ensureTestClient("veil-test-short-lived", true, 2);
                String t = keycloak.accessToken("veil-test-short-lived", "clinician", "openid purpose:treatment");
                long exp = KeycloakServer.claims(t).get("exp").asLong();
                while (System.currentTimeMillis() / 1000 <= exp + 1) {
                    Thread.sleep(250);
                }
                token = t;
            }
            return token;
        }
    }
}
