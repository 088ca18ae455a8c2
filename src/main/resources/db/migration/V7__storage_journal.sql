-- Publications to object storage in progress, shared by every replica (docs/architecture.md,
-- "Storage"): an entry is written before a store request's objects are, and removed once its
-- index commit has finished either way. The file backend keeps its journal beside its files.
CREATE TABLE storage_journal (
    id          UUID PRIMARY KEY,
    keys        TEXT[] NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX storage_journal_started_idx ON storage_journal (started_at);
