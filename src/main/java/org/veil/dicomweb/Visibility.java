package org.veil.dicomweb;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.veil.consent.ConsentRegistry;
import org.veil.deid.Profile;
import org.veil.derivatives.Deidentification;
import org.veil.derivatives.DerivedViews;
import org.veil.index.IndexTarget;
import org.veil.index.QidoSearch;
import org.veil.index.SearchScope;
import org.veil.policy.AccessDecision;
import org.veil.policy.AccessPolicy;
import org.veil.policy.Caller;
import org.veil.policy.Requirement;
import org.veil.security.StudyAccess;

/**
 * Applies the policy to DICOMweb requests: what a search may return, and which study a WADO
 * path reaches. A caller outside treatment works in derived UIDs only; a path UID is mapped back
 * through the persisted reverse map, the policy is asked about the original study, and the
 * answer is the study's de-identified view, built now if needed. Every refusal past the role
 * check is a 404, the same as for a study that does not exist; the reason goes to the audit.
 */
@ApplicationScoped
public class Visibility {

    /** A study a WADO request may reach: the index to read it from, its UID there, and its original UID. */
    public record Reachable(IndexTarget target, String studyUid, String originalStudyUid) {
    }

    private final int maxViewsBuilt;
    /** Views left over by one search that it hands to the background builder, in multiples of what it builds. */
    private static final int ASKED_PER_SEARCH = 10;
    private final org.veil.derivatives.ViewBuilder builder;
    private final StudyAccess access;
    private final AccessPolicy policy;
    private final ConsentRegistry registry;
    private final Deidentification deid;
    private final QidoSearch search;
    private final RequestAudit audit;
    private final AgroalDataSource db;
    private final org.veil.index.InstanceRepository instances;

    public Visibility(StudyAccess access, PolicyConfig config, ConsentRegistry registry, Deidentification deid,
                      QidoSearch search, RequestAudit audit, AgroalDataSource db, DicomWebConfig limits,
                      org.veil.derivatives.ViewBuilder builder, org.veil.consent.SharesConfig shares,
                      org.veil.index.InstanceRepository instances) {
        this.instances = instances;
        this.maxViewsBuilt = Math.max(1, limits.maxViewsBuiltPerSearch());
        this.builder = builder;
        this.access = access;
        this.policy = new AccessPolicy(new AccessPolicy.Settings(config.teachingWithoutConsent(),
                shares.audienceCheck() == org.veil.consent.SharesConfig.AudienceCheck.NONE));
        this.registry = registry;
        this.deid = deid;
        this.search = search;
        this.audit = audit;
        this.db = db;
    }

    /**
     * A search's scope, and how many studies it may see are left out of it for now: views still to
     * be built beyond what one search builds ({@code veil.dicomweb.max-views-built-per-search}),
     * and whether there are more than that (what is listed for building is bounded too).
     */
    public record Search(SearchScope scope, int pendingStudies, boolean morePending) {
        Search(SearchScope scope, int pendingStudies) {
            this(scope, pendingStudies, false);
        }
    }

    /**
     * The scope of a search; builds the views it needs first, so that pages and counts are exact,
     * up to the bound on one request's work: the study the search names (its path, or a single
     * StudyInstanceUID) first, then the others in order. What is left over is handed to the
     * background builder and left out of this answer, which says so (docs/conformance.md).
     */
    public Search forSearch(Optional<String> namedStudy) throws SQLException, IOException, DeidentificationUnavailableException {
        Caller caller = access.requireReader();
        return switch (policy.requirement(caller)) {
            case Requirement.Identified i -> new Search(new SearchScope.Identified(), 0);
            case Requirement.Denied d -> {
                audit.denied(d.reason());
                yield new Search(new SearchScope.Nothing(d.reason()), 0);
            }
            case Requirement.Deidentified r -> {
                DerivedViews views = views();
                Profile profile = profile(r.profile());
                SearchScope.Deidentified scope = new SearchScope.Deidentified(r, Instant.now(), views.viewVersion(profile));
                // Views another thread is building now (the background builder, another search)
                // are left to it at first and waited for last, so that both build side by side.
                List<Map.Entry<String, String>> busy = new ArrayList<>();
                // The study the search names goes first, when the UID was derived for this caller's
                // context: another audience's UID must not decide what is built for this one. One
                // more than is asked for is listed, to know whether there are more.
                Optional<Map.Entry<String, String>> named = namedStudy.isEmpty() ? Optional.empty()
                        : originOf(namedStudy.get(), views.keyVersion()).map(o -> Map.entry(o[0], o[1]));
                int listed = (int) Math.min(Integer.MAX_VALUE - 1, (long) ASKED_PER_SEARCH * maxViewsBuilt);
                List<Map.Entry<String, String>> missing = new ArrayList<>(search.unbuiltViews(scope, named, listed + 1));
                boolean more = missing.size() > listed;
                if (more) {
                    missing.remove(listed);
                }
                List<Map.Entry<String, String>> now = missing.subList(0, Math.min(missing.size(), maxViewsBuilt));
                // Views whose locks were not had within the compute gate's wait (another build of a
                // large study, a withdrawal's clean-up): left out of this answer, and counted as left
                // out. A full compute gate is still a 503.
                List<Map.Entry<String, String>> waitedOut = new ArrayList<>();
                // One deadline for every lock this search waits for: several busy views cost one wait in all.
                DerivedViews.LockWaits lockWaits = views.lockWaits();
                for (Map.Entry<String, String> unbuilt : now) {
                    // A search needs the rows, not the pixels: a listing (DerivedViews.Need).
                    try {
                        if (views.ensureUnlessBusy(unbuilt.getKey(), profile, unbuilt.getValue(),
                                grantOf(r, unbuilt.getKey(), unbuilt.getValue()), DerivedViews.Need.LISTING, lockWaits)
                                == DerivedViews.Readiness.BUSY) {
                            busy.add(unbuilt);
                        }
                    } catch (DerivedViews.LockWaitedOut e) {
                        waitedOut.add(unbuilt);
                    }
                }
                for (Map.Entry<String, String> unbuilt : busy) {
                    try {
                        views.ensure(unbuilt.getKey(), profile, unbuilt.getValue(), grantOf(r, unbuilt.getKey(), unbuilt.getValue()),
                                DerivedViews.Need.LISTING, lockWaits);
                    } catch (DerivedViews.LockWaitedOut e) {
                        waitedOut.add(unbuilt);
                    }
                }
                List<Map.Entry<String, String>> later = new ArrayList<>(waitedOut);
                later.addAll(missing.subList(now.size(), missing.size()));
                // The builder builds whole what this search listed, and lists and builds what it left over:
                // a listing stands only until its pixels are judged.
                if (!missing.isEmpty()) {
                    builder.ask(missing.stream()
                            .map(e -> new String[] {e.getKey(), e.getValue(), profile.name()}).toList());
                }
                // A search about one study leaves out nothing but that study, if it was left over.
                int pending = namedStudy.isEmpty() ? later.size()
                        : named.isPresent() && later.contains(named.get()) ? 1 : 0;
                // The search itself runs at the time it runs: building views may have taken seconds,
                // and a share or consent that ended meanwhile must not show its study.
                SearchScope.Deidentified atSearch = new SearchScope.Deidentified(r, Instant.now(), scope.keyVersion());
                yield new Search(atSearch, pending, namedStudy.isEmpty() && more);
            }
        };
    }

