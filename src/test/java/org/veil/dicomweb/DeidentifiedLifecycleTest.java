package org.veil.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.EmbeddedPostgresResource;
import org.veil.TestData;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.security.TestTokens;
import org.veil.storage.BlobStore;
import org.veil.storage.FileBlobStore;

/**
 * A de-identified study over time: withdrawal and revocation take effect on the very next
 * request and take the derivatives with them; a new instance shows up in the caller's view; an
 * instance that cannot be cleaned is left out of every answer and every count.
 */
@QuarkusTest
class DeidentifiedLifecycleTest {
    private static int next = 1;

    private final IndexReset index = new IndexReset();
    @jakarta.inject.Inject
    org.veil.derivatives.Deidentification deid;
    @jakarta.inject.Inject
    org.veil.index.InstanceRepository instances;

    private String study;

    @BeforeEach
    void newStudy() {
        study = "2.25.4242" + System.nanoTime() % 1_000_000 + "." + next++;
    }

    @Test
    void withdrawalHidesTheStudyOnTheNextRequestAndDropsItsDerivatives() throws Exception {
        store(1, false);
        String consent = consent("consultation");
        share("consultant");
        String derived = onlyStudy(consultant(), "share-%");
        Response metadata = consultant().accept("application/dicom+json").get("/dicomweb/studies/" + derived + "/metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        List<String> keys = derivativeKeys();
        assertThat(keys).hasSize(1);
        assertThat(blobs().open(keys.get(0)).size()).isPositive();

        assertThat(clinician().body("{\"reason\":\"patient withdrew\"}").post("/api/v1/consents/" + consent + "/withdraw")
                .statusCode()).isEqualTo(200);

        Response after = consultant().accept("application/dicom+json").get("/dicomweb/studies/" + derived + "/metadata");
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(after.jsonPath().getString("reason")).isEqualTo("study not found");
        assertThat(consultant().accept("application/dicom+json").get("/dicomweb/studies").asString()).doesNotContain(derived);
        assertThat(derivativeKeys()).isEmpty();
        assertThat(index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + study + "'")).isZero();
        assertThatThrownBy(() -> blobs().open(keys.get(0))).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void revocationHidesTheStudyOnTheNextRequest() throws Exception {
        store(1, false);
        consent("consultation");
        String share = share("consultant");
        String derived = onlyStudy(consultant(), "share-%");
        assertThat(clinician().delete("/api/v1/shares/" + share).statusCode()).isEqualTo(204);
        Response after = consultant().accept("application/dicom+json").get("/dicomweb/studies/" + derived + "/metadata");
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(after.jsonPath().getString("reason")).isEqualTo("study not found");
        assertThat(consultant().accept("application/dicom+json").get("/dicomweb/studies").asString()).doesNotContain(derived);
        assertThat(derivativeKeys()).isEmpty();
    }

    @Test
    void aNewInstanceAppearsInTheViewAndAWithheldOneNowhere() throws Exception {
        store(1, false);
        consent("teaching");
        String derived = onlyStudy(educator(), "teaching");
        assertThat(count(educator(), derived, "00201208")).isEqualTo(1);

        store(2, false);
        // An instance that declares burned-in text no rule can clean is withheld: not listed, not counted.
        store(3, true);
        assertThat(onlyStudy(educator(), "teaching")).isEqualTo(derived);
        assertThat(count(educator(), derived, "00201208")).isEqualTo(2);
        Response instances = educator().accept("application/dicom+json").get("/dicomweb/studies/" + derived + "/instances");
        assertThat(instances.jsonPath().getList("$")).hasSize(2);
        Response metadata = educator().accept("application/dicom+json").get("/dicomweb/studies/" + derived + "/metadata");
        assertThat(metadata.jsonPath().getList("$")).hasSize(2);
        assertThat(metadata.asString()).doesNotContain(study);
        assertThat(index.sum("SELECT count(*) FROM derivative WHERE withheld_reason IS NOT NULL AND original_study_uid = '"
                + study + "'")).isEqualTo(1);
        // The treating clinician still sees all three, identified.
        assertThat(DicomWebClient.given().accept("application/dicom+json").get("/dicomweb/studies/" + study + "/instances")
                .jsonPath().getList("$")).hasSize(3);
    }

    /**
     * A search needs a listing only: rows from the de-identified attributes, no derivative made.
     * An instance whose pixels show a name, which nothing in its header announces, is listed at
     * first; the first retrieval builds the view whole, and it is gone from every answer, never
     * served. Meanwhile, a listing's rows are never read as instances.
     */
    @Test
    void aListingIsSearchedBeforeThePixelsAreJudgedAndTheirVerdictStands() throws Exception {
        store(1, false);
        byte[] withText = withNameInItsPixels(study + ".1.2");
        org.veil.deid.Profile teaching = deid.profiles().get("teaching").orElseThrow();
        // The text is there, and the engine's own check finds it in the original.
        assertThat(org.veil.deid.Deidentifier.standard(new org.veil.deid.Keys("a-secret-only-for-this-check".getBytes()))
                .deidentify(withText, teaching, "teaching")).isInstanceOf(org.veil.deid.Outcome.Withheld.class);
        assertThat(DicomWebClient.stow(withText).statusCode()).isEqualTo(200);

        org.veil.derivatives.DerivedViews views = deid.views().orElseThrow();
        assertThat(views.ensure(study, teaching, "teaching", () -> true, org.veil.derivatives.DerivedViews.Need.LISTING))
                .isEqualTo(org.veil.derivatives.DerivedViews.Readiness.READY);
        assertThat(index.sum(viewRows(false))).as("both listed before the pixels are judged").isEqualTo(2);
        assertThat(index.sum("SELECT count(*) FROM derivative WHERE original_study_uid = '" + study + "'")).isZero();
        String derivedStudy = index.strings("SELECT derived_uid FROM derived_uid WHERE original_uid = '" + study
                + "' AND context = 'teaching'").get(0);
        assertThat(instances.find(org.veil.index.IndexTarget.DERIVED, derivedStudy, null, null, 1000))
                .as("a listing's rows are not instances to read").isEmpty();

        consent("teaching");
        assertThat(count(educator(), derivedStudy, "00201208")).isIn(1, 2);
        Response metadata = educator().accept("application/dicom+json").get("/dicomweb/studies/" + derivedStudy + "/metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.jsonPath().getList("$")).hasSize(1);
        assertThat(index.sum(viewRows(false))).isZero();
        assertThat(index.sum(viewRows(true))).isEqualTo(1);
        assertThat(count(educator(), derivedStudy, "00201208")).isEqualTo(1);
        String derivedSeries = index.strings("SELECT derived_uid FROM derived_uid WHERE original_uid = '" + study
                + ".1' AND context = 'teaching'").get(0);
        String listedThenWithheld = index.strings("SELECT derived_uid FROM derived_uid WHERE original_uid = '" + study
                + ".1.2' AND context = 'teaching'").get(0);
        Response retrieve = educator().accept("multipart/related; type=\"application/dicom\"; transfer-syntax=*")
                .get("/dicomweb/studies/" + derivedStudy + "/series/" + derivedSeries + "/instances/" + listedThenWithheld);
        assertThat(retrieve.statusCode()).isEqualTo(404);
        assertThat(index.sum("SELECT count(*) FROM derivative WHERE withheld_reason IS NOT NULL AND original_study_uid = '"
                + study + "'")).isEqualTo(1);

        // A new instance drops the view; listed again, what the pixels withheld stays out.
        store(3, false);
        assertThat(index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + study + "'")).isZero();
        assertThat(views.ensure(study, teaching, "teaching", () -> true, org.veil.derivatives.DerivedViews.Need.LISTING))
                .isEqualTo(org.veil.derivatives.DerivedViews.Readiness.READY);
        assertThat(index.strings("SELECT di.sop_instance_uid FROM derived_instance di JOIN derived_study ds ON ds.id = di.study_fk"
                + " JOIN derived_view v ON v.id = ds.view_fk WHERE v.original_study_uid = '" + study + "'"))
                .hasSize(2).doesNotContain(listedThenWithheld);
    }

    private String viewRows(boolean judged) {
        return "SELECT count(*) FROM derived_instance di JOIN derived_study ds ON ds.id = di.study_fk JOIN derived_view v"
                + " ON v.id = ds.view_fk WHERE v.original_study_uid = '" + study + "' AND " + (judged ? "" : "NOT ") + "v.pixels_judged";
    }

    /**
     * The real CT with a name and a number drawn into its pixels, white on a black box, across
     * the middle: where no burned-in rule's rectangle for this device paints.
     */
    private byte[] withNameInItsPixels(String sop) throws Exception {
        byte[] bytes = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, sop).set(Tag.PatientID, "LIFE-" + study).toBytes();
        int size = 512;
        int start = bytes.length - size * size * 2;
        java.awt.image.BufferedImage text = new java.awt.image.BufferedImage(size, size, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = text.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 22));
        g.drawString("BAKER JOHN 48213377", 14, 34);
        g.dispose();
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 300; x++) {
                int v = text.getRaster().getSample(x, y, 0) > 127 ? 4095 : 0;
                int at = start + 2 * ((y + 240) * size + x + 100);
                bytes[at] = (byte) v;
                bytes[at + 1] = (byte) (v >>> 8);
            }
        }
        return bytes;
    }

    /**
     * Probes are on the trail: an original study UID asked for by a caller outside treatment is
     * filed under that study (denied, and why), and a search records what it asked for, even
     * when it found nothing.
     */
    @Test
    void anOriginalUidProbeAndASearchsQueryAreOnTheTrail() throws Exception {
        store(1, false);
        consent("research");
        RequestSpecification researcher = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("researcher",
                "openid purpose:research"));
        Response probe = researcher.accept("application/dicom+json").get("/dicomweb/studies/" + study + "/metadata");
        assertThat(probe.statusCode()).isEqualTo(404);
        assertThat(index.strings("SELECT outcome || ' ' || reason FROM audit_event WHERE '" + study + "' = ANY (study_uids)"
                + " AND subject <> '' AND username = 'researcher' AND action = 'retrieve metadata'"))
                .containsExactly("denied an original study UID, asked for outside treatment");
        Response search = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research"))
                .accept("application/dicom+json").queryParam("PatientID", "NOBODY-" + study).get("/dicomweb/studies");
        assertThat(search.statusCode()).isEqualTo(204);
        assertThat(index.strings("SELECT detail FROM audit_event WHERE username = 'researcher' AND action = 'query study'"
                + " ORDER BY id DESC LIMIT 1")).singleElement().asString().isEqualTo("query: PatientID=NOBODY-" + study);
    }

    /**
     * A view made under an older recipe (an upgrade, a rule file, a profile's options; the same
     * secret, so the same derived UIDs) is replaced by the next build, not met by it: before, the new
     * view's rows collided with the old ones, it was left empty, and the old derivatives went on
     * being served while searches found nothing.
     */
    @Test
    void aViewOfAnOlderRecipeIsReplacedByTheNextBuild() throws Exception {
        store(1, false);
        consent("teaching");
        String derived = onlyStudy(educator(), "teaching");
        assertThat(educator().accept("application/dicom+json").get("/dicomweb/studies/" + derived + "/metadata").statusCode())
                .isEqualTo(200);
        try (java.sql.Connection c = EmbeddedPostgresResource.dataSource().getConnection();
             java.sql.Statement s = c.createStatement()) {
            s.execute("UPDATE derived_view SET key_version = key_version || '-older' WHERE original_study_uid = '" + study + "'");
        }
        assertThat(count(educator(), derived, "00201208")).as("the search finds the study in the view of today's recipe").isEqualTo(1);
        Response metadata = educator().accept("application/dicom+json").get("/dicomweb/studies/" + derived + "/metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.jsonPath().getList("$")).hasSize(1);
        assertThat(index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + study + "' AND key_version LIKE '%-older'"))
                .as("the older view is gone").isZero();
    }

    @Test
    void aDerivedUidFromOneContextReachesNothingInAnother() throws Exception {
        store(1, false);
        consent("consultation");
        share("consultant");
        String derived = onlyStudy(consultant(), "share-%");
        consent("research");
        io.restassured.specification.RequestSpecification researcher = RestAssured.given()
                .header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research")).accept("application/dicom+json");
        Response asResearcher = researcher.get("/dicomweb/studies/" + derived + "/metadata");
        assertThat(asResearcher.statusCode()).isEqualTo(404);
        assertThat(asResearcher.jsonPath().getString("reason")).isEqualTo("study not found");
        Response searched = researcher.get("/dicomweb/studies?StudyInstanceUID=" + derived);
        assertThat(searched.statusCode()).as("a search for the share's UID finds nothing").isEqualTo(204);
        Response series = researcher.get("/dicomweb/studies/" + derived + "/series");
        assertThat(series.statusCode()).as("a search within it finds nothing: " + series.asString()).isEqualTo(204);
    }

    private void store(int n, boolean burnedIn) throws Exception {
        Part10Editor ct = Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1." + n).set(Tag.PatientID, "LIFE-" + study);
        if (burnedIn) {
            // Burned-in text declared, on a device no rule knows: nothing can locate the text.
            ct.set(0x00280301, "YES").set(0x00080070, "UNKNOWN MAKER").set(0x00081090, "UNKNOWN MODEL");
        }
        assertThat(DicomWebClient.stow(ct.toBytes()).statusCode()).isEqualTo(200);
    }

    /**
     * This test's study as the caller sees it: listed among all it may see (which builds its
     * view), under the derived UID the reverse map holds for the caller's context.
     */
    private String onlyStudy(RequestSpecification caller, String contextPattern) throws Exception {
        Response all = caller.accept("application/dicom+json").get("/dicomweb/studies?limit=1000");
        assertThat(all.statusCode()).as(all.asString()).isEqualTo(200);
        List<String> derived = index.strings("SELECT derived_uid FROM derived_uid WHERE original_uid = '" + study
                + "' AND context LIKE '" + contextPattern + "'");
        assertThat(derived).hasSize(1);
        assertThat(all.asString()).contains(derived.get(0)).doesNotContain(study);
        return derived.get(0);
    }

    private int count(RequestSpecification caller, String derived, String tag) {
        return caller.accept("application/dicom+json").get("/dicomweb/studies?StudyInstanceUID=" + derived)
                .jsonPath().getInt("[0].'" + tag + "'.Value[0]");
    }

    private List<String> derivativeKeys() throws Exception {
        return index.strings("SELECT storage_key FROM derivative WHERE storage_key IS NOT NULL AND original_study_uid = '" + study + "'");
    }

    private String consent(String scope) {
        Response r = clinician().body("{\"scopes\":[\"" + scope + "\"],\"method\":\"written\"}").post("/api/v1/studies/" + study + "/consents");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        return r.jsonPath().getString("id");
    }

    private String share(String user) {
        Response r = clinician().body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"" + user
                + "\"},\"expiresAt\":\"" + Instant.now().plus(2, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + study + "/shares");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        return r.jsonPath().getString("id");
    }

    private static RequestSpecification consultant() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("consultant", "openid purpose:consultation"));
    }

    private static RequestSpecification educator() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("educator", "openid purpose:teaching"));
    }

    private static RequestSpecification clinician() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid")).contentType("application/json");
    }

    /** Veil's own store, read from outside (the tests run on the file backend). */
    private static BlobStore blobs() throws java.io.IOException {
        return new FileBlobStore(EmbeddedPostgresResource.storageRoot());
    }
}
