-- uitstroom: one row per (centrumgemeente, verblijf_id), latest quarter wins
-- (nieuwste_levering, 00_definities.sql).
CREATE OR REPLACE TABLE uitstroom AS
SELECT s.centrumgemeente, s.verblijf_id, s.client_pseudoniem, s.uitstroomdatum, s.bestemming,
       s.gemeente_bestemming, cw.gm_code_2025 AS gemeente_bestemming_2025, s.reden_einde,
       coalesce(s.belemmeringen, []) AS belemmeringen, s.kwartaal
FROM stg_uitstroom AS s
LEFT JOIN ref_crosswalk AS cw ON cw.old_code = s.gemeente_bestemming
QUALIFY nieuwste_levering(s.centrumgemeente, s.verblijf_id, s.kwartaal, s.load_id, s.bronregel);