    /** 401 or 403 unless the caller may read images at all: before a request's path or parameters are judged. */
    public void requireReader() {
        access.requireReader();
    }

    /** The study a WADO path names, as this caller may see it; 404 when it may not. */
    public Reachable forRead(String studyUid)
            throws SQLException, IOException, UnknownResourceException, DeidentificationUnavailableException {
        Caller caller = access.requireReader();
        switch (policy.requirement(caller)) {
            case Requirement.Identified i -> {
                audit.studies(List.of(studyUid));
                return new Reachable(IndexTarget.ORIGINAL, studyUid, studyUid);
            }
            case Requirement.Denied d -> throw hidden(d.reason());
            case Requirement.Deidentified r -> {
                DerivedViews views = views();
                Optional<String[]> origin = originOf(studyUid, views.keyVersion());
                if (origin.isEmpty()) {
                    // An original UID asked for from outside treatment is a probe of that study: filed under it.
                    if (instances.isStudyIndexed(studyUid)) {
                        audit.studies(List.of(studyUid));
                        throw hidden("an original study UID, asked for outside treatment");
                    }
                    throw hidden("not a UID this server derived under the current key");
                }
                String original = origin.get()[0];
                audit.studies(List.of(original));
                AccessDecision decision = r.evaluate(registry.consents(original), registry.shares(original), Instant.now());
                if (decision instanceof AccessDecision.Denied denied) {
                    throw hidden(denied.reason());
                }
                AccessDecision.Deidentified seen = (AccessDecision.Deidentified) decision;
                if (!seen.context().equals(origin.get()[1])) {
                    throw hidden("the UID was derived for another audience or purpose");
                }
                if (!views.ensure(original, profile(seen.profile()), seen.context(), grantOf(r, original, seen.context()))) {
                    throw hidden("the UID is not a study's");
                }
                return new Reachable(IndexTarget.DERIVED, studyUid, original);
            }
        }
    }

    /** The requirement still met for the study, in the same context, when a build re-checks it. */
    private DerivedViews.Grant grantOf(Requirement.Deidentified r, String original, String context) {
        return () -> r.evaluate(registry.consents(original), registry.shares(original), Instant.now())
                instanceof AccessDecision.Deidentified d && d.context().equals(context);
    }

    private UnknownResourceException hidden(String reason) {
        audit.denied(reason);
        return new UnknownResourceException("study");
    }

    /** The original UID and the context of a derived UID, through the reverse map. */
    private Optional<String[]> originOf(String derivedUid, String keyVersion) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT original_uid, context FROM derived_uid WHERE derived_uid = ? AND key_version = ?")) {
            s.setString(1, derivedUid);
            s.setString(2, keyVersion);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.empty();
            }
        }
    }

    private DerivedViews views() throws DeidentificationUnavailableException {
        return deid.views().orElseThrow(DeidentificationUnavailableException::new);
    }

    private Profile profile(String name) {
        return deid.profiles().get(name)
                .orElseThrow(() -> new IllegalStateException("no de-identification profile named " + name));
    }
}
