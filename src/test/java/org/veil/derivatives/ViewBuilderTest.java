package org.veil.derivatives;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.veil.TestData;
import org.veil.deid.Profiles;
import org.veil.dicom.Part10Editor;
import org.veil.dicom.Tag;
import org.veil.dicomweb.DicomWebClient;
import org.veil.dicomweb.IndexReset;
import org.veil.security.TestTokens;

/**
 * Views built ahead of the first request: a consent or a share recorded is enough for its view
 * to appear, with nobody asking; a view is never built for a grant that no longer holds once the
 * build holds the study's lock; and a withdrawal's clean-up waits for a build in flight, so that
 * nothing it made survives the withdrawal.
 */
@QuarkusTest
class ViewBuilderTest {
    private static int next = 1;
    private final IndexReset index = new IndexReset();
    private String study;

    @Inject
    AgroalDataSource db;
    @Inject
    Deidentification deid;

    @BeforeEach
    void storeAStudy() throws Exception {
        index.reset();
        index.forgetConsents();
        study = "1.2.826.0.1.3680043.99.60." + next++;
        for (int n = 1; n <= 3; n++) {
            assertThat(DicomWebClient.stow(Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                    .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1." + n)
                    .set(Tag.PatientID, "AHEAD-" + study).toBytes()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aConsentBuildsItsViewBeforeAnyoneAsks() throws Exception {
        consent("research");
        awaitView("research");
        long view = index.sum("SELECT id FROM derived_view WHERE original_study_uid = '" + study + "' AND context = 'research'");
        assertThat(index.count("view_request")).isZero();
        assertThat(index.sum("SELECT count(*) FROM derived_instance di JOIN derived_study ds ON ds.id = di.study_fk"
                + " JOIN derived_view v ON v.id = ds.view_fk WHERE v.original_study_uid = '" + study + "'")).isEqualTo(3);

        Response found = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research"))
                .accept("application/dicom+json").get("/dicomweb/studies");
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.jsonPath().getList("$")).hasSize(1);
        assertThat(found.asString()).doesNotContain(study);
        // The search found the view built and built nothing itself.
        assertThat(index.sum("SELECT id FROM derived_view WHERE original_study_uid = '" + study + "' AND context = 'research'"))
                .isEqualTo(view);
    }

    @Test
    void aShareBuildsTheConsultantsView() throws Exception {
        consent("consultation");
        Response r = clinician().body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"consultant\"},\"expiresAt\":\""
                + Instant.now().plus(2, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + study + "/shares");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        awaitView("share-" + r.jsonPath().getString("id"));
    }

    @Test
    void aConsentNotYetValidBuildsNothing() throws Exception {
        Response r = clinician().body("{\"scopes\":[\"teaching\"],\"method\":\"written\",\"validFrom\":\""
                + Instant.now().plus(1, ChronoUnit.DAYS) + "\"}").post("/api/v1/studies/" + study + "/consents");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        awaitQueueEmpty();
        assertThat(index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + study + "'")).isZero();
        assertThat(index.sum("SELECT count(*) FROM derivative WHERE original_study_uid = '" + study + "'")).isZero();
    }

    @Test
    void aBuildWhoseGrantNoLongerHoldsUnderTheLockBuildsNothing() throws Exception {
        boolean built = deid.views().orElseThrow().ensure(study, Profiles.defaults().get("research").orElseThrow(), "research", () -> false);
        assertThat(built).isFalse();
        assertThat(index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + study + "'")).isZero();
        assertThat(index.sum("SELECT count(*) FROM derivative WHERE original_study_uid = '" + study + "'")).isZero();
    }

    /**
     * A view another thread is building is passed over: {@code ensureUnlessBusy} answers BUSY at
     * once, and the background builder leaves the request queued, builds the next study's view
     * meanwhile and tries the busy one again once nothing else is left.
     */
    @Test
    void aViewAnotherThreadIsBuildingIsPassedOverThenBuilt() throws Exception {
        DerivedViews views = deid.views().orElseThrow();
        org.veil.deid.Profile research = Profiles.defaults().get("research").orElseThrow();
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            // Another builder of this view, in flight: it holds the view's lock.
            try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                s.setString(1, "view|" + study + "|research|" + views.viewVersion(research));
                s.execute();
            }
            assertThat(views.ensureUnlessBusy(study, research, "research", () -> true, DerivedViews.Need.DERIVATIVES)).isEqualTo(DerivedViews.Readiness.BUSY);
            assertThat(index.sum("SELECT count(*) FROM derivative WHERE original_study_uid = '" + study + "'")).isZero();

            String busyStudy = study;
            consent("research");
            // A second study consented after it: built meanwhile, not queued behind the busy one.
            study = busyStudy + ".2";
            assertThat(DicomWebClient.stow(Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, study)
                    .set(Tag.SeriesInstanceUID, study + ".1").set(Tag.SOPInstanceUID, study + ".1.1")
                    .set(Tag.PatientID, "AHEAD-" + study).toBytes()).statusCode()).isEqualTo(200);
            consent("research");
            awaitView("research");
            assertThat(index.count("view_request")).as("the busy view's request stays queued").isEqualTo(1);
            assertThat(index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + busyStudy + "'")).isZero();
            study = busyStudy;
            c.rollback();
        }
        awaitView("research");
        awaitQueueEmpty();
        assertThat(views.ensureUnlessBusy(study, research, "research", () -> true, DerivedViews.Need.DERIVATIVES)).isEqualTo(DerivedViews.Readiness.READY);
    }

    /**
     * A search passes over a view another thread is building only to wait for it at the end, as
     * long as a turn at the compute gate is waited for (2 s in the tests): then it answers without
     * that study and says so in a Warning, where it waited for as long as the other build took.
     * The next search, once the view is built, finds it.
     */
    @Test
    void aSearchWaitsForAViewAnotherThreadIsBuildingForABoundedTime() throws Exception {
        DerivedViews views = deid.views().orElseThrow();
        org.veil.deid.Profile research = Profiles.defaults().get("research").orElseThrow();
        CompletableFuture<Response> search;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                s.setString(1, "view|" + study + "|research|" + views.viewVersion(research));
                s.execute();
            }
            consent("research");
            search = CompletableFuture.supplyAsync(() -> RestAssured.given()
                    .header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research"))
                    .accept("application/dicom+json").get("/dicomweb/studies"));
            try {
                search.get(1000, TimeUnit.MILLISECONDS);
                throw new AssertionError("the search answered without waiting for the view it needs");
            } catch (TimeoutException expected) {
                // waiting for the other builder, as it should
            }
            // The other build still runs: the search stops waiting and leaves the study out.
            Response waited = search.get(60, TimeUnit.SECONDS);
            assertThat(waited.statusCode()).as(waited.asString()).isEqualTo(204);
            assertThat(waited.headers().getValues("Warning"))
                    .anySatisfy(w -> assertThat(w).contains("1 studies this search may see are still being prepared"));
            c.rollback();
        }
        awaitView("research");
        Response found = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research"))
                .accept("application/dicom+json").get("/dicomweb/studies");
        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(found.jsonPath().getList("$")).hasSize(1);
        assertThat(found.asString()).doesNotContain(study);
    }

    /**
     * The bound is on the search's waiting in all, not on each wait: with the views of three
     * studies being built elsewhere, a search waits one max-wait (2 s in the tests) for the first
     * and leaves the other two out at once, where one wait each would have taken 6 s. All three are
     * counted in its Warning.
     */
    @Test
    void aSearchMeetingSeveralBusyViewsWaitsOneWaitInAll() throws Exception {
        DerivedViews views = deid.views().orElseThrow();
        org.veil.deid.Profile research = Profiles.defaults().get("research").orElseThrow();
        java.util.List<String> studies = new java.util.ArrayList<>(java.util.List.of(study));
        for (int k = 1; k <= 2; k++) {
            String other = study + "." + k;
            assertThat(DicomWebClient.stow(Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, other)
                    .set(Tag.SeriesInstanceUID, other + ".1").set(Tag.SOPInstanceUID, other + ".1.1")
                    .set(Tag.PatientID, "AHEAD-" + other).toBytes()).statusCode()).isEqualTo(200);
            studies.add(other);
        }
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            for (String s : studies) {
                try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                    st.setString(1, "view|" + s + "|research|" + views.viewVersion(research));
                    st.execute();
                }
                consent(s, "research");
            }
            long started = System.nanoTime();
            Response waited = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research"))
                    .accept("application/dicom+json").get("/dicomweb/studies");
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(waited.statusCode()).as(waited.asString()).isEqualTo(204);
            assertThat(waited.headers().getValues("Warning"))
                    .anySatisfy(w -> assertThat(w).contains("3 studies this search may see are still being prepared"));
            // Not a speed target: three waits of 2 s cannot take less than 6 s, whatever the
            // machine, and one cannot take less than 2 (a loaded machine only adds to both).
            assertThat(seconds).as("one wait of 2 s in all, not three").isGreaterThanOrEqualTo(1.9).isLessThan(6.0);
            c.rollback();
        }
        for (String s : studies) {
            awaitView(s, "research");
        }
        Response found = RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("researcher", "openid purpose:research"))
                .accept("application/dicom+json").get("/dicomweb/studies");
        assertThat(found.jsonPath().getList("$")).hasSize(3);
    }

    /**
     * A search runs at the time it runs, not at the time it began building views: a consent that
     * ends while the search waits for another study's view (2 s here) no longer shows its study.
     * The study's view is built and its consent valid when the search starts.
     */
    @Test
    void aConsentThatEndsWhileTheSearchBuildsNoLongerShowsItsStudy() throws Exception {
        DerivedViews views = deid.views().orElseThrow();
        org.veil.deid.Profile research = Profiles.defaults().get("research").orElseThrow();
        Instant until = Instant.now().plusSeconds(8);
        Response ending = clinician().body("{\"scopes\":[\"research\"],\"method\":\"written\",\"validUntil\":\"" + until + "\"}")
                .post("/api/v1/studies/" + study + "/consents");
        assertThat(ending.statusCode()).as(ending.asString()).isEqualTo(201);
        awaitView("research");
        String other = study + ".9";
        assertThat(DicomWebClient.stow(Part10Editor.read(TestData.file("real/CT-MONO2-16-ankle.dcm")).set(Tag.StudyInstanceUID, other)
                .set(Tag.SeriesInstanceUID, other + ".1").set(Tag.SOPInstanceUID, other + ".1.1")
                .set(Tag.PatientID, "AHEAD-" + other).toBytes()).statusCode()).isEqualTo(200);
        String researcher = TestTokens.of("researcher", "openid purpose:research");
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                st.setString(1, "view|" + other + "|research|" + views.viewVersion(research));
                st.execute();
            }
            consent(other, "research");
            // Started a second before the consent ends, the search waits 2 s for the other study's view.
            long wait = java.time.Duration.between(Instant.now(), until.minusSeconds(1)).toMillis();
            assertThat(wait).as("the first study's view was built well before its consent ends").isPositive();
            Thread.sleep(wait);
            Response r = RestAssured.given().header("Authorization", "Bearer " + researcher).accept("application/dicom+json")
                    .get("/dicomweb/studies");
            assertThat(Instant.now()).as("the search ended after the consent").isAfter(until);
            assertThat(r.statusCode()).as(r.asString()).isEqualTo(204);
            c.rollback();
        }
    }

    /**
     * A retrieval whose view must be built again (a STOW into the study dropped it) while the
     * study's lock is held elsewhere (a withdrawal's clean-up, say) waits as long as a turn at the
     * compute gate, then answers 503 with a reason and Retry-After; once the lock is free it is served.
     */
    @Test
    void aRetrievalWaitsForTheStudysLockForABoundedTime() throws Exception {
        consent("research");
        awaitView("research");
        awaitQueueEmpty();
        String researcher = TestTokens.of("researcher", "openid purpose:research");
        Response found = RestAssured.given().header("Authorization", "Bearer " + researcher).accept("application/dicom+json")
                .get("/dicomweb/studies");
        assertThat(found.statusCode()).isEqualTo(200);
        String derived = found.jsonPath().getString("[0].'0020000D'.Value[0]");
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("DELETE FROM derived_view WHERE original_study_uid = ?")) {
                s.setString(1, study);
                s.executeUpdate();
            }
            c.commit();
            try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                s.setString(1, "derive|" + study);
                s.execute();
            }
            CompletableFuture<Response> read = CompletableFuture.supplyAsync(() -> RestAssured.given()
                    .header("Authorization", "Bearer " + researcher).accept("application/dicom+json")
                    .get("/dicomweb/studies/" + derived + "/metadata"));
            Response busy = read.get(60, TimeUnit.SECONDS);
            assertThat(busy.statusCode()).as(busy.asString()).isEqualTo(503);
            assertThat(busy.header("Retry-After")).isNotBlank();
            assertThat(busy.jsonPath().getString("reason")).contains("being prepared by another request");
            c.rollback();
        }
        Response served = RestAssured.given().header("Authorization", "Bearer " + researcher).accept("application/dicom+json")
                .get("/dicomweb/studies/" + derived + "/metadata");
        assertThat(served.statusCode()).as(served.asString()).isEqualTo(200);
    }

    @Test
    void aWithdrawalWaitsForABuildInFlightAndThenLeavesNothing() throws Exception {
        String consent = consent("research");
        awaitView("research");
        CompletableFuture<Integer> withdrawal;
        // A build in flight holds the study's derivation lock shared; this transaction stands in for it.
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock_shared(hashtext(?))")) {
                s.setString(1, "derive|" + study);
                s.execute();
            }
            withdrawal = CompletableFuture.supplyAsync(() -> clinician().body("{\"reason\":\"changed mind\"}")
                    .post("/api/v1/consents/" + consent + "/withdraw").statusCode());
            try {
                withdrawal.get(1500, TimeUnit.MILLISECONDS);
                throw new AssertionError("the withdrawal's clean-up did not wait for the build in flight");
            } catch (TimeoutException expected) {
                // waiting for the lock, as it should
            }
            assertThat(index.sum("SELECT count(*) FROM derivative WHERE original_study_uid = '" + study + "'"))
                    .as("nothing dropped while the build holds the lock").isEqualTo(3);
            c.rollback();
        }
        assertThat(withdrawal.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(index.sum("SELECT count(*) FROM derivative WHERE original_study_uid = '" + study + "'")).isZero();
        assertThat(index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + study + "'")).isZero();
    }

    /**
     * A consent's end and a share's expiry are not events: what was derived under them is looked
     * for and dropped (ExpiredGrants), views and derivatives, while what a live consent allows
     * stays. Before they end, a sweep drops nothing.
     */
    @Test
    void whatWasDerivedUnderAConsentOrShareThatRanOutIsDropped() throws Exception {
        Instant until = Instant.now().plusSeconds(20);
        Response research = clinician().body("{\"scopes\":[\"research\"],\"method\":\"written\",\"validUntil\":\"" + until + "\"}")
                .post("/api/v1/studies/" + study + "/consents");
        assertThat(research.statusCode()).as(research.asString()).isEqualTo(201);
        consent("consultation");
        Response share = clinician().body("{\"purpose\":\"consultation\",\"audience\":{\"type\":\"user\",\"id\":\"consultant\"},"
                + "\"expiresAt\":\"" + until + "\"}").post("/api/v1/studies/" + study + "/shares");
        assertThat(share.statusCode()).as(share.asString()).isEqualTo(201);
        String shared = "share-" + share.jsonPath().getString("id");
        consent("teaching");
        awaitView("research");
        awaitView(shared);
        awaitView("teaching");
        assertThat(expiredGrants.sweep()).as("nothing has ended yet").isZero();
        assertThat(derivativesIn("research")).isEqualTo(3);
        assertThat(derivativesIn(shared)).isEqualTo(3);

        long wait = java.time.Duration.between(Instant.now(), until).toMillis() + 500;
        assertThat(wait).as("the views were built before the grants end").isPositive();
        Thread.sleep(wait);
        assertThat(expiredGrants.sweep()).isEqualTo(2);
        for (String ended : new String[] {"research", shared}) {
            assertThat(derivativesIn(ended)).as(ended).isZero();
            assertThat(index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + study + "' AND context = '" + ended + "'"))
                    .as(ended).isZero();
        }
        assertThat(derivativesIn("teaching")).as("a live consent's copies stay").isEqualTo(3);
        assertThat(index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + study + "' AND context = 'teaching'")).isOne();
        assertThat(expiredGrants.sweep()).as("once dropped, nothing is left to find").isZero();
    }

    /**
     * Publication needs consent in writing: once the written one has ended, a verbal one that
     * follows it keeps nothing the written one allowed, and the publication copies go.
     */
    @Test
    void aPublicationViewGoesWhenOnlyAConsentNotInWritingIsLeft() throws Exception {
        Instant until = Instant.now().plusSeconds(15);
        Response written = clinician().body("{\"scopes\":[\"publication\"],\"method\":\"written\",\"validUntil\":\"" + until
                + "\",\"evidence\":{\"reference\":\"form 12\"}}").post("/api/v1/studies/" + study + "/consents");
        assertThat(written.statusCode()).as(written.asString()).isEqualTo(201);
        Response verbal = clinician().body("{\"scopes\":[\"publication\"],\"method\":\"verbal\",\"validFrom\":\"" + until + "\"}")
                .post("/api/v1/studies/" + study + "/consents");
        assertThat(verbal.statusCode()).as(verbal.asString()).isEqualTo(201);
        awaitView("publication");
        assertThat(expiredGrants.sweep()).isZero();
        Thread.sleep(java.time.Duration.between(Instant.now(), until).toMillis() + 500);
        assertThat(expiredGrants.sweep()).isOne();
        assertThat(derivativesIn("publication")).isZero();
    }

    @Inject
    ExpiredGrants expiredGrants;

    private long derivativesIn(String context) throws Exception {
        return index.sum("SELECT count(*) FROM derivative WHERE original_study_uid = '" + study + "' AND context = '" + context + "'");
    }

    private String consent(String scope) {
        return consent(study, scope);
    }

    private String consent(String studyUid, String scope) {
        Response r = clinician().body("{\"scopes\":[\"" + scope + "\"],\"method\":\"written\"}").post("/api/v1/studies/" + studyUid + "/consents");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        return r.jsonPath().getString("id");
    }

    private void awaitView(String context) throws Exception {
        awaitView(study, context);
    }

    private void awaitView(String studyUid, String context) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (index.sum("SELECT count(*) FROM derived_view WHERE original_study_uid = '" + studyUid + "' AND context = '" + context + "' AND pixels_judged") == 0) {
            assertThat(Instant.now()).as("the view of %s in %s was built ahead", studyUid, context).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private void awaitQueueEmpty() throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (index.count("view_request") > 0) {
            assertThat(Instant.now()).as("the queue was worked through").isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static RequestSpecification clinician() {
        return RestAssured.given().header("Authorization", "Bearer " + TestTokens.of("clinician", "openid")).contentType("application/json");
    }
}
