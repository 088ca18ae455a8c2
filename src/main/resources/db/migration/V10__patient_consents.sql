-- Consents recorded for a patient rather than for one study (a FHIR Consent naming several
-- studies, or none: docs/consent-and-policy.md, "FHIR"). The registry, the policy and the
-- visibility filter still weigh one study's `consent` rows only: a patient consent is carried out
-- as one `consent` row per study it covers, each naming it in `patient_consent_id`. One that
-- covers all the patient's studies (`all_studies`) also gains a row for every study of the
-- patient stored later, by the trigger below, in the storing transaction.

CREATE TABLE patient_consent (
    id                    UUID PRIMARY KEY,
    patient_id            TEXT NOT NULL CHECK (patient_id <> ''),
    issuer_of_patient_id  TEXT,
    all_studies           BOOLEAN NOT NULL,
    scopes                TEXT[] NOT NULL,
    method                TEXT NOT NULL CHECK (method IN ('written', 'electronic', 'verbal')),
    evidence_reference    TEXT,
    evidence_sha256       TEXT,
    recorded_by           TEXT NOT NULL,
    recorded_at           TIMESTAMPTZ NOT NULL,
    valid_from            TIMESTAMPTZ NOT NULL,
    valid_until           TIMESTAMPTZ
);
CREATE INDEX patient_consent_patient_idx ON patient_consent (patient_id);

CREATE TABLE patient_consent_withdrawal (
    patient_consent_id    UUID PRIMARY KEY REFERENCES patient_consent (id),
    withdrawn_by          TEXT NOT NULL,
    withdrawn_at          TIMESTAMPTZ NOT NULL,
    reason                TEXT NOT NULL
);

ALTER TABLE consent ADD COLUMN patient_consent_id UUID REFERENCES patient_consent (id);
CREATE INDEX consent_patient_consent_idx ON consent (patient_consent_id) WHERE patient_consent_id IS NOT NULL;
-- The patient look-ups compare PatientID as the trigger does, without DICOM's padding.
CREATE INDEX study_patient_id_trimmed_idx ON study (btrim(patient_id));

CREATE TRIGGER patient_consent_append_only BEFORE UPDATE OR DELETE ON patient_consent
    FOR EACH ROW EXECUTE FUNCTION veil_append_only();
CREATE TRIGGER patient_consent_withdrawal_append_only BEFORE UPDATE OR DELETE ON patient_consent_withdrawal
    FOR EACH ROW EXECUTE FUNCTION veil_append_only();

-- A study stored for a patient whose consent covers all their studies is covered from the moment
-- it is stored. Patients compare as index.PatientIdentity does: surrounding spaces aside, an
-- absent issuer equal to an empty one; patient_consent holds them stripped, the issuer '' as NULL.
-- The lock is the one consent.PatientConsents takes exclusively to record or
-- withdraw a patient consent: either this insert sees the withdrawal, or the withdrawal sees the
-- row this insert makes (each statement of a PL/pgSQL function reads what has committed by then).
CREATE FUNCTION veil_consent_for_new_study() RETURNS trigger AS $$
BEGIN
    IF coalesce(btrim(NEW.patient_id), '') = '' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(hashtext('patient-consent|' || btrim(NEW.patient_id) || '|'
                                                  || coalesce(btrim(NEW.issuer_of_patient_id), '')));
    INSERT INTO consent (id, study_instance_uid, patient_id, issuer_of_patient_id, scopes, method, evidence_reference,
                         evidence_sha256, recorded_by, recorded_at, valid_from, valid_until, patient_consent_id)
    SELECT gen_random_uuid(), NEW.study_instance_uid, NEW.patient_id, NEW.issuer_of_patient_id, p.scopes, p.method,
           p.evidence_reference, p.evidence_sha256, p.recorded_by, now(), p.valid_from, p.valid_until, p.id
      FROM patient_consent p LEFT JOIN patient_consent_withdrawal w ON w.patient_consent_id = p.id
     WHERE p.all_studies AND w.patient_consent_id IS NULL
       AND p.patient_id = btrim(NEW.patient_id)
       AND coalesce(p.issuer_of_patient_id, '') = coalesce(btrim(NEW.issuer_of_patient_id), '')
       AND (p.valid_until IS NULL OR p.valid_until > now());
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER study_covered_by_patient_consent AFTER INSERT ON study
    FOR EACH ROW EXECUTE FUNCTION veil_consent_for_new_study();
