-- How far the audit trail has been copied to each syslog collector. Rows are sent in id order
-- after they commit, so a collector that was down receives what it missed when it returns.

CREATE TABLE audit_forward (
    target           TEXT PRIMARY KEY,
    last_id          BIGINT NOT NULL
);
