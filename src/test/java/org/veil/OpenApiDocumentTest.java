package org.veil;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.veil.security.TestTokens;

/**
 * The OpenAPI document a client generates its code from: the OpenAPI Specification (3.0, 4.8.10)
 * requires every operationId to be unique, and generators name their methods by it, so two
 * resources' {@code history} methods made one client method shadow the other.
 */
@QuarkusTest
class OpenApiDocumentTest {
    @Test
    void everyOperationHasAnIdOfItsOwn() throws Exception {
        String body = RestAssured.given().auth().oauth2(TestTokens.treatingClinician()).accept("application/json")
                .get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        JsonNode paths = new ObjectMapper().readTree(body).path("paths");
        List<String> ids = new ArrayList<>();
        paths.forEach(path -> path.forEach(operation -> {
            if (operation.has("operationId")) {
                ids.add(operation.get("operationId").asText());
            }
        }));
        assertThat(ids).as("operationIds").hasSizeGreaterThan(20).doesNotHaveDuplicates();
        assertThat(paths.has("/fhir/r4/Consent/{id}/_history")).isTrue();
    }
}
