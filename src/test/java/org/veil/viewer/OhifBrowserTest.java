package org.veil.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.awt.Rectangle;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.deid.BurnedInRules;
import org.veil.deid.PixelCleaner;
import org.veil.dicomweb.IndexReset;
import org.veil.security.KeycloakServer;

/**
 * The OHIF viewer end to end, in Debian's chromium with swiftshader: each demo user logs in
 * through Keycloak's own page, with the purpose their viewer route asks for, and sees what
 * `make run` shows them. The data is `make run`'s own, loaded by its script.
 *
 * <p>What the list should hold comes from Veil's QIDO answer to the same user and purpose
 * through the API; what the image should be comes from the index and from the burned-in rules
 * Veil applies. Every DICOMweb request the browser makes is checked for the user's bearer token.
 */
@QuarkusTest
class OhifBrowserTest {
    private static final String US_RULE = "ACME Products echo";

    @TestHTTPResource("/")
    URL root;
    private final IndexReset index = new IndexReset();

    private String origin;
    private long auditBefore;

    @BeforeEach
    void demo() throws Exception {
        origin = "http://127.0.0.1:" + root.getPort();
        index.reset();
        index.forgetConsents();
        KeycloakServer.get().allowViewerAt(origin);
        Process load = startDemoLoad();
        assertThat(load.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(load.exitValue()).as("demo-data.sh; see target/browser/demo-data.log").isZero();
        auditBefore = index.sum("SELECT coalesce(max(id), 0) FROM audit_event");
    }

    private Process startDemoLoad() throws Exception {
        java.nio.file.Files.createDirectories(BrowserSession.SCREENSHOTS);
        ProcessBuilder pb = new ProcessBuilder("src/main/scripts/demo-data.sh").redirectErrorStream(true)
                .redirectOutput(BrowserSession.SCREENSHOTS.resolve("demo-data.log").toFile());
        pb.environment().put("VEIL", origin);
        pb.environment().put("TOKENS", KeycloakServer.get().issuer() + "/protocol/openid-connect/token");
        return pb.start();
    }

    @Test
    void theClinicianSeesEveryStudyIdentifiedAndTheUltrasoundWithItsText() throws Exception {
        List<Study> expected = studies("clinician", "treatment");
        assertThat(expected).hasSize(4);
        Study us = only(expected, "US");
        try (BrowserSession browser = BrowserSession.start(origin, "treatment", "clinician", "clinician", open("US", usRegions()))) {
            assertThat(rows(browser.await("list"))).containsExactlyInAnyOrderElementsOf(rowsOf(expected));
            // Signed in and searching, yet no token in the page's web storage, where any script of
            // the origin could read it: the user is kept in the page's memory (AppConfig).
            JsonNode storage = browser.await("storage");
            assertThat(storage.path("entries").isArray()).isTrue();
            storage.path("entries").forEach(entry -> assertThat(entry.path("key").asText() + "=" + entry.path("value").asText())
                    .doesNotContain("oidc.user").doesNotContain("access_token").doesNotContain("refresh_token"));

            JsonNode image = browser.await("image");
            assertThat(image.path("imageId").asText()).contains("/studies/" + us.uid() + "/");
            assertRendered(image, us);
            // The text down the left is there in the original: the measurement sees it when it is there.
            assertThat(image.path("regions").get(0).path("imageMax").asInt()).isGreaterThan(100);
            assertThat(image.path("regions").get(0).path("canvas").path("lit").asInt()).isGreaterThan(1000);
            assertTheViewersPolicyHeld(browser.await("csp"));
            assertEveryRequestCarriesTheToken(browser.await("requests"), "clinician", "treatment");
        }
    }

    @Test
    void theConsultantSeesOnlyTheSharedStudiesUnderPseudonymsWithTheBurnedInTextBlack() throws Exception {
        Set<String> identifying = identifyingValues();
        List<Study> expected = studies("consultant", "consultation");
        assertThat(expected).extracting(Study::modality).containsExactlyInAnyOrder("CT", "US");
        Study us = only(expected, "US");
        try (BrowserSession browser = BrowserSession.start(origin, "consultation", "consultant", "consultant", open("US", usRegions()))) {
            List<Map<String, String>> rows = rows(browser.await("list"));
            assertThat(rows).containsExactlyInAnyOrderElementsOf(rowsOf(expected));
            assertPseudonymous(rows, identifying);

            JsonNode image = browser.await("image");
            // Rendered from the de-identified copy: its study UID is the consultant's, not the original.
            assertThat(image.path("imageId").asText()).contains("/studies/" + us.uid() + "/");
            assertRendered(image, us);
            assertThat(image.path("regions")).as("every burned-in region measured").hasSize(usRegions().size());
            for (JsonNode region : image.path("regions")) {
                assertThat(region.path("imageMax").asInt()).as("decoded values in %s", region.path("rect")).isZero();
                assertThat(region.path("canvas").path("pixels").asInt()).as("canvas pixels measured in %s", region.path("rect"))
                        .isGreaterThan(200);
                assertThat(region.path("canvas").path("max").asInt()).as("canvas in %s", region.path("rect")).isZero();
            }
            assertThat(image.path("restOfImage").path("canvas").path("lit").asInt()).isGreaterThan(10_000);
            assertTheViewersPolicyHeld(browser.await("csp"));
            assertEveryRequestCarriesTheToken(browser.await("requests"), "consultant", "consultation");
        }
    }

    @Test
    void theEducatorSeesTheTeachingStudiesDeidentified() throws Exception {
        Set<String> identifying = identifyingValues();
        List<Study> expected = studies("educator", "teaching");
        assertThat(expected).extracting(Study::modality).containsExactlyInAnyOrder("CT", "US", "MR");
        Study ct = expected.stream().filter(s -> s.description().equals("RT ANKLE")).findFirst().orElseThrow();
        ObjectNode spec = BrowserSession.spec();
        spec.putObject("open").put("modality", "CT").put("description", "RT ANKLE");
        try (BrowserSession browser = BrowserSession.start(origin, "teaching", "educator", "educator", spec)) {
            List<Map<String, String>> rows = rows(browser.await("list"));
            assertThat(rows).containsExactlyInAnyOrderElementsOf(rowsOf(expected));
            assertPseudonymous(rows, identifying);
            JsonNode image = browser.await("image");
            assertThat(image.path("imageId").asText()).contains("/studies/" + ct.uid() + "/");
            assertRendered(image, ct);
            assertTheViewersPolicyHeld(browser.await("csp"));
            assertEveryRequestCarriesTheToken(browser.await("requests"), "educator", "teaching");
        }
    }

    @Test
    void aWithdrawnConsentTakesTheStudyOffTheConsultantsListOnReload() throws Exception {
        List<Study> before = studies("consultant", "consultation");
        String ankle = index.strings("SELECT study_instance_uid FROM study WHERE study_description = 'RT ANKLE'").get(0);
        ObjectNode spec = BrowserSession.spec().put("pause", true);
        try (BrowserSession browser = BrowserSession.start(origin, "consultation", "consultant", "consultant-withdrawal", spec)) {
            assertThat(rows(browser.await("list"))).containsExactlyInAnyOrderElementsOf(rowsOf(before));
            browser.await("paused");

            String clinician = "Bearer " + KeycloakServer.get().accessToken("clinician", "openid");
            String consent = RestAssured.given().header("Authorization", clinician)
                    .get("/api/v1/studies/" + ankle + "/consents").jsonPath().getString("find { it.active }.id");
            assertThat(RestAssured.given().header("Authorization", clinician)
                    .contentType("application/json").body("{\"reason\":\"patient withdrew by phone\"}")
                    .post("/api/v1/consents/" + consent + "/withdraw").statusCode()).isEqualTo(200);
            browser.resume();

            List<Map<String, String>> after = rows(browser.await("list"));
            List<Study> expected = studies("consultant", "consultation");
            assertThat(expected).extracting(Study::modality).containsExactly("US");
            assertThat(after).containsExactlyInAnyOrderElementsOf(rowsOf(expected));
            assertTheViewersPolicyHeld(browser.await("csp"));
            assertEveryRequestCarriesTheToken(browser.await("requests"), "consultant", "consultation");
        }
    }

    /** A study as QIDO gives it to a user with a purpose, in the terms OHIF's list shows. */
    record Study(String uid, String patient, String mrn, String description, String modality) {
    }

    private List<Study> studies(String user, String purpose) throws Exception {
        JsonPath json = RestAssured.given().header("Authorization", "Bearer " + KeycloakServer.get().accessToken(user, "openid purpose:" + purpose))
                .get("/dicomweb/studies?includefield=00081030,00080061").then().statusCode(200).extract().jsonPath();
        List<Study> out = new ArrayList<>();
        for (Map<String, Object> s : json.<Map<String, Object>>getList("$")) {
            out.add(new Study(value(s, "0020000D"), displayedName(value(s, "00100010")), value(s, "00100020"),
                    value(s, "00081030"), value(s, "00080061")));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String value(Map<String, Object> study, String tag) {
        Map<String, Object> element = (Map<String, Object>) study.get(tag);
        if (element == null || element.get("Value") == null) {
            return "";
        }
        Object first = ((List<Object>) element.get("Value")).get(0);
        return first instanceof Map<?, ?> pn ? String.valueOf(pn.get("Alphabetic")) : String.valueOf(first);
    }

    /** OHIF shows "Family^Given" as "Family, Given". */
    private static String displayedName(String pn) {
        return List.of(pn.split("\\^")).stream().filter(p -> !p.isBlank()).collect(Collectors.joining(", "));
    }

    private static List<Map<String, String>> rowsOf(List<Study> studies) {
        return studies.stream().map(s -> Map.of("patient", s.patient(), "mrn", s.mrn(), "description", s.description(),
                "modality", s.modality())).toList();
    }

    private static List<Map<String, String>> rows(JsonNode list) {
        List<Map<String, String>> out = new ArrayList<>();
        for (JsonNode row : list.path("rows")) {
            out.add(Map.of("patient", row.path("patient").asText(), "mrn", row.path("mrn").asText(),
                    "description", row.path("description").asText(), "modality", row.path("modality").asText()));
        }
        return out;
    }

    private static Study only(List<Study> studies, String modality) {
        List<Study> found = studies.stream().filter(s -> s.modality().equals(modality)).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /** Every patient name and ID the clinician sees: none may appear in an outside caller's list. */
    private Set<String> identifyingValues() throws Exception {
        Set<String> values = new HashSet<>();
        for (Study s : studies("clinician", "treatment")) {
            values.add(s.patient());
            values.add(s.mrn());
        }
        values.remove("");
        return values;
    }

    private static void assertPseudonymous(List<Map<String, String>> rows, Set<String> identifying) {
        for (Map<String, String> row : rows) {
            assertThat(identifying).doesNotContain(row.get("patient"), row.get("mrn"));
            assertThat(row.get("patient")).isNotBlank().isEqualTo(row.get("mrn"));
        }
    }

    /** Opens the only study of a modality and measures these image rectangles in it. */
    private static ObjectNode open(String modality, List<Rectangle> regions) {
        ObjectNode spec = BrowserSession.spec();
        spec.putObject("open").put("modality", modality);
        var list = spec.putArray("regions");
        for (Rectangle r : regions) {
            list.addArray().add(r.x).add(r.y).add(r.width).add(r.height);
        }
        return spec;
    }

    /** The rectangles Veil's own device rule blacks out in the demo ultrasound. */
    private static List<Rectangle> usRegions() {
        List<BurnedInRules.Rule> rules = PixelCleaner.standardRules().rules().stream().filter(r -> r.name().equals(US_RULE)).toList();
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).black()).isNotEmpty();
        return rules.get(0).black();
    }

    /** The viewer drew the study's image: its size, and a lit canvas (swiftshader renders; black is a failure). */
    private void assertRendered(JsonNode image, Study study) throws Exception {
        JsonPath metadata = RestAssured.given().header("Authorization", "Bearer " + org.veil.security.TestTokens.treatingClinician())
                .get("/dicomweb/studies/" + originalOf(study) + "/metadata").then().statusCode(200).extract().jsonPath();
        assertThat(image.path("rows").asInt()).isEqualTo(metadata.getInt("[0].'00280010'.Value[0]"));
        assertThat(image.path("columns").asInt()).isEqualTo(metadata.getInt("[0].'00280011'.Value[0]"));
        JsonNode canvas = image.path("canvas");
        assertThat(canvas.path("pixels").asInt()).isGreaterThan(100_000);
        assertThat(canvas.path("lit").asDouble() / canvas.path("pixels").asDouble()).as("lit share of the canvas").isGreaterThan(0.05);
    }

    private String originalOf(Study study) throws Exception {
        List<String> original = index.strings("SELECT original_uid FROM derived_uid WHERE derived_uid = '" + study.uid() + "'");
        return original.isEmpty() ? study.uid() : original.get(0);
    }

    /**
     * Every DICOMweb request the page made carried the user's own token from the viewer client,
     * with the purpose of the route; none was refused or failed; and Veil recorded them.
     */
    /**
     * Nothing the viewer needs was refused under its Content-Security-Policy, and a request from
     * the page to another origin (what an injected script would send the token with) was.
     */
    private static void assertTheViewersPolicyHeld(JsonNode event) {
        assertThat(event.path("violations")).as("what the policy refused the viewer").isEmpty();
        assertThat(event.path("probe").asText()).as("a request to another origin").isEqualTo("connect-src");
    }

    private void assertEveryRequestCarriesTheToken(JsonNode event, String user, String purpose) throws Exception {
        JsonNode requests = event.path("requests");
        assertThat(requests.size()).isGreaterThan(1);
        for (JsonNode request : requests) {
            String url = request.path("url").asText();
            String authorization = request.path("authorization").asText("");
            assertThat(authorization).as("Authorization of %s", url).startsWith("Bearer ");
            JsonNode claims = KeycloakServer.claims(authorization.substring("Bearer ".length()));
            assertThat(claims.path("preferred_username").asText()).isEqualTo(user);
            assertThat(claims.path("azp").asText()).isEqualTo("veil-viewer");
            assertThat(List.of(claims.path("scope").asText().split(" "))).contains("purpose:" + purpose);
            // Chromium reports a no-store answer whose body came in several reads as failed
            // (net::ERR_ABORTED) once the page has read it all (microsoft/playwright#42742): the
            // server's status is what counts, and it must be a success.
            int status = request.path("status").asInt() == 0 && request.path("failure").asText("").equals("net::ERR_ABORTED")
                    ? request.path("responseStatus").asInt(0) : request.path("status").asInt();
            assertThat(status).as("status of %s (%s)", url, request.path("failure").asText("")).isBetween(200, 299);
        }
        long audited = index.sum("SELECT count(*) FROM audit_event WHERE id > " + auditBefore + " AND username = '" + user
                + "' AND purpose = '" + purpose + "' AND client_id = 'veil-viewer'");
        assertThat(audited).as("audit rows of the browser's requests").isEqualTo(requests.size());
    }
}
