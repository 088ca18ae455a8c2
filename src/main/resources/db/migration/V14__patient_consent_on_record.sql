-- A study stored after its patient's all-studies consent was withdrawn or had expired gained no
-- consent row (V11 skipped such consents), so for that study the patient had no teaching consent
-- "on record", and with veil.policy.teaching-without-consent=true it was shown for teaching: the
-- patient's refusal stopped counting for studies stored after it. The consent is now carried out
-- on every new study of the patient whatever its state: an expired one as recorded (its validity
-- has ended), a withdrawn one together with its withdrawal; either denies, as one on record does.
CREATE OR REPLACE FUNCTION veil_consent_for_new_study() RETURNS trigger AS $$
BEGIN
    IF coalesce(btrim(NEW.patient_id), '') = '' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock_shared(7320191401);
    WITH made AS (
        INSERT INTO consent (id, study_instance_uid, patient_id, issuer_of_patient_id, scopes, method, evidence_reference,
                             evidence_sha256, recorded_by, recorded_at, valid_from, valid_until, patient_consent_id)
        SELECT gen_random_uuid(), NEW.study_instance_uid, NEW.patient_id, NEW.issuer_of_patient_id, p.scopes, p.method,
               p.evidence_reference, p.evidence_sha256, p.recorded_by, now(), p.valid_from, p.valid_until, p.id
          FROM patient_consent p
         WHERE p.all_studies
           AND p.patient_id = btrim(NEW.patient_id)
           AND coalesce(p.issuer_of_patient_id, '') = coalesce(btrim(NEW.issuer_of_patient_id), '')
        RETURNING id, patient_consent_id
    )
    INSERT INTO consent_withdrawal (consent_id, withdrawn_by, withdrawn_at, reason)
    SELECT m.id, w.withdrawn_by, w.withdrawn_at, w.reason
      FROM made m JOIN patient_consent_withdrawal w ON w.patient_consent_id = m.patient_consent_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
