-- De-identified derivatives: a cache of made copies, keyed by original instance, context (the
-- profile, later a share) and key version (a fingerprint of the secret), and the reverse map
-- from every derived UID to its original, so that requests for derived UIDs find stored files.

CREATE TABLE derivative (
    id                   BIGSERIAL PRIMARY KEY,
    original_sop_uid     TEXT NOT NULL,
    context              TEXT NOT NULL,
    key_version          TEXT NOT NULL,
    original_study_uid   TEXT NOT NULL,
    -- SHA-256 of issuer and PatientID, for invalidation by patient without another copy of the ID.
    patient_key          TEXT NOT NULL,
    derived_sop_uid      TEXT,
    derived_series_uid   TEXT,
    derived_study_uid    TEXT,
    -- Null when the instance is withheld; the reason says why.
    storage_key          TEXT,
    size_bytes           BIGINT NOT NULL DEFAULT 0,
    withheld_reason      TEXT,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_access          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (original_sop_uid, context, key_version)
);
CREATE INDEX derivative_study_idx ON derivative (original_study_uid);
CREATE INDEX derivative_patient_idx ON derivative (patient_key);
CREATE INDEX derivative_context_idx ON derivative (context);
CREATE INDEX derivative_lru_idx ON derivative (last_access);
CREATE INDEX derivative_storage_key_idx ON derivative (storage_key);

CREATE TABLE derived_uid (
    derived_uid          TEXT PRIMARY KEY,
    original_uid         TEXT NOT NULL,
    context              TEXT NOT NULL,
    key_version          TEXT NOT NULL
);
CREATE INDEX derived_uid_original_idx ON derived_uid (context, original_uid);
