-- The consent registry and shares. History is append-only: a consent or share row never changes
-- and is never deleted; a withdrawal or a revocation is a row of its own. Triggers refuse UPDATE
-- and DELETE, so that not even a bug in Veil can rewrite what a patient agreed to.

CREATE TABLE consent (
    id                    UUID PRIMARY KEY,
    study_instance_uid    TEXT NOT NULL,
    patient_id            TEXT,
    issuer_of_patient_id  TEXT,
    scopes                TEXT[] NOT NULL,
    method                TEXT NOT NULL CHECK (method IN ('written', 'electronic', 'verbal')),
    evidence_reference    TEXT,
    evidence_sha256       TEXT,
    recorded_by           TEXT NOT NULL,
    recorded_at           TIMESTAMPTZ NOT NULL,
    valid_from            TIMESTAMPTZ NOT NULL,
    valid_until           TIMESTAMPTZ
);
CREATE INDEX consent_study_idx ON consent (study_instance_uid);

CREATE TABLE consent_withdrawal (
    consent_id            UUID PRIMARY KEY REFERENCES consent (id),
    withdrawn_by          TEXT NOT NULL,
    withdrawn_at          TIMESTAMPTZ NOT NULL,
    reason                TEXT NOT NULL
);

CREATE TABLE study_share (
    id                    UUID PRIMARY KEY,
    study_instance_uid    TEXT NOT NULL,
    purpose               TEXT NOT NULL,
    audience_type         TEXT NOT NULL CHECK (audience_type IN ('user', 'group', 'organisation', 'client')),
    audience              TEXT NOT NULL,
    expires_at            TIMESTAMPTZ NOT NULL,
    created_by            TEXT NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX study_share_study_idx ON study_share (study_instance_uid);

CREATE TABLE share_revocation (
    share_id              UUID PRIMARY KEY REFERENCES study_share (id),
    revoked_by            TEXT NOT NULL,
    revoked_at            TIMESTAMPTZ NOT NULL
);

CREATE FUNCTION veil_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consent history is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER consent_append_only BEFORE UPDATE OR DELETE ON consent
    FOR EACH ROW EXECUTE FUNCTION veil_append_only();
CREATE TRIGGER consent_withdrawal_append_only BEFORE UPDATE OR DELETE ON consent_withdrawal
    FOR EACH ROW EXECUTE FUNCTION veil_append_only();
CREATE TRIGGER study_share_append_only BEFORE UPDATE OR DELETE ON study_share
    FOR EACH ROW EXECUTE FUNCTION veil_append_only();
CREATE TRIGGER share_revocation_append_only BEFORE UPDATE OR DELETE ON share_revocation
    FOR EACH ROW EXECUTE FUNCTION veil_append_only();
