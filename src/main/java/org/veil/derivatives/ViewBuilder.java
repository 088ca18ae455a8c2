package org.veil.derivatives;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.veil.consent.ConsentChange;
import org.veil.consent.ConsentRegistry;
import org.veil.deid.Profile;
import org.veil.dicom.ComputeGate;
import org.veil.logging.Failures;
import org.veil.policy.AccessDecision;
import org.veil.policy.AccessPolicy;
import org.veil.policy.Audience;
import org.veil.policy.Purpose;
import org.veil.policy.Requirement;
import org.veil.policy.Share;

/**
 * Builds de-identified views ahead of the first request that needs them: when a consent or a
 * share is recorded, the views it makes visible are requested in {@code view_request}, in the
 * change's own transaction (so a request survives a restart), and built here, one at a time, on a
 * thread of their own, after the change commits and at every start. A request that comes first
 * still builds what it needs itself; both take the same locks, so a view is built once.
 *
 * <p>Before each whole build (derivatives made, pixels judged), every queued view that has no
 * rows yet is listed ({@link DerivedViews.Need#LISTING}): a search soon after a consent then
 * finds all the studies it made visible searchable, and builds none of them itself.
 *
 * <p>Default deny: before building, and again inside the build under the study's derivation lock,
 * the view must be visible under the registry as it is then, with the default policy (teaching
 * needs consent here even where the site lets teachers see without it: those views are built on
 * request). A withdrawal or revocation deletes the study's or share's requests in its transaction.
 */
@ApplicationScoped
public class ViewBuilder {
    private static final Logger LOG = Logger.getLogger(ViewBuilder.class);
    /** Consents whose scope names a view of its own; consultation is seen through shares. */
    private static final Set<Purpose> VIEW_SCOPES = EnumSet.of(Purpose.TEACHING, Purpose.RESEARCH, Purpose.PUBLICATION);
    private static final long BUSY_PAUSE_MILLIS = 5_000;
    /** Before views passed over (another thread was building them) are tried again. */
    private static final long PASSED_OVER_PAUSE_MILLIS = 500;
    /** Queued views listed ahead per round, oldest first: a bound on the work between two whole builds. */
    private static final int LISTED_PER_ROUND = 200;

