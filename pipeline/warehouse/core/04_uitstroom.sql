-- uitstroom: one row per (centrumgemeente, verblijf_id), latest quarter wins.
CREATE OR REPLACE TABLE uitstroom AS
SELECT s.centrumgemeente, s.verblijf_id, s.client_pseudoniem, s.uitstroomdatum, s.bestemming,
       s.gemeente_bestemming, cw.gm_code_2025 AS gemeente_bestemming_2025, s.reden_einde,
       coalesce(s.belemmeringen, []) AS belemmeringen, s.kwartaal
FROM stg_uitstroom AS s
LEFT JOIN ref_crosswalk AS cw ON cw.old_code = s.gemeente_bestemming
QUALIFY row_number() OVER (PARTITION BY s.centrumgemeente, s.verblijf_id
                           ORDER BY s.kwartaal DESC, s.load_id DESC, s.bronregel) = 1;
