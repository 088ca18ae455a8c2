package org.veil.security;

import org.veil.policy.Caller;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/**
 * The {@link Caller} Veil builds from real Keycloak tokens, seen through {@code /api/v1/me}: a
 * scope-style token from the demo client and an IHE IUA-style token whose purpose of use is a
 * Coding in {@code extensions.ihe_iua.purpose_of_use}, minted by a hardcoded-claim mapper.
 */
@QuarkusTest
class CallerResourceTest {
    private static final String IUA_MAPPER = KeycloakServer.iuaPurposeMapper("iua purpose of use",
            "http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT");

    @Test
    void scopeStyleTokenMakesTheCaller() throws Exception {
        String token = TestTokens.of("consultant", "openid purpose:consultation");
        JsonPath me = me(token);
        assertThat(me.getString("subject")).isEqualTo(KeycloakServer.claims(token).get("sub").asText()).isNotBlank();
        assertThat(me.getString("username")).isEqualTo("consultant");
        assertThat(me.getList("roles")).containsExactly("consultant");
        assertThat(me.getString("purpose.name")).isEqualTo("consultation");
        assertThat(me.getString("purpose.system")).isEqualTo("urn:veil:purpose-of-use");
        assertThat(me.getString("purpose.code")).isEqualTo("CONSULT");
        assertThat(me.getString("purpose.refusal")).isNull();
        assertThat(me.getString("client")).isEqualTo("veil-cli");
        assertThat(me.getString("organisation")).isEqualTo("St Elsewhere Radiology");
        assertThat(me.getList("groups")).containsExactly("/partners/st-elsewhere-radiology");
    }

