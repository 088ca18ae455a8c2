package org.veil.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code veil.security.allowed-clients} set, a valid token from a client not listed makes no
 * caller (401), whoever the user: a researcher's password grant through the command-line client
 * is no way around the viewer. The same user through a listed client is taken.
 */
@QuarkusTest
@TestProfile(AllowedClientsTest.OnlyTheListedClient.class)
class AllowedClientsTest {
    static final String LISTED = "veil-test-listed";

    public static class OnlyTheListedClient implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("veil.security.allowed-clients", LISTED);
        }
    }

    @Test
    void aTokenFromAClientNotListedIsRefusedAndOneFromAListedClientIsTaken() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        keycloak.ensureTestClient(LISTED, true, 0);
        String unlisted = TestTokens.of("researcher", "openid purpose:research");
        assertThat(KeycloakServer.claims(unlisted).path("azp").asText()).isEqualTo("veil-cli");
        var refused = RestAssured.given().header("Authorization", "Bearer " + unlisted).get("/dicomweb/studies");
        assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(401);
        assertThat(refused.jsonPath().getString("reason")).contains("client");

        String listed = keycloak.accessToken(LISTED, "researcher", "openid purpose:research");
        var me = RestAssured.given().header("Authorization", "Bearer " + listed).get("/api/v1/me");
        assertThat(me.statusCode()).as(me.asString()).isEqualTo(200);
        assertThat(me.jsonPath().getString("client")).isEqualTo(LISTED);
        assertThat(me.jsonPath().getString("purpose.name")).isEqualTo("research");
    }
}
