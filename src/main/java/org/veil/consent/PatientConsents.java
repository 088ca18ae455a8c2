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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import org.veil.consent.ConsentApiException.Field;
import org.veil.policy.ConsentMethod;
import org.veil.policy.Purpose;

/**
 * Consents recorded for a patient: for several named studies, or for all the patient's studies,
 * now and later (V10__patient_consents.sql). The policy never reads them: each is carried out as
 * one consent row per study in {@link ConsentRegistry}'s table, in the same transaction, and a
 * study stored later gains its row from the database trigger as it is stored. Withdrawing a
 * patient consent withdraws every row it made and stops new ones.
 */
@ApplicationScoped
public class PatientConsents {
    private final AgroalDataSource db;
    private final Event<ConsentChange> changes;

    /** Writes the record of a change on the change's connection, naming every study it touched. */
    @FunctionalInterface
    public interface OnChange {
        /** @param detail what changed, for the audit row (as ConsentRegistry.OnChange's) */
        void record(Connection c, List<String> studyUids, String detail) throws SQLException;
    }

    /** A patient (PatientID and its issuer) and what they agreed to; no studies means all of them, now and later. */
    public record NewPatientConsent(String patientId, String issuer, List<String> studies, ConsentRequests.NewConsent terms) {
    }

    /** A patient consent as recorded, with the studies it covers so far and its withdrawal. */
    public record PatientConsentView(String id, String patientId, String issuer, boolean allStudies, List<String> studies,
                                     List<String> scopes, String method, ConsentRequests.Evidence evidence, String recordedBy,
                                     String recordedAt, String validFrom, String validUntil, ConsentViews.Withdrawn withdrawal,
                                     boolean active) {
    }

    public PatientConsents(AgroalDataSource db, Event<ConsentChange> changes) {
        this.db = db;
        this.changes = changes;
    }

    /**
     * The most studies one patient consent covers when it is recorded: each takes a consent row
     * and a lock in one transaction while every store waits on the patient-consent lock, and an
     * identifier thousands of studies share is the one a site gives unknown patients
     * ({@code UNKNOWN}, {@code 0}) far more often than one patient's history. More is refused,
     * not cut short.
     */
    public static final int MAX_STUDIES = 1000;

