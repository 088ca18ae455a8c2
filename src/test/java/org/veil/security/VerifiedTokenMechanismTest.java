package org.veil.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Verified tokens answered from memory, through the HTTP layer with real Keycloak tokens: the
 * same token finds its identity again, any other bytes are checked in full and refused when they
 * do not verify, and a kept token stops working when it expires.
 */
@QuarkusTest
class VerifiedTokenMechanismTest {
    @Inject
    VerifiedTokens verified;

    @Test
    void theSameTokenIsVerifiedOnceAndAnswersTheSameCaller() throws Exception {
        String token = KeycloakServer.get().accessToken("consultant", "openid purpose:consultation");
        long hits = verified.hits();

        Response first = me("Bearer " + token);
        Response second = me("Bearer " + token);
        Response third = me("bearer " + token);

        for (Response r : new Response[] {first, second, third}) {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
            assertThat(r.jsonPath().getString("username")).isEqualTo("consultant");
            assertThat(r.jsonPath().getString("purpose.name")).isEqualTo("consultation");
        }
        assertThat(verified.hits() - hits).as("the second and third request found the first one's identity").isGreaterThanOrEqualTo(2);
    }

    @Test
    void otherBytesThanTheVerifiedTokenAreCheckedInFull() throws Exception {
        String token = KeycloakServer.get().accessToken("educator", "openid purpose:teaching");
        assertThat(me("Bearer " + token).statusCode()).isEqualTo(200);
        String[] parts = token.split("\\.");

        // The signature changed in its last character, and the payload changed to claim another purpose.
        String signature = parts[2].substring(0, parts[2].length() - 1) + (parts[2].endsWith("A") ? "B" : "A");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("purpose:teaching", "purpose:research");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));

        for (String forged : new String[] {parts[0] + "." + parts[1] + "." + signature, parts[0] + "." + forgedPayload + "." + parts[2],
                token + "x"}) {
            Response r = me("Bearer " + forged);
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).contains("invalid_token");
            assertThat(r.jsonPath().getString("reason")).isEqualTo(AuthenticationFailureResponses.INVALID);
        }
        assertThat(me("Bearer " + token).statusCode()).as("the real token still works").isEqualTo(200);
    }

    @Test
    void aKeptTokenIsRefusedOnceItExpires() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        keycloak.ensureTestClient("veil-test-short-lived", true, 2);
        String token = keycloak.accessToken("veil-test-short-lived", "clinician", "openid purpose:treatment");
        long exp = KeycloakServer.claims(token).get("exp").asLong();
        Response fresh = me("Bearer " + token);
        if (System.currentTimeMillis() / 1000 < exp) {
            // Fetched and used within its two seconds: it is now kept.
            assertThat(fresh.statusCode()).as(fresh.asString()).isEqualTo(200);
        }
        while (System.currentTimeMillis() / 1000 <= exp) {
            Thread.sleep(100);
        }

        Response expired = me("Bearer " + token);

        assertThat(expired.statusCode()).as(expired.asString()).isEqualTo(401);
        assertThat(expired.jsonPath().getString("reason")).isEqualTo(AuthenticationFailureResponses.INVALID);
    }

    private static Response me(String authorization) {
        return RestAssured.given().header("Authorization", authorization).get("/api/v1/me");
    }
}
