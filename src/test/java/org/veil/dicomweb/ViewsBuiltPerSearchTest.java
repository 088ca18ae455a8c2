package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.veil.EmbeddedPostgresResource;
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
            return Map.of("veil.policy.teaching-without-consent", "true", "veil.dicomweb.max-views-built-per-search", "2",
                    "veil.dicomweb.inline-binary-limit", "8", "veil.dicomweb.max-elements", "500000");
        }
    }

    private final IndexReset index = new IndexReset();

    @Inject
    org.veil.derivatives.Deidentification deid;

    @Inject
    DicomWebConfig config;

    /**
     * The views read each derivative within the reader bounds STOW read its original within (they
     * used fixed defaults, so a site's bounds did not reach them: a larger bound let STOW take
     * what no view could list).
     */
    @Test
    void theViewsReadWithinTheConfiguredReaderBounds() {
        org.veil.dicom.DicomReader.Limits limits = deid.views().orElseThrow().readerLimits();
        assertThat(limits).isEqualTo(config.readerLimits());
        assertThat(limits.inlineLimit()).isEqualTo(8);
        assertThat(limits.maxElements()).isEqualTo(500_000);
    }

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

    /**
     * The views a search builds first are not those of the first studies by original UID, which
     * often hold the acquisition time (a reader would learn the studies' order in time across
     * patients), but of the first by the UID's MD5.
     */
    @Test
    void viewsAreBuiltInTheOrderOfTheUidsDigestNotOfTheUids() throws Exception {
        Response first = firstSearchAfterStoring(23, "2.25.5353530");
        List<String> stored = IntStream.rangeClosed(1, 23).mapToObj(s -> "2.25.5353530" + s).toList();
        List<String> byDigest = stored.stream().sorted(Comparator.comparing(ViewsBuiltPerSearchTest::md5)).limit(2).toList();
        assertThat(byDigest).as("the digests' order is not the UIDs' here").isNotEqualTo(stored.stream().sorted().limit(2).toList());
        List<String> built = new ArrayList<>();
        try (Connection c = EmbeddedPostgresResource.connect();
             PreparedStatement s = c.prepareStatement("SELECT original_uid FROM derived_uid WHERE derived_uid = ? AND context = 'teaching'")) {
            for (int n = 0; n < first.jsonPath().getList("$").size(); n++) {
                String derived = first.jsonPath().getString("[" + n + "].'0020000D'.Value[0]");
                s.setString(1, derived);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).as("the original of " + derived).isTrue();
                    built.add(rs.getString(1));
                }
            }
        }
        assertThat(built).containsExactlyInAnyOrderElementsOf(byDigest);
    }

    private static String md5(String uid) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(uid.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
