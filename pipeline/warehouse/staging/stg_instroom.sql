-- stg_instroom: the current loads' instroom rows (superseded, rejected and duplicate loads left out).
-- Staging only selects and renames; it never joins other sources.
CREATE OR REPLACE VIEW stg_instroom AS
SELECT r.*
FROM raw_instroom AS r
WHERE r.load_id IN (SELECT load_id FROM stg_leveringen);
