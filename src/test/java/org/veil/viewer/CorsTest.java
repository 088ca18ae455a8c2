package org.veil.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.security.TestTokens;

/**
 * The other way to deploy the viewer (docs/ohif.md): served from its own origin, calling Veil
 * across origins with its bearer token. Only configured origins may; the token still decides.
 */
@QuarkusTest
@TestProfile(CorsTest.ViewerElsewhere.class)
class CorsTest {
    private static final String VIEWER = "https://viewer.hospital.example";

    public static class ViewerElsewhere implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.cors.enabled", "true", "quarkus.http.cors.origins", VIEWER);
        }
    }

    @Test
    void theConfiguredViewerMaySendItsToken() {
        Response preflight = RestAssured.given().header("Origin", VIEWER).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization,accept").options("/dicomweb/studies");
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(VIEWER);
        assertThat(preflight.header("Access-Control-Allow-Headers").toLowerCase()).contains("authorization");
        assertThat(preflight.header("Access-Control-Allow-Credentials")).isNotEqualTo("true");

        Response search = RestAssured.given().header("Origin", VIEWER).header("Authorization", "Bearer " + TestTokens.treatingClinician())
                .accept("application/dicom+json").get("/dicomweb/studies");
        assertThat(search.statusCode()).isIn(200, 204);
        assertThat(search.header("Access-Control-Allow-Origin")).isEqualTo(VIEWER);
        // Without a token the configured origin is still nobody.
        assertThat(RestAssured.given().header("Origin", VIEWER).get("/dicomweb/studies").statusCode()).isEqualTo(401);
    }

    @Test
    void anyOtherOriginIsRefused() {
        String other = "https://elsewhere.example";
        Response preflight = RestAssured.given().header("Origin", other).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").options("/dicomweb/studies");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        Response search = RestAssured.given().header("Origin", other).header("Authorization", "Bearer " + TestTokens.treatingClinician())
                .get("/dicomweb/studies");
        assertThat(search.statusCode()).isEqualTo(403);
        assertThat(search.header("Access-Control-Allow-Origin")).isNull();
    }
}
