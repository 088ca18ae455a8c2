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

        // The signature changed in its middle character (its last one also carries unused padding
        // bits, RFC 4648 section 3.5, so a change there may leave the signature as it was), and the
        // payload changed to claim another purpose.
        int middle = parts[2].length() / 2;
        String signature = parts[2].substring(0, middle) + (parts[2].charAt(middle) == 'A' ? 'B' : 'A') + parts[2].substring(middle + 1);
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
    void aKeptTokenIsOnlyFoundWhereQuarkusOidcReadsIt() throws Exception {
        String token = KeycloakServer.get().accessToken("educator", "openid purpose:teaching");
        assertThat(me("Bearer " + token).statusCode()).isEqualTo(200);

        // quarkus-oidc reads the first Authorization header, and everything after the first space.
        Response twoHeaders = RestAssured.given().headers(new io.restassured.http.Headers(
                new io.restassured.http.Header("Authorization", "Bearer not.a.token"),
                new io.restassured.http.Header("Authorization", "Bearer " + token))).get("/api/v1/me");
        Response twoSpaces = me("Bearer  " + token);

        for (Response r : new Response[] {twoHeaders, twoSpaces}) {
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(401);
            assertThat(r.jsonPath().getString("reason")).isEqualTo(AuthenticationFailureResponses.INVALID);
        }
    }

    @Test
    void aKeptTokenIsRefusedOnceItExpires() throws Exception {
        KeycloakServer keycloak = KeycloakServer.get();
        // Fifteen seconds: time enough for two requests on a busy machine, so that the token is
        // always seen kept and found again before it expires (with two seconds it was not always).
        keycloak.ensureTestClient("veil-test-fifteen-seconds", true, 15);
        String token = keycloak.accessToken("veil-test-fifteen-seconds", "clinician", "openid purpose:treatment");
        long exp = KeycloakServer.claims(token).get("exp").asLong();
        long hits = verified.hits();
        Response fresh = me("Bearer " + token);
        Response again = me("Bearer " + token);
        assertThat(System.currentTimeMillis() / 1000).as("both requests ran before the token expired").isLessThan(exp);
        assertThat(fresh.statusCode()).as(fresh.asString()).isEqualTo(200);
        assertThat(again.statusCode()).as(again.asString()).isEqualTo(200);
        assertThat(verified.hits()).as("the second request found the kept token").isGreaterThan(hits);
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
