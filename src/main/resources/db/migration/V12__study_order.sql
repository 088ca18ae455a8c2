-- Study-level searches answer newest first: StudyDate, then StudyTime, descending, studies
-- without a date last, ties newest stored first (docs/conformance.md, "Search"). This index is
-- that order, so a page of a date range, or of no key at all, is the first rows of one index scan
-- however many studies match; ordered by the row id instead, a month's range among 1,000,000
-- studies walked the primary key past ~30,000 rows of other months (docs/benchmarks.md). It also
-- serves every StudyDate range, so it replaces the ascending index on the same columns.
-- Building it holds writes to the two tables back for its duration (about 2.5 s for 1,000,000
-- studies on the benchmark machine): a short pause for stores during the upgrade.
--
-- A StudyDate that is not a date (eight digits) would sort ahead of every real one; from now on
-- only dates are indexed (IndexWriter), and the rows indexed before lose theirs here.
UPDATE study SET study_date = NULL WHERE study_date !~ '^[0-9]{8}$';
UPDATE derived_study SET study_date = NULL WHERE study_date !~ '^[0-9]{8}$';
CREATE INDEX study_newest_idx ON study (study_date DESC NULLS LAST, study_time DESC NULLS LAST, id DESC);
DROP INDEX study_date_idx;
CREATE INDEX derived_study_newest_idx ON derived_study (study_date DESC NULLS LAST, study_time DESC NULLS LAST, id DESC);
DROP INDEX derived_study_study_date_study_time_idx;
