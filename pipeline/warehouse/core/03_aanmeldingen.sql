-- aanmeldingen: one row per (centrumgemeente, aanmelding_id), latest quarter wins
-- (nieuwste_levering, 00_definities.sql), with the
-- origin municipality mapped to its 2025 code first and then classified against the area.
CREATE OR REPLACE TABLE aanmeldingen AS
WITH latest AS (
    SELECT * FROM stg_instroom
    QUALIFY nieuwste_levering(centrumgemeente, aanmelding_id, kwartaal, load_id, bronregel)
)
SELECT a.centrumgemeente, a.aanmelding_id, a.client_pseudoniem, a.aanmelddatum, a.uitkomst,
       a.plaatsingsdatum, a.opvangvorm, a.gemeente_herkomst,
       cw.gm_code_2025 AS gemeente_herkomst_2025,
       g.centrumgemeente AS herkomst_regio,
       CASE WHEN a.gemeente_herkomst IS NULL THEN 'onbekend'
            WHEN a.gemeente_herkomst = 'BUITENLAND' THEN 'buitenland'
            WHEN g.centrumgemeente IS NULL THEN 'onbekend'
            WHEN g.centrumgemeente = a.centrumgemeente THEN 'eigen_regio'
            ELSE 'andere_regio' END AS herkomst,
       a.verwijzer, a.geslacht, a.geboortejaar, a.aantal_kinderen, a.kwartaal,
       a.reden_niet_geplaatst  -- NULL: empty, or delivered in v1 (both: unknown)
FROM latest AS a
LEFT JOIN ref_crosswalk AS cw ON cw.old_code = a.gemeente_herkomst
LEFT JOIN ref_gemeenten AS g ON g.gm_code = cw.gm_code_2025;