    private final Deidentification deid;
    private final AgroalDataSource db;
    private final ConsentRegistry registry;
    private final AccessPolicy policy = new AccessPolicy(AccessPolicy.Settings.DEFAULTS);
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "veil-view-builder");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
    });
    private final AtomicBoolean pending = new AtomicBoolean();

    public ViewBuilder(Deidentification deid, AgroalDataSource db, ConsentRegistry registry) {
        this.deid = deid;
        this.db = db;
        this.registry = registry;
    }

    /** A view to build: an original study in a context, under a profile. */
    record Request(String study, String context, String profile, Instant requestedAt) {
    }

    /** Inside the change's transaction: what it asks to build, or no longer allows to. */
    void record(@Observes ConsentChange change) throws SQLException {
        if (deid.views().isEmpty()) {
            return;
        }
        try (Connection c = db.getConnection()) {
            switch (change) {
                case ConsentChange.ConsentRecorded r -> {
                    for (Purpose scope : r.scopes()) {
                        if (VIEW_SCOPES.contains(scope)) {
                            request(c, r.studyUid(), scope.scopeName(), scope.scopeName());
                        }
                    }
                    if (r.scopes().contains(Purpose.CONSULTATION)) {
                        for (Share s : registry.shares(r.studyUid())) {
                            if (s.purpose() == Purpose.CONSULTATION && s.revokedAt().isEmpty()) {
                                request(c, r.studyUid(), Requirement.Deidentified.SHARE_CONTEXT_PREFIX + s.id(),
                                        Purpose.CONSULTATION.scopeName());
                            }
                        }
                    }
                }
                case ConsentChange.ShareRecorded r -> {
                    if (r.purpose() == Purpose.CONSULTATION) {
                        request(c, r.studyUid(), Requirement.Deidentified.SHARE_CONTEXT_PREFIX + r.shareId(),
                                Purpose.CONSULTATION.scopeName());
                    }
                }
                case ConsentChange.ConsentWithdrawn w -> forget(c, "original_study_uid = ?", w.studyUid());
                case ConsentChange.ShareRevoked r -> forget(c, "context = ?", Requirement.Deidentified.SHARE_CONTEXT_PREFIX + r.shareId());
            }
        }
    }

    /** Once a change has committed: build what it asked for. */
    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) ConsentChange change) {
        wake();
    }

    /** At every start: build what was asked for before a stop or a crash. */
    void onStart(@Observes StartupEvent start) {
        wake();
    }

    void onStop(@Observes ShutdownEvent stop) {
        worker.shutdownNow();
    }

    /**
     * Asks for views a search found missing and left to be built here ({@code original study,
     * context, profile} each), and wakes the queue: only the contexts the queue can check (the
     * consented purposes and shares; teaching without consent is built by searches), in one
     * statement, leaving requests already queued as they are. Built only while still visible to
     * someone under the default policy, as every request of the queue. Best effort: the search has
     * its answer already, so a failure here is logged, not thrown.
     */
    public void ask(List<String[]> views) {
        List<String[]> checkable = views.stream().filter(v -> v[1].startsWith(Requirement.Deidentified.SHARE_CONTEXT_PREFIX)
                || Purpose.fromScope(Purpose.SCOPE_PREFIX + v[1]).filter(VIEW_SCOPES::contains).isPresent()).toList();
        if (deid.views().isEmpty() || checkable.isEmpty()) {
            return;
        }
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO view_request (original_study_uid, context, profile)
                SELECT * FROM unnest(?::text[], ?::text[], ?::text[]) ON CONFLICT (original_study_uid, context) DO NOTHING""")) {
            s.setArray(1, c.createArrayOf("text", checkable.stream().map(v -> v[0]).toArray()));
            s.setArray(2, c.createArrayOf("text", checkable.stream().map(v -> v[1]).toArray()));
            s.setArray(3, c.createArrayOf("text", checkable.stream().map(v -> v[2]).toArray()));
            s.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("views a search left over could not be queued (%s); later searches build them", Failures.describe(e));
            return;
        }
        wake();
    }

    /** Runs the queue unless a run is already waiting to start. */
    public void wake() {
        if (deid.views().isPresent() && pending.compareAndSet(false, true)) {
            worker.execute(this::drain);
        }
    }

    private void drain() {
        pending.set(false);
        // A view a search is building right now is passed over and left in the queue: the two
        // build side by side. Once only such views are left, they are tried again after a pause
        // (the search has built them by then, or failed and left them to be built here), while
        // requests recorded meanwhile still come first.
        Set<Request> passed = new HashSet<>();
        Set<Request> listed = new HashSet<>();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                listAhead(listed);
                Optional<Request> next = next(passed);
                if (next.isPresent()) {
                    if (!build(next.get())) {
                        passed.add(next.get());
                    }
                } else if (passed.isEmpty()) {
                    break;
                } else {
                    pause(PASSED_OVER_PAUSE_MILLIS);
                    passed.clear();
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("views could not be built ahead (%s); requests build them on need", Failures.describe(e));
        }
    }

    /**
     * Lists the queued views that have no rows yet, each tried once per run of the queue; their
     * requests stay queued for the whole build. A listing another thread is making is left to it;
     * one that fails is left to the whole build, which reports its failure.
     */
    private void listAhead(Set<Request> tried) throws SQLException {
        for (Request r : unlisted(tried)) {
            tried.add(r);
            try {
                Optional<Profile> profile = deid.profiles().get(r.profile());
                if (profile.isPresent() && stillVisible(r)) {
                    deid.views().get().ensureUnlessBusy(r.study(), profile.get(), r.context(), () -> stillVisible(r),
                            DerivedViews.Need.LISTING);
                }
            } catch (DerivedViews.LockWaitedOut held) {
                // Another build of it, or a clean-up, holds it: the others now; its whole build follows.
                LOG.debug("a view's lock was held past the wait; listed by its whole build instead");
            } catch (ComputeGate.BusyException busy) {
                // Requests come first; the whole builds wait for the gate too. Tried again next round.
                tried.remove(r);
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debugf("a view could not be listed ahead (%s); its whole build follows", Failures.describe(e));
            }
        }
    }

    /**
     * Queued views, oldest first (those queued together by their UID's MD5, not the UID, which may
     * hold the acquisition time; as a search takes them, QidoSearch.unbuiltViews), with no rows
     * under any profile's current version, not tried in this run.
     */
    private List<Request> unlisted(Set<Request> tried) throws SQLException {
        DerivedViews views = deid.views().get();
        List<Request> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT r.original_study_uid, r.context, r.profile, r.requested_at FROM view_request r
                 WHERE NOT EXISTS (SELECT 1 FROM derived_view v WHERE v.original_study_uid = r.original_study_uid
                                     AND v.context = r.context AND v.key_version = ANY(?))
                 ORDER BY r.requested_at, md5(r.original_study_uid), r.context LIMIT ?""")) {
            s.setArray(1, c.createArrayOf("text", deid.profiles().all().values().stream().map(views::viewVersion).toArray()));
            s.setInt(2, tried.size() + LISTED_PER_ROUND);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Request r = new Request(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant());
                    if (!tried.contains(r) && out.size() < LISTED_PER_ROUND) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** Builds a requested view whole; false, with the request left queued, when another thread is building it now. */
    private boolean build(Request r) throws SQLException {
        try {
            Optional<Profile> profile = deid.profiles().get(r.profile());
            if (profile.isPresent() && stillVisible(r) && deid.views().get().ensureUnlessBusy(r.study(), profile.get(), r.context(),
                    () -> stillVisible(r), DerivedViews.Need.DERIVATIVES) == DerivedViews.Readiness.BUSY) {
                return false;
            }
            done(r);
        } catch (DerivedViews.LockWaitedOut held) {
            // Another build of it, or a clean-up, holds it: as BUSY, passed over for now.
            return false;
        } catch (ComputeGate.BusyException busy) {
            // Requests come first: the gate is full, so wait and try the same request again.
            pause(BUSY_PAUSE_MILLIS);
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warnf("a view could not be built ahead (%s); it is built on the first request instead", Failures.describe(e));
            done(r);
        }
        return true;
    }

    /** Whether the view is visible now, to anyone, under the default policy: a request would build it too. */
    private boolean stillVisible(Request r) throws SQLException {
        List<Share> shares = registry.shares(r.study());
        Requirement.Deidentified requirement;
        if (r.context().startsWith(Requirement.Deidentified.SHARE_CONTEXT_PREFIX)) {
            String id = r.context().substring(Requirement.Deidentified.SHARE_CONTEXT_PREFIX.length());
            Optional<Share> share = shares.stream().filter(s -> s.id().equals(id)).findFirst();
            if (share.isEmpty()) {
                return false;
            }
            requirement = policy.deidentifiedFor(Purpose.CONSULTATION,
                    List.of(new Audience(share.get().audienceType(), share.get().audience())));
        } else {
            Optional<Purpose> purpose = Purpose.fromScope(Purpose.SCOPE_PREFIX + r.context());
            if (purpose.isEmpty() || !VIEW_SCOPES.contains(purpose.get())) {
                return false;
            }
            requirement = policy.deidentifiedFor(purpose.get(), List.of());
        }
        return requirement.evaluate(registry.consents(r.study()), shares, Instant.now()) instanceof AccessDecision.Deidentified d
                && d.context().equals(r.context()) && d.profile().equals(r.profile());
    }

    /** The oldest request not passed over (in the order of {@link #unlisted}). */
    private Optional<Request> next(Set<Request> passed) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT original_study_uid, context, profile, requested_at FROM view_request"
                     + " ORDER BY requested_at, md5(original_study_uid), context LIMIT ?")) {
            s.setInt(1, passed.size() + 1);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Request r = new Request(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant());
                    if (!passed.contains(r)) {
                        return Optional.of(r);
                    }
                }
                return Optional.empty();
            }
        }
    }

    /** Removes the request as it was taken; one made again meanwhile (a newer time) stays. */
    private void done(Request r) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "DELETE FROM view_request WHERE original_study_uid = ? AND context = ? AND requested_at = ?")) {
            s.setString(1, r.study());
            s.setString(2, r.context());
            s.setTimestamp(3, Timestamp.from(r.requestedAt()));
            s.executeUpdate();
        }
    }

    private static void request(Connection c, String study, String context, String profile) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO view_request (original_study_uid, context, profile) VALUES (?, ?, ?)
                ON CONFLICT (original_study_uid, context) DO UPDATE SET profile = excluded.profile, requested_at = now()""")) {
            s.setString(1, study);
            s.setString(2, context);
            s.setString(3, profile);
            s.executeUpdate();
        }
    }

    private static void forget(Connection c, String where, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM view_request WHERE " + where)) {
            s.setString(1, value);
            s.executeUpdate();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
