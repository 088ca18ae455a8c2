-- The audit chain's second format (org.veil.audit.AuditChain): the first joined a row's lists with
-- commas before hashing them and hashed a missing value as an empty one, so {"a,b"} and {a,b}, or
-- NULL and '', hashed alike, and a row's studies or patients could be rewritten without breaking
-- the chain. New rows are written in the second format; chain_format names it (NULL: the first,
-- every row written before this version), so the rows already written keep their hashes.
ALTER TABLE audit_event ADD COLUMN chain_format SMALLINT;
