package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.security.TestTokens;

/** Without a de-identification secret, treatment still works and every other purpose is told why it gets nothing. */
@QuarkusTest
@TestProfile(NoDeidSecretTest.NoSecret.class)
class NoDeidSecretTest {

    public static class NoSecret implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("veil.deid.secret", "");
        }
    }

    @Test
    void callersOutsideTreatmentGet503AndTreatmentIsUnaffected() {
        for (String path : new String[] {"/dicomweb/studies", "/dicomweb/studies/2.25.1/metadata"}) {
            Response r = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research"))
                    .accept("application/dicom+json").get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(503);
            assertThat(r.jsonPath().getString("reason")).isEqualTo("de-identified access is not configured on this server");
        }
        assertThat(DicomWebClient.given().accept("application/dicom+json").get("/dicomweb/studies").statusCode()).isIn(200, 204);
    }
}
