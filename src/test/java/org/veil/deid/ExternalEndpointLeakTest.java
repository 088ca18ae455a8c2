package org.veil.deid;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.security.TestTokens;

/**
 * The planted-marker corpus (LeakCorpus: a marker in every attribute of Table E.1-1, in nested
 * sequences, private blocks, an overlay and a curve) stored through STOW, consented for every
 * purpose and shared with the consultant, then read back by each external caller through every
 * endpoint it can reach: QIDO at all levels with every field, metadata, the instances, each frame
 * and every bulk data URI. No response body may hold a marker, except those of attributes the
 * caller's profile keeps on purpose (Table E.1-1 K under its options), which must then be the only ones.
 */
@QuarkusTest
class ExternalEndpointLeakTest {
    private static final Map<String, String> CALLERS = Map.of("consultation", "consultant", "teaching", "educator",
            "research", "researcher", "publication", "clinician");
    private static LeakCorpus corpus;
    private static String study;

    @BeforeAll
    static void storeTheCorpus() throws Exception {
        corpus = new LeakCorpus();
        study = Part10Editor.read(corpus.part10()).root().string(Tag.StudyInstanceUID).orElseThrow();
    }

    private static void storeAndConsent() {
        assertThat(DicomWebClient.stow(corpus.part10()).statusCode()).isEqualTo(200);
        Response consent = clinician().body("{\"scopes\":[\"consultation\",\"teaching\",\"research\",\"publication\"],"
                + "\"method\":\"written\",\"evidence\":{\"reference\":\"urn:ehr:document:1\"}}").post("/api/v1/studies/" + study + "/consents");
        assertThat(consent.statusCode()).as(consent.asString()).isIn(201, 409);
        Response share = clinician().body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"consultant\"},"
                + "\"expiresAt\":\"" + Instant.now().plus(1, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + study + "/shares");
        assertThat(share.statusCode()).as(share.asString()).isEqualTo(201);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"consultation", "teaching", "research", "publication"})
    void noMarkerReachesAnExternalCaller(String purpose) throws Exception {
        storeAndConsent();
        String token = TestTokens.of(CALLERS.get(purpose), "openid purpose:" + purpose);
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        Response studies = get(token, "/dicomweb/studies?includefield=all&limit=1000", "application/dicom+json", bodies);
        String derivedStudy = null;
        for (Object o : studies.jsonPath().getList("'00081190'.Value")) {
            String url = String.valueOf(((List<?>) o).get(0));
            Response instances = get(token, url.substring(url.indexOf("/dicomweb/")) + "/instances?includefield=all",
                    "application/dicom+json", new LinkedHashMap<>());
            if (instances.asString().contains(Part10Editor.read(corpus.part10()).root().string(Tag.SOPClassUID).orElseThrow())) {
                derivedStudy = url.substring(url.lastIndexOf('/') + 1);
            }
        }
        assertThat(derivedStudy).as("the corpus study is visible to " + purpose).isNotNull();
        String base = "/dicomweb/studies/" + derivedStudy;
        get(token, base + "/series?includefield=all", "application/dicom+json", bodies);
        Response instances = get(token, base + "/instances?includefield=all", "application/dicom+json", bodies);
        assertThat(instances.jsonPath().getList("$")).hasSize(1);
        Response metadata = get(token, base + "/metadata", "application/dicom+json", bodies);
        get(token, base, "multipart/related; type=\"application/dicom\"", bodies);
        String instance = base + "/series/" + metadata.jsonPath().getString("[0].'0020000E'.Value[0]")
                + "/instances/" + metadata.jsonPath().getString("[0].'00080018'.Value[0]");
        get(token, instance + "/frames/1", "multipart/related; type=\"application/octet-stream\"", bodies);
        List<String> bulk = new ArrayList<>();
        collectBulkDataUris(metadata.jsonPath().getMap("[0]"), bulk);
        assertThat(bulk).as("the corpus has bulk data (pixel data at least)").isNotEmpty();
        for (String uri : bulk) {
            get(token, uri.substring(uri.indexOf("/dicomweb/")), "multipart/related; type=\"application/octet-stream\"", bodies);
        }

        Profile profile = Profiles.defaults().get(purpose).orElseThrow();
        LeakCorpusTest rules = new LeakCorpusTest();
        List<String> leaked = new ArrayList<>();
        for (LeakCorpus.Marker m : corpus.markers()) {
            if (m.topLevel() && rules.retainedOnPurpose(m, profile)) {
                continue;
            }
            bodies.forEach((path, body) -> {
                if (LeakCorpusTest.indexOf(body, m.needle()) >= 0) {
                    leaked.add(m.where() + " " + m.text() + " in " + path);
                }
            });
        }
        assertThat(bodies).as("studies, series, instances, metadata, instances, frames, bulk data").hasSizeGreaterThanOrEqualTo(7);
        assertThat(leaked).as("markers in responses to the " + purpose + " caller").isEmpty();
        System.out.printf("%s: %d responses, %d markers checked, none leaked%n", purpose, bodies.size(), corpus.markers().size());
    }

    /** The control: the same scan over the treating clinician's identified answers finds the markers. */
    @org.junit.jupiter.api.Test
    void theScanSeesMarkersInIdentifiedAnswers() {
        storeAndConsent();
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        get(TestTokens.treatingClinician(), "/dicomweb/studies/" + study, "multipart/related; type=\"application/dicom\"", bodies);
        long found = corpus.markers().stream()
                .filter(m -> LeakCorpusTest.indexOf(bodies.values().iterator().next(), m.needle()) >= 0).count();
        assertThat(found).isEqualTo(corpus.markers().size());
    }

    @SuppressWarnings("unchecked")
    private static void collectBulkDataUris(Map<String, Object> dataset, List<String> into) {
        for (Object attribute : dataset.values()) {
            Map<String, Object> a = (Map<String, Object>) attribute;
            if (a.get("BulkDataURI") instanceof String uri) {
                into.add(uri);
            }
            if ("SQ".equals(a.get("vr")) && a.get("Value") instanceof List<?> items) {
                items.forEach(item -> collectBulkDataUris((Map<String, Object>) item, into));
            }
        }
    }

    private static Response get(String token, String path, String accept, Map<String, byte[]> bodies) {
        Response r = RestAssured.given().header("Authorization", "Bearer " + token).accept(accept).get(path);
        assertThat(r.statusCode()).as(path + " " + r.asString()).isIn(Set.of(200));
        bodies.put(path, r.asByteArray());
        return r;
    }

    private static io.restassured.specification.RequestSpecification clinician() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid"))
                .contentType("application/json");
    }
}
