package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.veil.dicomweb.DicomWebClient;
import org.veil.dicomweb.IndexReset;
import org.veil.security.TestTokens;

/**
 * The hostile instances of {@link AdversarialCorpus} stored through STOW as one study of one
 * patient, consented for every purpose and shared with the consultant, then read by each external
 * caller through every endpoint ({@link EndpointScan}): no marker in any body, header or inline
 * binary. The same scan over the treating clinician's answers finds every marker, so the scan can
 * see them.
 */
@QuarkusTest
class AdversarialEndpointTest {
    private static final Map<String, String> CALLERS = Map.of("consultation", "consultant", "teaching", "educator",
            "research", "researcher", "publication", "clinician");
    private final IndexReset index = new IndexReset();

    @BeforeEach
    void storeAndConsent() throws Exception {
        index.reset();
        index.forgetConsents();
        List<byte[]> files = new ArrayList<>();
        for (AdversarialCorpus.Case c : AdversarialCorpus.attributes()) {
            files.add(c.part10());
        }
        Response stow = DicomWebClient.stow(files.toArray(byte[][]::new));
        assertThat(stow.statusCode()).as(stow.asString()).isEqualTo(200);
        String study = AdversarialCorpus.STUDY;
        Response consent = clinician().body("{\"scopes\":[\"consultation\",\"teaching\",\"research\",\"publication\"],"
                + "\"method\":\"written\",\"evidence\":{\"reference\":\"urn:ehr:document:1\"}}").post("/api/v1/studies/" + study + "/consents");
        assertThat(consent.statusCode()).as(consent.asString()).isEqualTo(201);
        Response share = clinician().body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"consultant\"},"
                + "\"expiresAt\":\"" + Instant.now().plus(1, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + study + "/shares");
        assertThat(share.statusCode()).as(share.asString()).isEqualTo(201);
    }

    private static Set<String> markers() {
        Set<String> all = new LinkedHashSet<>();
        AdversarialCorpus.attributes().forEach(c -> all.addAll(c.markers()));
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"consultation", "teaching", "research", "publication"})
    void noMarkerReachesAnExternalCaller(String purpose) {
        Map<String, byte[]> bodies = new EndpointScan(TestTokens.of(CALLERS.get(purpose), "openid purpose:" + purpose)).everything();
        assertThat(bodies.keySet()).as("the corpus study is visible").anyMatch(p -> p.contains("/frames/1/rendered"));
        List<String> leaked = new ArrayList<>();
        for (String marker : markers()) {
            EndpointScan.find(bodies, marker).forEach(where -> leaked.add(marker + " in " + where));
        }
        assertThat(leaked).as("markers in answers to the " + purpose + " caller").isEmpty();
    }

    /** The control: the treating clinician reads the originals, and the scan finds every marker in them. */
    @Test
    void theScanFindsEveryMarkerInTheOriginals() {
        Map<String, byte[]> bodies = new EndpointScan(TestTokens.treatingClinician()).everything();
        List<String> unseen = markers().stream().filter(m -> EndpointScan.find(bodies, m).isEmpty()).toList();
        assertThat(unseen).as("markers the scan does not find in the identified answers").isEmpty();
    }

    private static io.restassured.specification.RequestSpecification clinician() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid"))
                .contentType("application/json");
    }
}
