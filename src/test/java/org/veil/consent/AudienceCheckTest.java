package org.veil.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.dicomweb.IndexReset;
import org.veil.security.KeycloakServer;
import org.veil.security.TestTokens;

/**
 * Share audiences checked against the real Keycloak through veil-server's service account: users
 * and groups must exist, users are kept by their stable id, and an account deleted and made again
 * under the same name does not inherit the share.
 */
@QuarkusTest
class AudienceCheckTest {
    private static int next = 1;
    private String study;

    private final IndexReset index = new IndexReset();

    @BeforeEach
    void storeAndConsent() {
        study = "2.25.5151" + System.nanoTime() % 1_000_000 + "." + next++;
        try {
            byte[] ct = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                    .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1").toBytes();
            assertThat(DicomWebClient.stow(ct).statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(clinician().body("{\"scopes\":[\"consultation\"],\"method\":\"written\"}")
                .post("/api/v1/studies/" + study + "/consents").statusCode()).isEqualTo(201);
    }

    @Test
    void aUserIsKeptByItsStableId() throws Exception {
        assertThat(share("user", "consultant").statusCode()).isEqualTo(201);
        String sub = KeycloakServer.claims(TestTokens.of("consultant", "openid")).get("sub").asText();
        Response history = clinician().get("/api/v1/studies/" + study + "/shares");
        assertThat(history.jsonPath().getString("[0].audience.id")).isEqualTo(sub);
        assertThat(index.strings("SELECT audience_id FROM study_share WHERE study_instance_uid = '" + study + "'")).containsExactly(sub);
    }

    @Test
    void unknownUsersAndGroupsAreRefused() {
        Response user = share("user", "nobody-" + next);
        assertThat(user.statusCode()).isEqualTo(400);
        assertThat(user.jsonPath().getString("reason")).isEqualTo("the audience names no user the identity provider knows");
        Response group = share("group", "/partners/nowhere");
        assertThat(group.statusCode()).isEqualTo(400);
        assertThat(group.jsonPath().getString("reason")).isEqualTo("the audience names no group the identity provider knows");
        assertThat(clinician().get("/api/v1/studies/" + study + "/shares").jsonPath().getList("$")).isEmpty();
    }

    @Test
    void aGroupIsMatchedByPathAndItsIdKept() throws Exception {
        assertThat(share("group", "/partners/st-elsewhere-radiology").statusCode()).isEqualTo(201);
        assertThat(index.strings("SELECT audience_id FROM study_share WHERE study_instance_uid = '" + study + "'"))
                .singleElement().asString().hasSize(36);
        // The demo consultant is in that group: it sees the study.
        assertThat(visibleTo(TestTokens.of("consultant", "openid purpose:consultation"))).isTrue();
    }

    @Test
    void anAccountMadeAgainUnderTheSameNameDoesNotInheritTheShare() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        String name = "locum-" + System.nanoTime() % 1_000_000;
        String first = keycloak.createUser(name, "consultant");
        assertThat(share("user", name).statusCode()).isEqualTo(201);
        assertThat(visibleTo(keycloak.accessToken(name, "openid purpose:consultation"))).isTrue();

        keycloak.deleteUser(first);
        String second = keycloak.createUser(name, "consultant");
        assertThat(second).isNotEqualTo(first);
        assertThat(visibleTo(keycloak.accessToken(name, "openid purpose:consultation"))).isFalse();
        keycloak.deleteUser(second);
    }

    /** Whether the caller's search lists this study (under whatever derived UID). */
    private boolean visibleTo(String token) throws Exception {
        Response r = RestAssured.given().header("Authorization", "Bearer " + token).accept("application/dicom+json")
                .get("/dicomweb/studies?limit=1000");
        assertThat(r.statusCode()).isIn(200, 204);
        return index.strings("SELECT d.derived_uid FROM derived_uid d JOIN derived_view v ON v.context = d.context"
                + " WHERE d.original_uid = '" + study + "' AND v.original_study_uid = '" + study + "'").stream()
                .anyMatch(r.asString()::contains);
    }

    private Response share(String type, String id) {
        return clinician().body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"" + type + "\",\"id\":\"" + id
                + "\"},\"expiresAt\":\"" + Instant.now().plus(1, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + study + "/shares");
    }

    private static RequestSpecification clinician() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid")).contentType("application/json");
    }
}
