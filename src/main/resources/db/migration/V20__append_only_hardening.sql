-- The consent registry refuses TRUNCATE as the audit trail does (V8): its row triggers (V3, V10)
-- do not see it, and emptying consent_withdrawal, share_revocation or patient_consent_withdrawal
-- would make every withdrawn consent and revoked share active again on the next request.
CREATE FUNCTION veil_registry_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the consent registry is append-only: TRUNCATE on % refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['consent', 'consent_withdrawal', 'study_share', 'share_revocation', 'patient_consent',
                             'patient_consent_withdrawal'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION veil_registry_no_truncate()',
                       t || '_no_truncate', t);
    END LOOP;
END;
$$;

-- Audit rows take their ids from audit_event_id_seq, which starts at 1: a row below it was not
-- written by Veil (a trail rewritten below where keyed rows begin, docs/consent-and-policy.md).
ALTER TABLE audit_event ADD CONSTRAINT audit_event_id_from_sequence CHECK (id > 0);
