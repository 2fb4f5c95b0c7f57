-- stg_uitstroom: the current loads' uitstroom rows (superseded, rejected and duplicate loads left out).
-- Staging only selects and renames; it never joins other sources.
CREATE OR REPLACE VIEW stg_uitstroom AS
SELECT r.*
FROM raw_uitstroom AS r
WHERE r.load_id IN (SELECT load_id FROM stg_leveringen);
