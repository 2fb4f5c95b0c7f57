-- stg_verblijf: the current loads' verblijf rows (superseded, rejected and duplicate loads left out).
-- Staging only selects and renames; it never joins other sources.
CREATE OR REPLACE VIEW stg_verblijf AS
SELECT r.*
FROM raw_verblijf AS r
WHERE r.load_id IN (SELECT load_id FROM stg_leveringen);
