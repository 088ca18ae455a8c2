-- Searches outside treatment break ties in StudyDate and StudyTime by the derived StudyInstanceUID
-- (an HMAC) rather than the row id, which follows the order the de-identified copies were made and
-- so the original UIDs (index.QidoSql): teaching and publication empty both dates, so every study
-- ties, and the order of an answer told which of a patient's studies came first. This index is the
-- new order, as V12's was the old.
CREATE INDEX derived_study_newest_uid_idx ON derived_study (study_date DESC NULLS LAST, study_time DESC NULLS LAST, study_instance_uid DESC);
DROP INDEX derived_study_newest_idx;
