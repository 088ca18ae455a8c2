package org.veil.security;

import org.veil.policy.Caller;
import org.veil.policy.Purpose;
import org.veil.policy.PurposeDecision;
import org.veil.policy.Role;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Veil's realm file, imported into a real Keycloak, issues the tokens Veil will rely on: the
 * audience, the roles, the purpose scopes only when asked for, and the client restrictions.
 */
class KeycloakRealmIT {
    private static KeycloakServer keycloak;

    @BeforeAll
    static void start() throws Exception {
        keycloak = KeycloakServer.get();
    }

    @Test
    void clinicianTokenCarriesAudienceRoleAndPurpose() throws Exception {
        JsonNode claims = KeycloakServer.claims(keycloak.accessToken("clinician", "openid purpose:treatment"));
        assertThat(claims.get("iss").asText()).isEqualTo(keycloak.issuer());
        assertThat(values(claims.get("aud"))).contains("veil-server");
        assertThat(claims.get("azp").asText()).isEqualTo("veil-cli");
        assertThat(claims.get("sub").asText()).isNotBlank();
        assertThat(claims.get("preferred_username").asText()).isEqualTo("clinician");
        assertThat(values(claims.path("realm_access").path("roles"))).contains("clinician");
        assertThat(claims.get("scope").asText().split(" ")).contains("purpose:treatment").doesNotContain("purpose:research");
    }

    @Test
    void realTokensReadAsCallers() throws Exception {
        CallerClaims.Result clinician = CallerClaims.read(KeycloakServer.claims(keycloak.accessToken("clinician",
                "openid purpose:treatment")), CallerClaims.Settings.KEYCLOAK, PurposeRules.defaults());
        Caller c = ((CallerClaims.Result.Identified) clinician).caller();
        assertThat(c.roles()).containsExactly(Role.CLINICIAN);
        assertThat(c.grantedPurpose()).contains(Purpose.TREATMENT);
        assertThat(c.clientId()).isEqualTo("veil-cli");
        assertThat(c.username()).isEqualTo("clinician");
        CallerClaims.Result consultant = CallerClaims.read(KeycloakServer.claims(keycloak.accessToken("consultant",
                "openid purpose:treatment")), CallerClaims.Settings.KEYCLOAK, PurposeRules.defaults());
        assertThat(((CallerClaims.Result.Identified) consultant).caller().purpose())
                .isInstanceOf(PurposeDecision.Refused.class);
    }

    @Test
    void purposeScopesAreOptional() throws Exception {
        JsonNode claims = KeycloakServer.claims(keycloak.accessToken("researcher", "openid"));
        assertThat(claims.get("scope").asText()).doesNotContain("purpose:");
        JsonNode two = KeycloakServer.claims(keycloak.accessToken("researcher", "openid purpose:research purpose:teaching"));
        assertThat(two.get("scope").asText().split(" ")).contains("purpose:research", "purpose:teaching");
    }

    /**
     * Each demo user has its role, and the same subject on every import of the realm: shares name
     * their audience by that id, so a demo restarted on the same data would otherwise show the
     * consultant nothing (Keycloak keeps users in memory in make run).
     */
    @ParameterizedTest
    @ValueSource(strings = {"clinician", "consultant", "educator", "researcher", "auditor", "admin", "uploader"})
    void eachDemoUserHasItsRoleAndAFixedId(String user) throws Exception {
        JsonNode claims = KeycloakServer.claims(keycloak.accessToken(user, "openid"));
        assertThat(values(claims.path("realm_access").path("roles"))).contains(user);
        assertThat(values(claims.get("aud"))).contains("veil-server");
        JsonNode realm = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                java.nio.file.Path.of(System.getProperty("veil.keycloak.realm")).toFile());
        String fixed = null;
        for (JsonNode u : realm.path("users")) {
            if (u.path("username").asText().equals(user)) {
                fixed = u.path("id").asText(null);
            }
        }
        assertThat(fixed).as("the realm file gives %s an id", user).isNotBlank();
        assertThat(claims.get("sub").asText()).isEqualTo(fixed);
    }

    @Test
    void wrongPasswordGetsNoToken() throws Exception {
        HttpResponse<String> r = keycloak.passwordGrant("clinician", "not-the-password", "openid purpose:treatment");
        assertThat(r.statusCode()).isEqualTo(400); // RFC 6749 5.2: invalid_grant
        assertThat(r.body()).contains("invalid_grant").doesNotContain("access_token");
    }

    @Test
    void viewerClientTakesNoPasswordsAndOnlyItsRedirects() throws Exception {
        HttpResponse<String> password = keycloak.post(keycloak.issuer() + "/protocol/openid-connect/token", java.util.Map.of(
                "grant_type", "password", "client_id", "veil-viewer", "username", "clinician", "password", "clinician"));
        assertThat(password.statusCode()).isIn(400, 401);
        assertThat(password.body()).doesNotContain("access_token");
        String auth = keycloak.issuer() + "/protocol/openid-connect/auth?client_id=veil-viewer&response_type=code&scope=openid"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&redirect_uri=";
        assertThat(keycloak.get(auth + enc("http://127.0.0.1:8080/viewer/callback")).statusCode()).isEqualTo(200);
        assertThat(keycloak.get(auth + enc("http://evil.example/callback")).statusCode()).isEqualTo(400);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static List<String> values(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode() && !node.isNull()) {
            out.add(node.asText());
        }
        return out;
    }

}
