-- stg_leveringen: the current loads (status 'loaded'; superseded, rejected and duplicate loads
-- left out) of the centrumgemeenten of the active reference data. The one place that says
-- which loads count: every staging view, model, quality rule and summary reads this view,
-- never loads with its own filter. Runs first (00).
-- A load for a code that is no longer a centrumgemeente (a warehouse filled before the
-- reference data named the 35 of Dutch law) stays in loads and raw_*, and is reported by
-- pipeline.warehouse.loads_buiten_referentie after every build; it is not counted.
-- formaatversie: the version of the delivery format the file followed ('1', '1.1'); a load
-- from before v1.1 has none and was v1.
CREATE OR REPLACE VIEW stg_leveringen AS
SELECT load_id, file, sha256, centrumgemeente, kwartaal, soort, rows_read, rows_loaded,
       rows_quarantined, loaded_at, coalesce(formaatversie, '1') AS formaatversie
FROM loads
WHERE status = 'loaded'
  AND centrumgemeente IN (SELECT gm_code FROM ref_centrumgemeenten);
