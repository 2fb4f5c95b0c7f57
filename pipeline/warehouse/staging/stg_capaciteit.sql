-- stg_capaciteit: the current loads' capaciteit rows (superseded, rejected and duplicate loads left out).
-- Staging only selects and renames; it never joins other sources.
CREATE OR REPLACE VIEW stg_capaciteit AS
SELECT r.*
FROM raw_capaciteit AS r
WHERE r.load_id IN (SELECT load_id FROM stg_leveringen);