    /** Records a patient consent and carries it out on the studies it covers today; returns its id. */
    @Transactional(rollbackOn = Exception.class)
    public String record(NewPatientConsent req, String recordedBy, Instant now, OnChange onChange) throws SQLException {
        String patientId = req.patientId() == null ? "" : ConsentRegistry.spaceTrimmed(req.patientId());
        if (patientId.isEmpty()) {
            throw ConsentApiException.invalid(Field.PATIENT, "a patient consent needs the patient's identifier");
        }
        String issuer = normalIssuer(req.issuer());
        ConsentTerms terms = ConsentTerms.of(req.terms(), now);
        boolean allStudies = req.studies() == null || req.studies().isEmpty();
        if (!allStudies && new java.util.HashSet<>(req.studies()).size() > MAX_STUDIES) {
            throw tooManyStudies();
        }
        try (Connection c = db.getConnection()) {
            lockPatientConsents(c);
            TreeSet<String> studies = new TreeSet<>();
            if (allStudies) {
                if (overlapsPatientWide(c, patientId, issuer, terms)) {
                    throw ConsentApiException.conflict("an active consent for all of this patient's studies already covers one of these scopes");
                }
                studies.addAll(studiesOf(c, patientId, issuer));
                if (studies.isEmpty() && hasStudiesUnderAnotherIssuer(c, patientId, issuer)) {
                    // Most likely the identifier's system is not written as the studies' IssuerOfPatientID:
                    // recorded as sent, it would cover nothing, now or later, and say nothing.
                    throw ConsentApiException.invalid(Field.PATIENT,
                            "the patient's identifier system matches no IssuerOfPatientID of the studies "
                            + "with this PatientID; name the issuer as the studies do, or leave the system out if they have none");
                }
            } else {
                for (String study : req.studies()) {
                    String[] owner = ConsentRegistry.patientOf(c, study);
                    if (!patientId.equals(strip(owner[0])) || !Optional.ofNullable(issuer).orElse("").equals(strip(owner[1]))) {
                        throw ConsentApiException.invalid(Field.PATIENT, "a study the consent names belongs to another patient");
                    }
                    studies.add(study);
                }
            }
            if (studies.size() > MAX_STUDIES) {
                throw tooManyStudies();
            }
            UUID id = UUID.randomUUID();
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO patient_consent (id, patient_id, issuer_of_patient_id, all_studies, scopes, method, evidence_reference,
                                                 evidence_sha256, recorded_by, recorded_at, valid_from, valid_until)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                s.setObject(1, id);
                s.setString(2, patientId);
                s.setString(3, issuer);
                s.setBoolean(4, allStudies);
                s.setArray(5, ConsentRegistry.scopeArray(c, terms.scopes()));
                s.setString(6, terms.method().apiName());
                s.setString(7, terms.evidence() == null ? null : terms.evidence().reference());
                s.setString(8, terms.evidenceSha256());
                s.setString(9, recordedBy);
                s.setTimestamp(10, Timestamp.from(now));
                s.setTimestamp(11, Timestamp.from(terms.from()));
                s.setTimestamp(12, terms.until().map(Timestamp::from).orElse(null));
                s.executeUpdate();
            }
            Map<String, String> made = new LinkedHashMap<>();
            for (String study : studies) {
                ConsentRegistry.lockStudyConsents(c, study);
                if (ConsentRegistry.overlaps(c, study, terms)) {
                    throw ConsentApiException.conflict("an active consent already covers one of these scopes for a study this consent covers");
                }
                made.put(study, ConsentRegistry.insert(c, study, ConsentRegistry.patientOf(c, study), terms, recordedBy, now, id));
            }
            // The events first: their observers' work is done before the audit row takes the chain lock.
            made.forEach((study, consentId) ->
                    changes.fire(new ConsentChange.ConsentRecorded(study, consentId, java.util.Set.copyOf(terms.scopes()))));
            onChange.record(c, List.copyOf(studies), "patient consent " + id + " (" + (allStudies ? "all studies, now and later"
                    : studies.size() + " studies") + "): " + terms.describe());
            return id.toString();
        }
    }

    /**
     * Withdraws a patient consent: every consent row it made is withdrawn with the same reason,
     * and no study stored from now on gains one. Effective on the next request.
     */
    @Transactional(rollbackOn = Exception.class)
    public PatientConsentView withdraw(String id, ConsentRequests.Withdrawal req, String by, Instant now, OnChange onChange)
            throws SQLException {
        if (req == null || req.reason() == null || req.reason().isBlank()) {
            throw ConsentApiException.invalid(Field.REASON, "a withdrawal needs a reason");
        }
        UUID uuid = uuid(id).orElseThrow(() -> ConsentApiException.unknown("unknown consent"));
        try (Connection c = db.getConnection()) {
            String[] patient = patientOfConsent(c, uuid).orElseThrow(() -> ConsentApiException.unknown("unknown consent"));
            lockPatientConsents(c);
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO patient_consent_withdrawal (patient_consent_id, withdrawn_by, withdrawn_at, reason)
                    VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
                s.setObject(1, uuid);
                s.setString(2, by);
                s.setTimestamp(3, Timestamp.from(now));
                s.setString(4, req.reason());
                if (s.executeUpdate() == 0) {
                    throw ConsentApiException.conflict("the consent is already withdrawn");
                }
            }
            Map<String, String> withdrawn = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO consent_withdrawal (consent_id, withdrawn_by, withdrawn_at, reason)
                    SELECT c.id, ?, ?, ? FROM consent c
                     WHERE c.patient_consent_id = ?
                       AND NOT EXISTS (SELECT 1 FROM consent_withdrawal w WHERE w.consent_id = c.id)
                    ON CONFLICT (consent_id) DO NOTHING
                    RETURNING consent_id, (SELECT study_instance_uid FROM consent WHERE id = consent_id)""")) {
                s.setString(1, by);
                s.setTimestamp(2, Timestamp.from(now));
                s.setString(3, req.reason());
                s.setObject(4, uuid);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        withdrawn.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            withdrawn.forEach((consentId, study) -> changes.fire(new ConsentChange.ConsentWithdrawn(study, consentId)));
            onChange.record(c, withdrawn.values().stream().distinct().sorted().toList(), "patient consent " + uuid + " withdrawn");
        }
        return find(id, now).orElseThrow();
    }

    /**
     * The study consents the storing trigger (V10, V14) made in the current transaction for
     * studies being stored; the active ones are announced like any recorded consent (so their
     * views are built ahead). A withdrawn or expired patient consent is carried out too, so that
     * it stays on record for the new study and denies, and is not announced. Returns the studies
     * that gained a consent, for the audit row the store writes beside its own.
     */
    public List<String> carriedOutOnStore(Connection c, List<String> studyUids) throws SQLException {
        if (studyUids.isEmpty()) {
            return List.of();
        }
        Map<String, String> made = new LinkedHashMap<>();
        Map<String, java.util.Set<Purpose>> scopes = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT c.id, c.study_instance_uid, c.scopes,
                       w.consent_id IS NULL AND (c.valid_until IS NULL OR c.valid_until > now())
                  FROM consent c LEFT JOIN consent_withdrawal w ON w.consent_id = c.id
                 WHERE c.patient_consent_id IS NOT NULL AND c.study_instance_uid = ANY (?) AND c.recorded_at = now()""")) {
            s.setArray(1, c.createArrayOf("text", studyUids.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    made.put(rs.getString(1), rs.getString(2));
                    if (!rs.getBoolean(4)) {
                        continue;
                    }
                    java.util.Set<Purpose> set = new java.util.LinkedHashSet<>();
                    for (Object o : (Object[]) rs.getArray(3).getArray()) {
                        Purpose.fromScope(Purpose.SCOPE_PREFIX + o).ifPresent(set::add);
                    }
                    scopes.put(rs.getString(1), set);
                }
            }
        }
        scopes.forEach((id, set) -> changes.fire(new ConsentChange.ConsentRecorded(made.get(id), id, java.util.Set.copyOf(set))));
        return made.values().stream().distinct().sorted().toList();
    }

    /** One patient consent by id. */
    public Optional<PatientConsentView> find(String id, Instant now) throws SQLException {
        Optional<UUID> uuid = uuid(id);
        if (uuid.isEmpty()) {
            return Optional.empty();
        }
        try (Connection c = db.getConnection()) {
            List<PatientConsentView> found = select(c, "p.id = ?", List.of(uuid.get()), now);
            return found.stream().findFirst();
        }
    }

    /** Every patient consent recorded for the patient, withdrawn ones included, oldest first; no issuer: any. */
    public List<PatientConsentView> ofPatient(String patientId, Optional<String> issuer, Instant now) throws SQLException {
        try (Connection c = db.getConnection()) {
            return select(c, "p.patient_id = ? AND (? OR coalesce(p.issuer_of_patient_id, '') = ?)",
                    List.of(strip(patientId), issuer.isEmpty(), Optional.ofNullable(normalIssuer(issuer.orElse(null))).orElse("")), now);
        }
    }

    private static List<PatientConsentView> select(Connection c, String where, List<Object> params, Instant now) throws SQLException {
        List<PatientConsentView> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT p.id, p.patient_id, p.issuer_of_patient_id, p.all_studies, p.scopes, p.method, p.evidence_reference,
                       p.evidence_sha256, p.recorded_by, p.recorded_at, p.valid_from, p.valid_until,
                       w.withdrawn_by, w.withdrawn_at, w.reason,
                       ARRAY(SELECT DISTINCT m.study_instance_uid FROM consent m WHERE m.patient_consent_id = p.id
                              ORDER BY m.study_instance_uid)
                  FROM patient_consent p LEFT JOIN patient_consent_withdrawal w ON w.patient_consent_id = p.id
                 WHERE %s ORDER BY p.recorded_at, p.id""".formatted(where))) {
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(view(rs, now));
                }
            }
        }
        return out;
    }

    private static PatientConsentView view(ResultSet rs, Instant now) throws SQLException {
        List<String> scopes = Arrays.stream((Object[]) rs.getArray(5).getArray()).map(String::valueOf).toList();
        Instant from = rs.getTimestamp(11).toInstant();
        Optional<Instant> until = Optional.ofNullable(rs.getTimestamp(12)).map(Timestamp::toInstant);
        ConsentViews.Withdrawn withdrawn = rs.getString(13) == null ? null
                : new ConsentViews.Withdrawn(rs.getString(13), rs.getTimestamp(14).toInstant().toString(), rs.getString(15));
        // Active as the policy defines it for every consent (policy.Consent#activeAt), not by a second rule.
        boolean active = new org.veil.policy.Consent(rs.getString(1), java.util.Set.of(), ConsentMethod.fromApiName(rs.getString(6)).orElseThrow(),
                from, until, Optional.ofNullable(rs.getTimestamp(14)).map(Timestamp::toInstant)).activeAt(now);
        ConsentRequests.Evidence evidence = rs.getString(7) == null && rs.getString(8) == null ? null
                : new ConsentRequests.Evidence(rs.getString(7), rs.getString(8));
        Array studies = rs.getArray(16);
        return new PatientConsentView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                Arrays.stream((Object[]) studies.getArray()).map(String::valueOf).toList(), scopes,
                ConsentMethod.fromApiName(rs.getString(6)).orElseThrow().apiName(), evidence, rs.getString(9),
                rs.getTimestamp(10).toInstant().toString(), from.toString(), until.map(Instant::toString).orElse(null), withdrawn, active);
    }

    /**
     * The lock every storing transaction takes shared (V11__patient_consent_lock.sql, the same
     * number), taken exclusively to record or withdraw a patient consent: one lock for all
     * patients, so that a store holds one lock whatever it stores.
     */
    static final long PATIENT_CONSENT_LOCK = 7320191401L;

    private static void lockPatientConsents(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            s.setLong(1, PATIENT_CONSENT_LOCK);
            s.execute();
        }
    }

    private static boolean overlapsPatientWide(Connection c, String patientId, String issuer, ConsentTerms t)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT 1 FROM patient_consent p LEFT JOIN patient_consent_withdrawal w ON w.patient_consent_id = p.id
                 WHERE p.all_studies AND w.patient_consent_id IS NULL
                   AND p.patient_id = ? AND coalesce(p.issuer_of_patient_id, '') = ?
                   AND (p.scopes && ? OR (? AND 'publication' = ANY(p.scopes) AND (p.method = 'written') = ?))
                   AND (p.valid_until IS NULL OR p.valid_until > ?)
                   AND (?::timestamptz IS NULL OR ? > p.valid_from)""")) {
            // Publication in writing and otherwise are different grants (ConsentTerms.sharesAGrantWith).
            Timestamp until = t.until().map(Timestamp::from).orElse(null);
            s.setString(1, patientId);
            s.setString(2, Optional.ofNullable(issuer).orElse(""));
            s.setArray(3, ConsentRegistry.scopeArray(c, t.scopesButPublication()));
            s.setBoolean(4, t.scopes().contains(Purpose.PUBLICATION));
            s.setBoolean(5, t.method() == ConsentMethod.WRITTEN);
            s.setTimestamp(6, Timestamp.from(t.from()));
            s.setTimestamp(7, until);
            s.setTimestamp(8, until);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static ConsentApiException tooManyStudies() {
        return ConsentApiException.invalid(Field.STUDIES, "a consent covers at most " + MAX_STUDIES + " studies at once (an identifier "
                + "with more is most often the one a site gives whoever it cannot identify): name the studies meant, in consents of "
                + "at most that many");
    }

    /** The patient's studies, one more than {@link #MAX_STUDIES} at most: enough to refuse more. */
    private static List<String> studiesOf(Connection c, String patientId, String issuer) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT study_instance_uid FROM study
                 WHERE btrim(patient_id) = ? AND coalesce(btrim(issuer_of_patient_id), '') = ?
                 LIMIT ?""")) {
            s.setString(1, patientId);
            s.setString(2, Optional.ofNullable(issuer).orElse(""));
            s.setInt(3, MAX_STUDIES + 1);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static boolean hasStudiesUnderAnotherIssuer(Connection c, String patientId, String issuer) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT 1 FROM study WHERE btrim(patient_id) = ? AND coalesce(btrim(issuer_of_patient_id), '') <> ? LIMIT 1""")) {
            s.setString(1, patientId);
            s.setString(2, Optional.ofNullable(issuer).orElse(""));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<String[]> patientOfConsent(Connection c, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT patient_id, issuer_of_patient_id FROM patient_consent WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.empty();
            }
        }
    }

    /** As index.PatientIdentity compares them: surrounding spaces aside, an empty issuer is none. */
    private static String normalIssuer(String issuer) {
        String s = strip(issuer);
        return s.isEmpty() ? null : s;
    }

    private static String strip(String s) {
        return s == null ? "" : ConsentRegistry.spaceTrimmed(s);
    }

    private static Optional<UUID> uuid(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
