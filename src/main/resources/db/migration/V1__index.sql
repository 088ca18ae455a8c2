-- The DICOM index: one row per study, series and instance (PS3.4 C.6.1.1 levels, with patient
-- attributes carried on the study). QIDO-RS matches on these columns, never on files.


CREATE TABLE study (
    id                        BIGSERIAL PRIMARY KEY,
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
    -- The study-level attributes of the first instance stored, as DICOM JSON, for includefield.
    attributes                TEXT NOT NULL,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX study_patient_id_idx ON study (patient_id);
CREATE INDEX study_date_idx ON study (study_date, study_time);
CREATE INDEX study_accession_idx ON study (accession_number);
CREATE INDEX study_patient_name_idx ON study (upper(patient_name) text_pattern_ops);
CREATE INDEX study_patient_name_norm_idx ON study (patient_name_norm text_pattern_ops);
CREATE INDEX study_modalities_idx ON study USING gin (modalities_in_study);

CREATE TABLE series (
    id                        BIGSERIAL PRIMARY KEY,
    study_fk                  BIGINT NOT NULL REFERENCES study (id),
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
CREATE INDEX series_study_idx ON series (study_fk, series_number, id);
CREATE INDEX series_modality_idx ON series (modality);

CREATE TABLE instance (
    id                        BIGSERIAL PRIMARY KEY,
    series_fk                 BIGINT NOT NULL REFERENCES series (id),
    study_fk                  BIGINT NOT NULL REFERENCES study (id),
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
    -- Offset of the data set in the file; for the deflated syntax, offsets count inflated bytes.
    dataset_offset            BIGINT NOT NULL,
    -- Precomputed at store time so that metadata and frame retrieval never re-read the file.
    metadata                  TEXT NOT NULL,
    frames                    TEXT,
    bulk_data                 TEXT,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX instance_series_idx ON instance (series_fk, instance_number, id);
CREATE INDEX instance_study_idx ON instance (study_fk);
CREATE INDEX instance_sop_class_idx ON instance (sop_class_uid);
CREATE INDEX instance_storage_key_idx ON instance (storage_key);
