-- The de-identified index. For every study a caller outside treatment may see, and for each
-- context it is seen in (a profile, or a share), the derivatives are indexed exactly like the
-- originals: the same three levels and columns, so that QIDO matches, pages and counts on the
-- values such a caller sees (derived UIDs, pseudonyms, shifted dates) and never on the
-- originals. Withheld instances have no rows, so they are missing from results and counts.
--
-- A view is built whole, on first need, and dropped whole when anything it was built from
-- changes: a new instance in the study, a withdrawal, a revoked share, an evicted derivative.

CREATE TABLE derived_view (
    id                        BIGSERIAL PRIMARY KEY,
    original_study_uid        TEXT NOT NULL,
    context                   TEXT NOT NULL,
    key_version               TEXT NOT NULL,
    -- As in derivative: SHA-256 of issuer and PatientID, for invalidation by patient.
    patient_key               TEXT NOT NULL,
    instances_withheld        INTEGER NOT NULL,
    built_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (original_study_uid, context, key_version)
);
CREATE INDEX derived_view_context_idx ON derived_view (context, key_version);
CREATE INDEX derived_view_patient_idx ON derived_view (patient_key);

-- The same tables as the original index, column for column (IndexWriter writes both, so a
-- migration that changes one changes the other); ids come from the same sequences. Derived
-- UIDs depend on the context and the key, so they stay unique across views.
CREATE TABLE derived_study (LIKE study INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
ALTER TABLE derived_study ADD COLUMN view_fk BIGINT NOT NULL UNIQUE REFERENCES derived_view (id) ON DELETE CASCADE;

CREATE TABLE derived_series (LIKE series INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
ALTER TABLE derived_series ADD FOREIGN KEY (study_fk) REFERENCES derived_study (id) ON DELETE CASCADE;

CREATE TABLE derived_instance (LIKE instance INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
ALTER TABLE derived_instance ADD FOREIGN KEY (series_fk) REFERENCES derived_series (id) ON DELETE CASCADE,
                             ADD FOREIGN KEY (study_fk) REFERENCES derived_study (id) ON DELETE CASCADE;

-- Visibility is decided in SQL for searches (index.VisibilitySql); these keep it cheap.
CREATE INDEX consent_scopes_idx ON consent USING gin (scopes);
CREATE INDEX study_share_audience_idx ON study_share (purpose, audience_type, audience);

-- A share to a user or group keeps the identity provider's stable id, checked when the share was
-- made: a user is matched by that id (the token's sub), so a renamed or recreated account with
-- the same name does not inherit the share; a group is matched by its path (what tokens carry),
-- and its id is kept for the record. Null when the check is off.
ALTER TABLE study_share ADD COLUMN audience_id TEXT;