    @Test
    void iuaStyleTokenMakesTheCaller() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        keycloak.ensureTestClient("veil-test-iua", true, 0, IUA_MAPPER);
        String token = keycloak.accessToken("veil-test-iua", "clinician", "openid");
        assertThat(KeycloakServer.claims(token).at("/extensions/ihe_iua/purpose_of_use/code").asText()).isEqualTo("TREAT");
        JsonPath me = me(token);
        assertThat(me.getString("username")).isEqualTo("clinician");
        assertThat(me.getList("roles")).containsExactly("clinician");
        assertThat(me.getString("purpose.name")).isEqualTo("treatment");
        assertThat(me.getString("purpose.system")).isEqualTo("http://terminology.hl7.org/CodeSystem/v3-ActReason");
        assertThat(me.getString("purpose.code")).isEqualTo("TREAT");
        assertThat(me.getString("client")).isEqualTo("veil-test-iua");
        assertThat(me.getString("organisation")).isEqualTo("Veil General Hospital");
        assertThat(me.getList("groups")).isEmpty();
    }

    @Test
    void iuaAndScopeNamingDifferentPurposesAreRefused() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        keycloak.ensureTestClient("veil-test-iua", true, 0, IUA_MAPPER);
        JsonPath me = me(keycloak.accessToken("veil-test-iua", "clinician", "openid purpose:research"));
        assertThat(me.getString("purpose.name")).isNull();
        assertThat(me.getString("purpose.refusal")).contains("exactly one purpose");
    }

    @Test
    void aTokenWithoutPurposeSaysWhy() {
        JsonPath me = me(TestTokens.of("uploader", "openid"));
        assertThat(me.getList("roles")).containsExactly("uploader");
        assertThat(me.getString("purpose.refusal")).contains("names no purpose");
    }

    @Test
    void withoutATokenThereIsNoCaller() {
        var r = RestAssured.given().get("/api/v1/me");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"veil\"");
        assertThat(r.jsonPath().getString("reason")).isEqualTo("a bearer token is required");
    }

    @Test
    void anotherSchemeOrAnEmptyBearerIsRefusedWithAReason() {
        for (String header : new String[] {"Basic dXNlcjpwdw==", "Bearer", "Bearer   ", "", "Negotiate abc"}) {
            var r = RestAssured.given().header("Authorization", header).get("/api/v1/me");
            assertThat(r.statusCode()).as(header).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).as(header).isEqualTo("Bearer realm=\"veil\", error=\"invalid_request\"");
            assertThat(r.jsonPath().getString("reason")).as(header).isEqualTo("a bearer token is required");
        }
        var dicomweb = RestAssured.given().header("Authorization", "Basic dXNlcjpwdw==").get("/dicomweb/studies");
        assertThat(dicomweb.statusCode()).isEqualTo(401);
        assertThat(dicomweb.jsonPath().getInt("status")).isEqualTo(401);
    }

    @Test
    void theSchemeIsCaseInsensitive() {
        assertThat(AuthenticationFailureResponses.hasBearerToken("bearer abc")).isTrue();
        assertThat(AuthenticationFailureResponses.hasBearerToken("BEARER abc")).isTrue();
        assertThat(AuthenticationFailureResponses.hasBearerToken("Bearerabc")).isFalse();
        assertThat(AuthenticationFailureResponses.hasBearerToken("Bearer ")).isFalse();
        var r = RestAssured.given().header("Authorization", "bearer " + TestTokens.of("uploader", "openid")).get("/api/v1/me");
        assertThat(r.statusCode()).as("the scheme in lower case, as quarkus-oidc reads it").isEqualTo(200);
    }

    /**
     * A client another team adds to the realm gets the realm's default scopes: not Veil's
     * audience, nor a purpose to ask for, so its users' tokens are not Veil's to accept (401).
     * The same user through Veil's own client is accepted.
     */
    @Test
    void aClientAddedToTheRealmLaterGetsNoTokenVeilAccepts() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        keycloak.ensureClientWithRealmDefaults("ward-portal");
        assertThat(keycloak.passwordGrant("ward-portal", "clinician", "clinician", "openid purpose:treatment").body())
                .as("Veil's purposes are not the portal's to ask for").contains("invalid_scope");
        String token = keycloak.accessToken("ward-portal", "clinician", "openid");
        assertThat(KeycloakServer.claims(token).path("aud").toString()).doesNotContain("veil-server");
        var r = RestAssured.given().header("Authorization", "Bearer " + token).get("/api/v1/me");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(401);
        assertThat(r.jsonPath().getString("reason")).isNotBlank();
        assertThat(me(TestTokens.of("clinician", "openid purpose:treatment")).getString("username")).isEqualTo("clinician");
    }

    /**
     * An ID token is about the user's sign-in, for the client that asked, not a key to an API:
     * even with Veil in its audience (a mapper writing ID tokens too) and a valid signature it
     * is refused (401), while the access token of the same grant is taken.
     */
    @Test
    void anIdTokenIsNotABearerToken() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        keycloak.ensureTestClient("veil-test-id-token", true, 0, """
                {"name":"veil audience in id tokens","protocol":"openid-connect","protocolMapper":"oidc-audience-mapper",
                 "config":{"included.client.audience":"veil-server","access.token.claim":"true","id.token.claim":"true"}}
                """);
        com.fasterxml.jackson.databind.JsonNode grant = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                keycloak.passwordGrant("veil-test-id-token", "clinician", "clinician", "openid purpose:treatment").body());
        String idToken = grant.path("id_token").asText();
        assertThat(KeycloakServer.claims(idToken).path("typ").asText()).isEqualTo("ID");
        assertThat(KeycloakServer.claims(idToken).path("aud").toString()).contains("veil-server");
        var r = RestAssured.given().header("Authorization", "Bearer " + idToken).get("/api/v1/me");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(401);
        assertThat(r.jsonPath().getString("reason")).isNotBlank();
        assertThat(me(grant.path("access_token").asText()).getString("username")).isEqualTo("clinician");
    }

    private static JsonPath me(String token) {
        var r = RestAssured.given().header("Authorization", "Bearer " + token).get("/api/v1/me");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return r.jsonPath();
    }
}
