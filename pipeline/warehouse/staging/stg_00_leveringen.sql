-- stg_leveringen: the current loads (status 'loaded'; superseded, rejected and duplicate loads
-- left out). The one place that says which loads count: every staging view, model, quality
-- rule and summary reads this view, never loads with its own filter. Runs first (00).
CREATE OR REPLACE VIEW stg_leveringen AS
SELECT load_id, file, sha256, centrumgemeente, kwartaal, soort, rows_read, rows_loaded,
       rows_quarantined, loaded_at
FROM loads
WHERE status = 'loaded';
