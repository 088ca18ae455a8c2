-- QIDO-RS matches series on Request Attributes Sequence > Requested Procedure ID and > Scheduled
-- Procedure Step ID (PS3.18 Table 10.6.1-5; PS3.4 C.2.2.2.6: a series matches when any item does).
-- Each is held as the array of its values in the series' items. Rows stored before are filled
-- from the series attributes JSON, which holds the sequence (a default return attribute): one
-- pass over both series tables (a LIKE on every row, a JSON parse of the rows that hold the
-- sequence) in the migration's transaction, which holds their locks until it ends.
ALTER TABLE series ADD COLUMN requested_procedure_ids TEXT[], ADD COLUMN scheduled_step_ids TEXT[];
ALTER TABLE derived_series ADD COLUMN requested_procedure_ids TEXT[], ADD COLUMN scheduled_step_ids TEXT[];

-- The values of one attribute in the items of the sequence, as the index writer stores them
-- (ParsedInstance.itemStrings: the first value of each item that has one).
CREATE FUNCTION request_item_values(attributes TEXT, item_tag TEXT) RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY(SELECT item -> item_tag -> 'Value' ->> 0
        FROM jsonb_array_elements(attributes::jsonb -> '00400275' -> 'Value') item
        WHERE coalesce(item -> item_tag -> 'Value' ->> 0, '') <> '')
$$;

UPDATE series SET requested_procedure_ids = request_item_values(attributes, '00401001'),
    scheduled_step_ids = request_item_values(attributes, '00400009')
    WHERE attributes LIKE '%"00400275"%' AND jsonb_typeof(attributes::jsonb -> '00400275' -> 'Value') = 'array';
UPDATE derived_series SET requested_procedure_ids = request_item_values(attributes, '00401001'),
    scheduled_step_ids = request_item_values(attributes, '00400009')
    WHERE attributes LIKE '%"00400275"%' AND jsonb_typeof(attributes::jsonb -> '00400275' -> 'Value') = 'array';

-- Matched by array overlap (&&): indexed, so that a search on them reads no whole table.
CREATE INDEX series_requested_procedure_ids ON series USING gin (requested_procedure_ids);
CREATE INDEX series_scheduled_step_ids ON series USING gin (scheduled_step_ids);
CREATE INDEX derived_series_requested_procedure_ids ON derived_series USING gin (requested_procedure_ids);
CREATE INDEX derived_series_scheduled_step_ids ON derived_series USING gin (scheduled_step_ids);
