-- Views still to build are listed in the order of the MD5 of their original Study Instance UID,
-- not of the UID itself: many devices write the acquisition time into their UIDs, and a reader
-- watching which studies a de-identified search adds batch after batch would otherwise learn the
-- studies' order in time across patients (docs/deidentification.md, "Limits and residual risks").
-- The index lets a search take the first of them without sorting every unbuilt study.
CREATE INDEX study_uid_md5_idx ON study (md5(study_instance_uid));
