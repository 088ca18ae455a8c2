-- V10's trigger took one advisory lock per stored study's patient, held to the end of the storing
-- transaction: a transaction that stores studies of many patients (a STOW of thousands of small
-- instances, a bulk import) took as many locks, and past max_locks_per_transaction x
-- max_connections the lock table ran out ("out of shared memory"), failing that transaction and
-- any other that needed a lock meanwhile. Now every storing transaction takes one shared lock,
-- the same for all patients, and recording or withdrawing a patient consent takes it exclusively
-- (consent.PatientConsents.PATIENT_CONSENT_LOCK, the same number): the guarantee is unchanged
-- (either the insert sees the withdrawal, or the withdrawal sees the consent the insert made), a
-- storing transaction holds one lock whatever it stores, and a patient consent being recorded
-- or withdrawn waits for the stores in flight, which are short.
CREATE OR REPLACE FUNCTION veil_consent_for_new_study() RETURNS trigger AS $$
BEGIN
    IF coalesce(btrim(NEW.patient_id), '') = '' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(7320191401);
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
