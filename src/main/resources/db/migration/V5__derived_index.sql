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

-- Derived UIDs depend on the context and the key, so they are unique across views.
CREATE TABLE derived_study (
    id                        BIGSERIAL PRIMARY KEY,
    view_fk                   BIGINT NOT NULL UNIQUE REFERENCES derived_view (id) ON DELETE CASCADE,
    study_instance_uid        TEXT NOT NULL UNIQUE,
    patient_name              TEXT,
    patient_name_norm         TEXT,
    patient_id                TEXT,
    issuer_of_patient_id      TEXT,
    patient_birth_date        TEXT,
    patient_sex               TEXT,
    study_date                TEXT,
    study_time                TEXT,
    accession_number          TEXT,
    study_id                  TEXT,
    referring_physician_name  TEXT,
    study_description         TEXT,
    modalities_in_study       TEXT[] NOT NULL DEFAULT '{}',
    number_of_series          INTEGER NOT NULL DEFAULT 0,
    number_of_instances       INTEGER NOT NULL DEFAULT 0,
    attributes                TEXT NOT NULL,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX derived_study_patient_id_idx ON derived_study (patient_id);
CREATE INDEX derived_study_date_idx ON derived_study (study_date, study_time);
CREATE INDEX derived_study_patient_name_norm_idx ON derived_study (patient_name_norm text_pattern_ops);

CREATE TABLE derived_series (
    id                        BIGSERIAL PRIMARY KEY,
    study_fk                  BIGINT NOT NULL REFERENCES derived_study (id) ON DELETE CASCADE,
    series_instance_uid       TEXT NOT NULL UNIQUE,
    modality                  TEXT,
    series_number             INTEGER,
    series_description        TEXT,
    series_date               TEXT,
    series_time               TEXT,
    pps_start_date            TEXT,
    pps_start_time            TEXT,
    number_of_instances       INTEGER NOT NULL DEFAULT 0,
    attributes                TEXT NOT NULL,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX derived_series_study_idx ON derived_series (study_fk, series_number, id);

CREATE TABLE derived_instance (
    id                        BIGSERIAL PRIMARY KEY,
    series_fk                 BIGINT NOT NULL REFERENCES derived_series (id) ON DELETE CASCADE,
    study_fk                  BIGINT NOT NULL REFERENCES derived_study (id) ON DELETE CASCADE,
    sop_instance_uid          TEXT NOT NULL UNIQUE,
    sop_class_uid             TEXT NOT NULL,
    instance_number           INTEGER,
    transfer_syntax_uid       TEXT NOT NULL,
    number_of_frames          INTEGER,
    rows                      INTEGER,
    columns                   INTEGER,
    storage_key               TEXT NOT NULL,
    size_bytes                BIGINT NOT NULL,
    sha256                    TEXT NOT NULL,
    dataset_offset            BIGINT NOT NULL,
    metadata                  TEXT NOT NULL,
    frames                    TEXT,
    bulk_data                 TEXT,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX derived_instance_series_idx ON derived_instance (series_fk, instance_number, id);
CREATE INDEX derived_instance_study_idx ON derived_instance (study_fk);

-- Visibility is decided in SQL for searches (index.VisibilitySql); these keep it cheap.
CREATE INDEX consent_scopes_idx ON consent USING gin (scopes);
CREATE INDEX study_share_audience_idx ON study_share (purpose, audience_type, audience);

-- A share to a user or group keeps the identity provider's stable id, checked when the share was
-- made: a user is matched by that id (the token's sub), so a renamed or recreated account with
-- the same name does not inherit the share; a group is matched by its path (what tokens carry),
-- and its id is kept for the record. Null when the check is off.
ALTER TABLE study_share ADD COLUMN audience_id TEXT;
