-- A view may first be a listing: rows a search can match, made from the de-identified attributes
-- alone, before any pixel is judged (docs/architecture.md, "Reading outside treatment"). A search
-- needs no more; a retrieval builds the view again whole, with its derivatives, in one
-- transaction that replaces the listing. A listing's instance rows have an empty storage key,
-- which retrieval never reads. Views built before this migration were built whole.
ALTER TABLE derived_view ADD COLUMN pixels_judged BOOLEAN NOT NULL DEFAULT true;
