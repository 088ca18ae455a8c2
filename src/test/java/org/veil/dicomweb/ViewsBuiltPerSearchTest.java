package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.security.TestTokens;

/**
 * A search builds at most {@code veil.dicomweb.max-views-built-per-search} de-identified views
 * before it answers: with teaching allowed without consent, every study of the archive is one to
 * build, and no single request may take on the whole archive. The rest is left out of the answer,
 * which says so, and the next search builds on.
 */
@QuarkusTest
@TestProfile(ViewsBuiltPerSearchTest.TwoViewsPerSearch.class)
class ViewsBuiltPerSearchTest {

    public static class TwoViewsPerSearch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("veil.policy.teaching-without-consent", "true", "veil.dicomweb.max-views-built-per-search", "2");
        }
    }

    private final IndexReset index = new IndexReset();

    @Test
    void aSearchBuildsABoundedNumberOfViewsAndSaysWhatItLeftOut() throws Exception {
        Response first = firstSearchAfterStoring(3, "2.25.5151510");
        assertThat(first.headers().getValues("Warning"))
                .anySatisfy(w -> assertThat(w).contains("1 studies this search may see are still being prepared"));
        String teacher = TestTokens.of("educator", "openid purpose:teaching");
        String built = first.jsonPath().getString("[0].'0020000D'.Value[0]");
        Response scoped = RestAssured.given().header("Authorization", "Bearer " + teacher).accept("application/dicom+json")
                .get("/dicomweb/studies/" + built + "/series");
        assertThat(scoped.statusCode()).as(scoped.asString()).isEqualTo(200);
        assertThat(scoped.headers().getValues("Warning")).as("a search about a built study leaves nothing out")
                .noneSatisfy(w -> assertThat(w).contains("still being prepared"));
        Response second = RestAssured.given().header("Authorization", "Bearer " + teacher).accept("application/dicom+json")
                .get("/dicomweb/studies");
        assertThat(second.statusCode()).as(second.asString()).isEqualTo(200);
        assertThat(second.jsonPath().getList("$")).hasSize(3);
        assertThat(second.headers().getValues("Warning")).noneSatisfy(w -> assertThat(w).contains("still being prepared"));
    }

    /**
     * What is left to build is listed up to ten searches' worth (20 here), not the whole archive
     * on every search: with 23 studies to build, the first search builds 2, lists 20 and knows
     * there are more, and says so.
     */
    @Test
    void whatIsLeftToBuildIsListedUpToABound() throws Exception {
        Response first = firstSearchAfterStoring(23, "2.25.5252520");
        assertThat(first.headers().getValues("Warning"))
                .anySatisfy(w -> assertThat(w).contains("More than 18 studies this search may see are still being prepared"));
    }

    /** An empty archive given {@code studies} one-instance studies, then an educator's first search, which builds 2 of them. */
    private Response firstSearchAfterStoring(int studies, String uidPrefix) throws Exception {
        index.reset();
        for (int s = 1; s <= studies; s++) {
            String study = uidPrefix + s;
            byte[] file = Part10Editor.read(TestData.file("pydicom/CT_small.dcm")).set(Tag.StudyInstanceUID, study)
                    .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1")
                    .set(Tag.PatientID, "VIEWS" + uidPrefix.substring(uidPrefix.length() - 3) + s).toBytes();
            assertThat(DicomWebClient.stow(file).statusCode()).isEqualTo(200);
        }
        Response first = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("educator", "openid purpose:teaching"))
                .accept("application/dicom+json").get("/dicomweb/studies");
        assertThat(first.statusCode()).as(first.asString()).isEqualTo(200);
        assertThat(first.jsonPath().getList("$")).as("what this search built").hasSize(2);
        return first;
    }
}
