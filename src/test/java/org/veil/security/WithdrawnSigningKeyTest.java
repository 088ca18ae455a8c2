package org.veil.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A signing key the realm withdraws (because it leaked) stops making callers within the key set's
 * refresh, even for a token Veil has already verified and keeps; the realm's own key goes on
 * making them. Before {@link SigningKeys}, quarkus-oidc kept the withdrawn key until restart.
 */
@QuarkusTest
@TestProfile(WithdrawnSigningKeyTest.QuickRefresh.class)
class WithdrawnSigningKeyTest {

    public static class QuickRefresh implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("veil.security.signing-keys.refresh", "2s");
        }
    }

    @Test
    void aTokenSignedWithAWithdrawnKeyIsRefusedWithinTheRefreshAndTheRealmsOwnKeyStillCounts() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        String ownKeyToken = keycloak.accessToken("researcher", "openid purpose:research");
        String component = keycloak.addSigningKey("veil-test-withdrawn");
        try {
            String token = keycloak.accessToken("researcher", "openid purpose:research");
            String kid = KeycloakServer.keyId(token);
            assertThat(kid).isNotEqualTo(KeycloakServer.keyId(ownKeyToken));
            assertThat(keycloak.publishedKeyIds()).contains(kid);
            for (int i = 0; i < 3; i++) {
                // Taken at once, and kept (the second and third from memory).
                Response me = me(token);
                assertThat(me.statusCode()).as(me.asString()).isEqualTo(200);
            }

            keycloak.withdrawSigningKey(component);
            assertThat(keycloak.publishedKeyIds()).doesNotContain(kid);
            Response refused = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (refused == null && System.nanoTime() < deadline) {
                Response me = me(token);
                if (me.statusCode() == 401) {
                    refused = me;
                } else {
                    assertThat(me.statusCode()).as(me.asString()).isEqualTo(200);
                    Thread.sleep(250);
                }
            }
            assertThat(refused).as("a token of the withdrawn key was still taken 30 s after its withdrawal").isNotNull();
            assertThat(refused.jsonPath().getString("reason")).isEqualTo(AuthenticationFailureResponses.INVALID);
            assertThat(refused.header("WWW-Authenticate")).contains("invalid_token");
            assertThat(me(token).statusCode()).as("refused again").isEqualTo(401);
            // quarkus-oidc verifies the first of two Authorization headers; the check holds that one.
            Response twoHeaders = RestAssured.given().headers(new io.restassured.http.Headers(
                    new io.restassured.http.Header("Authorization", "Bearer " + token),
                    new io.restassured.http.Header("Authorization", "Bearer " + ownKeyToken))).get("/api/v1/me");
            assertThat(twoHeaders.statusCode()).as(twoHeaders.asString()).isEqualTo(401);

            assertThat(me(ownKeyToken).statusCode()).isEqualTo(200);
            String fresh = keycloak.accessToken("researcher", "openid purpose:research");
            assertThat(KeycloakServer.keyId(fresh)).isEqualTo(KeycloakServer.keyId(ownKeyToken));
            assertThat(me(fresh).statusCode()).isEqualTo(200);
        } finally {
            keycloak.withdrawSigningKey(component);
        }
    }

    private static Response me(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token).get("/api/v1/me");
    }
}
