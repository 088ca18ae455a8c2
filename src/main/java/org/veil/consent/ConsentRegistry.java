package org.veil.consent;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.veil.consent.ConsentApiException.Field;
import org.veil.policy.Consent;
import org.veil.policy.ConsentMethod;
import org.veil.policy.Purpose;
import org.veil.policy.Share;

/**
 * The consent registry and the shares, in PostgreSQL, append-only (V3__consent.sql). What a
 * consent says is checked by {@link ConsentTerms}; the decision what a consent allows is
 * {@link org.veil.policy.AccessPolicy}'s.
 */
@ApplicationScoped
public class ConsentRegistry {
    private final AgroalDataSource db;
    private final Event<ConsentChange> changes;
    private final java.time.Duration maxShareValidity;
    private final AudienceDirectory directory;

    /**
     * Writes the record of a change on the change's own connection, before it commits: a change
     * and its audit row stand or fall together.
     */
    @FunctionalInterface
    public interface OnChange {
        /** @param detail what changed, for the audit row: the consent's or share's id and terms, never the evidence or a reason's text */
        void record(Connection c, String studyUid, String detail) throws SQLException;
    }

    public ConsentRegistry(AgroalDataSource db, Event<ConsentChange> changes, AudienceDirectory directory, SharesConfig shares) {
        this.maxShareValidity = shares.maxValidity();
        this.db = db;
        this.changes = changes;
        this.directory = directory;
    }

    /** Records a consent for a study; returns its id. */
    @Transactional(rollbackOn = Exception.class)
    public String record(String studyUid, ConsentRequests.NewConsent req, String recordedBy, Instant now, OnChange onChange)
            throws SQLException {
        if (req == null) {
            throw ConsentApiException.invalid("a consent needs a JSON body");
        }
        ConsentTerms terms = ConsentTerms.of(req, now);
        try (Connection c = db.getConnection()) {
            String[] patient = patientOf(c, studyUid);
            lockStudyConsents(c, studyUid);
            if (overlaps(c, studyUid, terms)) {
                throw ConsentApiException.conflict("an active consent for this study already covers one of these scopes");
            }
            String id = insert(c, studyUid, patient, terms, recordedBy, now, null);
            onChange.record(c, studyUid, "consent " + id + ": " + terms.describe());
            changes.fire(new ConsentChange.ConsentRecorded(studyUid, id, Set.copyOf(terms.scopes())));
            return id;
        }
    }

