-- The trail's read-outs filter by user (the subject or the user name: "agent" in FHIR) and by
-- purpose, oldest first, a page at a time. Without these a search by user name or purpose read
-- every row of the trail, which only grows; with them it reads the rows it answers.
-- (Study and patient filters use the GIN indexes of V4, through array containment.)
CREATE INDEX audit_event_username_idx ON audit_event (username, id);
CREATE INDEX audit_event_purpose_idx ON audit_event (purpose, id);
