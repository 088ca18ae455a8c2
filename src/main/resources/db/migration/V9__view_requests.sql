-- De-identified views to build ahead of the first request (derivatives.ViewBuilder): written in the
-- same transaction as the consent or share that asks for them, so a request survives a restart,
-- and deleted when built, or when a withdrawal or revocation makes it moot.
CREATE TABLE view_request (
    original_study_uid TEXT        NOT NULL,
    context            TEXT        NOT NULL,
    profile            TEXT        NOT NULL,
    requested_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (original_study_uid, context)
);
CREATE INDEX view_request_requested_at_idx ON view_request (requested_at);