    /** The check for an overlapping consent and the insert are one step per study. */
    static void lockStudyConsents(Connection c, String studyUid) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, "consent:" + studyUid);
            lock.execute();
        }
    }

    /** True when an active consent of the study overlaps these terms in time and in a grant ({@link ConsentTerms#sharesAGrantWith}). */
    static boolean overlaps(Connection c, String studyUid, ConsentTerms t) throws SQLException {
        for (Consent existing : consents(c, studyUid)) {
            boolean overlaps = existing.withdrawnAt().isEmpty()
                    && existing.validUntil().map(u -> u.isAfter(t.from())).orElse(true)
                    && t.until().map(u -> u.isAfter(existing.validFrom())).orElse(true)
                    && t.sharesAGrantWith(existing.scopes(), existing.method());
            if (overlaps) {
                return true;
            }
        }
        return false;
    }

    /** Inserts one study's consent row; {@code patientConsentId} names the patient consent it carries out, if any. */
    static String insert(Connection c, String studyUid, String[] patient, ConsentTerms t, String recordedBy, Instant now,
                         UUID patientConsentId) throws SQLException {
        String id = UUID.randomUUID().toString();
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO consent (id, study_instance_uid, patient_id, issuer_of_patient_id, scopes, method, evidence_reference,
                                     evidence_sha256, recorded_by, recorded_at, valid_from, valid_until, patient_consent_id)
                VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, id);
            s.setString(2, studyUid);
            s.setString(3, patient[0]);
            s.setString(4, patient[1]);
            s.setArray(5, scopeArray(c, t.scopes()));
            s.setString(6, t.method().apiName());
            s.setString(7, t.evidence() == null ? null : t.evidence().reference());
            s.setString(8, t.evidenceSha256());
            s.setString(9, recordedBy);
            s.setTimestamp(10, Timestamp.from(now));
            s.setTimestamp(11, Timestamp.from(t.from()));
            s.setTimestamp(12, t.until().map(Timestamp::from).orElse(null));
            s.setObject(13, patientConsentId);
            s.executeUpdate();
        }
        return id;
    }

    static Array scopeArray(Connection c, Set<Purpose> scopes) throws SQLException {
        return c.createArrayOf("text", scopes.stream().map(Purpose::scopeName).toArray());
    }

    /** Every consent ever recorded for the study, withdrawn ones included, oldest first. */
    public List<ConsentViews.ConsentView> history(String studyUid, Instant now) throws SQLException {
        List<ConsentViews.ConsentView> out = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            patientOf(c, studyUid);
            try (PreparedStatement s = c.prepareStatement(CONSENT_SELECT + " WHERE c.study_instance_uid = ? ORDER BY c.recorded_at, c.id")) {
                s.setString(1, studyUid);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(view(rs, now));
                    }
                }
            }
        }
        return out;
    }

    /** A study's consent with the patient it was recorded for (PatientID, issuer), for the FHIR view. */
    public record Recorded(ConsentViews.ConsentView view, String patientId, String issuer) {
    }

    /**
     * True when the study belongs to the patient (PatientID and issuer compared as
     * index.PatientIdentity does); 404 for a study Veil does not hold.
     */
    public boolean isStudyOf(String studyUid, String patientId, String issuer) throws SQLException {
        try (Connection c = db.getConnection()) {
            String[] owner = patientOf(c, studyUid);
            return strip(owner[0]).equals(strip(patientId)) && strip(owner[1]).equals(strip(issuer));
        }
    }

    private static String strip(String s) {
        return s == null ? "" : spaceTrimmed(s);
    }

    /**
     * Trimmed of the spaces DICOM pads values with, exactly as PostgreSQL's btrim, which the
     * SQL side (V10's trigger, the patient look-ups) uses: one rule on both sides, so that the
     * two agree on a patient and on the lock key that keeps them apart.
     */
    public static String spaceTrimmed(String s) {
        return org.veil.index.PatientIdentity.spaceTrimmed(s);
    }

    /** One consent by id, withdrawn or not. */
    public Optional<Recorded> find(String id, Instant now) throws SQLException {
        Optional<UUID> parsed = parsedId(id);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        UUID uuid = parsed.get();
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement(CONSENT_SELECT + " WHERE c.id = ?")) {
            s.setObject(1, uuid);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Recorded(view(rs, now), rs.getString(15), rs.getString(16))) : Optional.empty();
            }
        }
    }

    /**
     * The consents recorded for one study at a time for a patient (not those carrying out a
     * patient consent: that is listed by {@link PatientConsents}), oldest first; no issuer: any.
     */
    public List<Recorded> ofPatient(String patientId, Optional<String> issuer, Instant now) throws SQLException {
        List<Recorded> out = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement(CONSENT_SELECT + " " + """
                      WHERE btrim(c.patient_id) = ? AND (? OR coalesce(btrim(c.issuer_of_patient_id), '') = ?)
                        AND c.patient_consent_id IS NULL
                      ORDER BY c.recorded_at, c.id""")) {
            s.setString(1, spaceTrimmed(patientId));
            s.setBoolean(2, issuer.isEmpty());
            s.setString(3, strip(issuer.orElse("")));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Recorded(view(rs, now), rs.getString(15), rs.getString(16)));
                }
            }
        }
        return out;
    }

    /** The consents the policy weighs for a study. */
    public List<Consent> consents(String studyUid) throws SQLException {
        try (Connection c = db.getConnection()) {
            return consents(c, studyUid);
        }
    }

    /**
     * Withdraws a consent. It holds from the next request on, because every request weighs the
     * consents in the database; what was derived under it is dropped by the observers of
     * {@link ConsentChange.ConsentWithdrawn} once this commits.
     */
    @Transactional(rollbackOn = Exception.class)
    public ConsentViews.ConsentView withdraw(String id, ConsentRequests.Withdrawal req, String by, Instant now, OnChange onChange)
            throws SQLException {
        if (req == null || req.reason() == null || req.reason().isBlank()) {
            throw ConsentApiException.invalid(Field.REASON, "a withdrawal needs a reason");
        }
        UUID uuid = uuid(id, "consent");
        String study;
        try (Connection c = db.getConnection()) {
            String withdrawn = studyOfConsent(c, uuid);
            study = withdrawn;
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO consent_withdrawal (consent_id, withdrawn_by, withdrawn_at, reason) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setObject(1, uuid);
                s.setString(2, by);
                s.setTimestamp(3, Timestamp.from(now));
                s.setString(4, req.reason());
                if (s.executeUpdate() == 0) {
                    throw ConsentApiException.conflict("the consent is already withdrawn");
                }
            }
            onChange.record(c, withdrawn, "consent " + uuid + " withdrawn");
            changes.fire(new ConsentChange.ConsentWithdrawn(withdrawn, uuid.toString()));
        }
        return history(study, now).stream().filter(v -> v.id().equals(uuid.toString())).findFirst().orElseThrow();
    }

    /** Grants a study to an audience for a purpose until an expiry; returns the share's id. */
    @Transactional(rollbackOn = Exception.class)
    public String share(String studyUid, ConsentRequests.NewShare req, String by, Instant now, OnChange onChange)
            throws SQLException {
        if (req == null) {
            throw ConsentApiException.invalid("a share needs a JSON body");
        }
        // Only consultation reads a share (AccessPolicy): teaching, research and publication are
        // granted by the patient's consent to every caller of that purpose, so a share for them
        // would look like an audience limit that nothing enforces. Refused rather than kept.
        Purpose purpose = Optional.ofNullable(req.purpose()).flatMap(p -> Purpose.fromScope(Purpose.SCOPE_PREFIX + p))
                .filter(p -> p == Purpose.CONSULTATION)
                .orElseThrow(() -> ConsentApiException.invalid(Field.PURPOSE,
                        "purpose must be consultation: teaching, research and publication are granted by consent, not by a share"));
        ConsentRequests.Audience audience = req.audience();
        Share.AudienceType type = audience == null || audience.type() == null ? null : Arrays.stream(Share.AudienceType.values())
                .filter(t -> t.name().equalsIgnoreCase(audience.type())).findFirst().orElse(null);
        if (type == null || audience.id() == null || audience.id().isBlank()) {
            throw ConsentApiException.invalid(Field.AUDIENCE, "audience needs a type (user, group, organisation or client) and an id");
        }
        if (req.expiresAt() == null) {
            throw ConsentApiException.invalid(Field.EXPIRES_AT, "a share needs expiresAt");
        }
        Instant expires = ConsentTerms.instant(req.expiresAt(), "expiresAt", Field.EXPIRES_AT);
        if (!expires.isAfter(now)) {
            throw ConsentApiException.invalid(Field.EXPIRES_AT, "expiresAt is in the past");
        }
        if (expires.isAfter(now.plus(maxShareValidity))) {
            throw ConsentApiException.invalid(Field.EXPIRES_AT, "expiresAt is more than " + maxShareValidity.toDays()
                    + " days ahead, the longest a share may run (veil.shares.max-validity); share for less and renew");
        }
        try (Connection c = db.getConnection()) {
            patientOf(c, studyUid);
            AudienceDirectory.Resolved named = directory.resolve(type, audience.id().trim());
            String id = UUID.randomUUID().toString();
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO study_share (id, study_instance_uid, purpose, audience_type, audience, expires_at, created_by, created_at,
                                             audience_id)
                    VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                s.setString(1, id);
                s.setString(2, studyUid);
                s.setString(3, purpose.scopeName());
                s.setString(4, type.name().toLowerCase(java.util.Locale.ROOT));
                s.setString(5, named.audience());
                s.setTimestamp(6, Timestamp.from(expires));
                s.setString(7, by);
                s.setTimestamp(8, Timestamp.from(now));
                s.setString(9, named.stableId().orElse(null));
                s.executeUpdate();
            }
            onChange.record(c, studyUid, "share " + id + ": " + purpose.scopeName() + " to " + type.name().toLowerCase(java.util.Locale.ROOT)
                    + " " + named.audience() + " until " + expires);
            changes.fire(new ConsentChange.ShareRecorded(studyUid, id, purpose));
            return id;
        }
    }

    /** Every share of the study, revoked and expired ones included. */
    public List<ConsentViews.ShareView> shareHistory(String studyUid, Instant now) throws SQLException {
        List<ConsentViews.ShareView> out = new ArrayList<>();
        try (Connection c = db.getConnection()) {
            patientOf(c, studyUid);
            for (Share sh : shares(c, studyUid)) {
                out.add(shareView(c, sh, studyUid, now));
            }
        }
        return out;
    }

    /** One share by id, revoked or expired or not. */
    public Optional<ConsentViews.ShareView> findShare(String id, Instant now) throws SQLException {
        Optional<UUID> parsed = parsedId(id);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        UUID uuid = parsed.get();
        try (Connection c = db.getConnection()) {
            Optional<String> study = studyOf(c, RecordKind.SHARE, uuid);
            if (study.isEmpty()) {
                return Optional.empty();
            }
            for (Share sh : shares(c, study.get())) {
                if (sh.id().equals(uuid.toString())) {
                    return Optional.of(shareView(c, sh, study.get(), now));
                }
            }
            return Optional.empty();
        }
    }

    /** The shares the policy weighs for a study. */
    public List<Share> shares(String studyUid) throws SQLException {
        try (Connection c = db.getConnection()) {
            return shares(c, studyUid);
        }
    }

    /** Revokes a share; the share stays in the history. Revoking twice changes nothing. */
    @Transactional(rollbackOn = Exception.class)
    public void revoke(String id, String by, Instant now, OnChange onChange) throws SQLException {
        UUID uuid = uuid(id, "share");
        String study;
        try (Connection c = db.getConnection()) {
            study = studyOf(c, RecordKind.SHARE, uuid).orElseThrow(() -> ConsentApiException.unknown("unknown share"));
            String revoked = study;
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO share_revocation (share_id, revoked_by, revoked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setObject(1, uuid);
                s.setString(2, by);
                s.setTimestamp(3, Timestamp.from(now));
                if (s.executeUpdate() == 0) {
                    // Revoked already: nothing changes, so the trail records no change.
                    return;
                }
            }
            onChange.record(c, revoked, "share " + uuid + " revoked");
            changes.fire(new ConsentChange.ShareRevoked(revoked, uuid.toString()));
        }
    }

    private static final String CONSENT_SELECT = """
            SELECT c.id, c.study_instance_uid, c.scopes, c.method, c.evidence_reference, c.evidence_sha256, c.recorded_by,
                   c.recorded_at, c.valid_from, c.valid_until, w.withdrawn_by, w.withdrawn_at, w.reason, c.patient_consent_id,
                   c.patient_id, c.issuer_of_patient_id
              FROM consent c LEFT JOIN consent_withdrawal w ON w.consent_id = c.id""";

    private static List<Consent> consents(Connection c, String studyUid) throws SQLException {
        List<Consent> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(CONSENT_SELECT + " WHERE c.study_instance_uid = ?")) {
            s.setString(1, studyUid);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(consent(rs));
                }
            }
        }
        return out;
    }

    private static Consent consent(ResultSet rs) throws SQLException {
        Set<Purpose> scopes = new LinkedHashSet<>();
        Array a = rs.getArray(3);
        for (Object o : (Object[]) a.getArray()) {
            Purpose.fromScope(Purpose.SCOPE_PREFIX + o).ifPresent(scopes::add);
        }
        return new Consent(rs.getString(1), scopes, ConsentMethod.fromApiName(rs.getString(4)).orElseThrow(),
                rs.getTimestamp(9).toInstant(), Optional.ofNullable(rs.getTimestamp(10)).map(Timestamp::toInstant),
                Optional.ofNullable(rs.getTimestamp(12)).map(Timestamp::toInstant));
    }

    private static ConsentViews.ConsentView view(ResultSet rs, Instant now) throws SQLException {
        Consent consent = consent(rs);
        ConsentViews.Withdrawn withdrawn = rs.getString(11) == null ? null
                : new ConsentViews.Withdrawn(rs.getString(11), rs.getTimestamp(12).toInstant().toString(), rs.getString(13));
        ConsentRequests.Evidence evidence = rs.getString(5) == null && rs.getString(6) == null ? null
                : new ConsentRequests.Evidence(rs.getString(5), rs.getString(6));
        return new ConsentViews.ConsentView(consent.id(), rs.getString(2), consent.scopes().stream().map(Purpose::scopeName).toList(),
                consent.method().apiName(), evidence, rs.getString(7), rs.getTimestamp(8).toInstant().toString(),
                consent.validFrom().toString(), consent.validUntil().map(Instant::toString).orElse(null), withdrawn, consent.activeAt(now),
                rs.getString(14));
    }

    private static List<Share> shares(Connection c, String studyUid) throws SQLException {
        List<Share> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT s.id, s.purpose, s.audience_type, s.audience, s.expires_at, r.revoked_at
                  FROM study_share s LEFT JOIN share_revocation r ON r.share_id = s.id
                 WHERE s.study_instance_uid = ? ORDER BY s.created_at, s.id""")) {
            s.setString(1, studyUid);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Share(rs.getString(1), Purpose.fromScope(Purpose.SCOPE_PREFIX + rs.getString(2)).orElseThrow(),
                            Share.AudienceType.valueOf(rs.getString(3).toUpperCase(java.util.Locale.ROOT)), rs.getString(4),
                            rs.getTimestamp(5).toInstant(), Optional.ofNullable(rs.getTimestamp(6)).map(Timestamp::toInstant)));
                }
            }
        }
        return out;
    }

    private static ConsentViews.ShareView shareView(Connection c, Share sh, String studyUid, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT s.created_by, s.created_at, r.revoked_by, r.revoked_at
                  FROM study_share s LEFT JOIN share_revocation r ON r.share_id = s.id WHERE s.id = ?::uuid""")) {
            s.setString(1, sh.id());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                ConsentViews.Revoked revoked = rs.getString(3) == null ? null
                        : new ConsentViews.Revoked(rs.getString(3), rs.getTimestamp(4).toInstant().toString());
                return new ConsentViews.ShareView(sh.id(), studyUid, sh.purpose().scopeName(),
                        new ConsentRequests.Audience(sh.audienceType().name().toLowerCase(java.util.Locale.ROOT), sh.audience()),
                        sh.expiresAt().toString(), rs.getString(1), rs.getTimestamp(2).toInstant().toString(), revoked, sh.activeAt(now));
            }
        }
    }

    /** The study's patient (PatientID, issuer); 404 for a study Veil does not hold. */
    static String[] patientOf(Connection c, String studyUid) throws SQLException {
        if (studyUid == null || !org.veil.dicom.InstanceParser.isValidUid(studyUid)) {
            throw ConsentApiException.invalid(Field.STUDIES, "not a valid StudyInstanceUID");
        }
        try (PreparedStatement s = c.prepareStatement("SELECT patient_id, issuer_of_patient_id FROM study WHERE study_instance_uid = ?")) {
            s.setString(1, studyUid);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw ConsentApiException.unknown("unknown study");
                }
                return new String[] {rs.getString(1), rs.getString(2)};
            }
        }
    }

    private static String studyOfConsent(Connection c, UUID id) throws SQLException {
        return studyOf(c, RecordKind.CONSENT, id).orElseThrow(() -> ConsentApiException.unknown("unknown consent"));
    }

    /**
     * The study a consent or share id belongs to, for filing a refused request about it under
     * its study; empty for an id that names none.
     */
    public Optional<String> studyOf(RecordKind kind, String id) throws SQLException {
        Optional<UUID> parsed = parsedId(id);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        try (Connection c = db.getConnection()) {
            return studyOf(c, kind, parsed.get());
        }
    }

    /** The two kinds of record an id names. */
    public enum RecordKind {
        CONSENT("SELECT study_instance_uid FROM consent WHERE id = ?"),
        SHARE("SELECT study_instance_uid FROM study_share WHERE id = ?");

        private final String studySql;

        RecordKind(String studySql) {
            this.studySql = studySql;
        }
    }

    private static Optional<String> studyOf(Connection c, RecordKind kind, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(kind.studySql)) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** An id as the registry writes them (a UUID), or empty: an id of another shape names nothing. */
    private static Optional<UUID> parsedId(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static UUID uuid(String id, String what) {
        return parsedId(id).orElseThrow(() -> ConsentApiException.unknown("unknown " + what));
    }
}
