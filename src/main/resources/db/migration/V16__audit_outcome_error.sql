-- An answer the server failed to give (5xx) is an outcome of its own, beside a request refused
-- (401, 403, 404) and one failed as sent (another 4xx): audit messages tell a minor failure (4)
-- from a serious one (8), as FHIR's audit-event-outcome does.
ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_check;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_outcome_check CHECK (outcome IN ('success', 'denied', 'failed', 'error'));
