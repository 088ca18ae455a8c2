-- The audit trail: one row per access to patient data and per consent or share change. Rows
-- are never changed or deleted (triggers refuse it), and each carries the SHA-256 of its
-- content and of the row before it, so that an edit made around Veil is detectable.

CREATE TABLE audit_event (
    id               BIGSERIAL PRIMARY KEY,
    at               TIMESTAMPTZ NOT NULL,
    subject          TEXT,
    username         TEXT,
    roles            TEXT NOT NULL,
    purpose          TEXT,
    client_id        TEXT,
    source_ip        TEXT,
    action           TEXT NOT NULL,
    event_id         TEXT NOT NULL,
    study_uids       TEXT[] NOT NULL,
    patient_ids      TEXT[] NOT NULL,
    instances        INTEGER NOT NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('success', 'denied', 'failed')),
    reason           TEXT,
    previous_hash    TEXT NOT NULL,
    hash             TEXT NOT NULL
);
CREATE INDEX audit_event_at_idx ON audit_event (at);
CREATE INDEX audit_event_subject_idx ON audit_event (subject);
CREATE INDEX audit_event_studies_idx ON audit_event USING gin (study_uids);
CREATE INDEX audit_event_patients_idx ON audit_event USING gin (patient_ids);

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION veil_append_only();
