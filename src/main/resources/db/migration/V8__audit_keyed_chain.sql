-- The audit trail against its own database owner (docs/consent-and-policy.md, "Audit"). From this
-- version on, each row's hash is an HMAC-SHA256 keyed with veil.audit.secret, so that rows edited,
-- removed or rewritten by someone with write access to the database cannot be re-chained without
-- the key; chain_key names the key by its fingerprint (null: a row of the unkeyed SHA-256 chain
-- written before). detail holds what an act was about beyond the study: the filters of a read of
-- the trail. TRUNCATE, which row triggers do not see, is refused.

ALTER TABLE audit_event ADD COLUMN detail TEXT;
ALTER TABLE audit_event ADD COLUMN chain_key TEXT;

CREATE FUNCTION veil_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: TRUNCATE on % refused', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION veil_audit_no_truncate();
