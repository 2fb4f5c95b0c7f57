-- trajecten: the episodes (all opvangvormen) of one client in one CG, ordered by startdatum,
-- chained while the next one sluit_aan (00_definities.sql: starts at most 1 day after the
-- previous one ended, or the previous one is still running).
-- Duration: first startdatum to the last episode's einddatum; censored at R when the last
-- episode is running (einddatum is then NULL: duur_tot_peildatum, 00_definities.sql).
CREATE OR REPLACE TABLE trajecten AS
WITH ordered AS (
    SELECT centrumgemeente, client_pseudoniem, verblijf_id, startdatum, einddatum,
           lag(einddatum) OVER w AS vorige_eind,
           lag(verblijf_id) OVER w AS vorige_id
    FROM verblijven
    WINDOW w AS (PARTITION BY centrumgemeente, client_pseudoniem
                 ORDER BY startdatum, verblijf_id)
), flagged AS (
    SELECT *, CASE WHEN vorige_id IS NULL THEN 1
                   WHEN sluit_aan(vorige_eind, startdatum) THEN 0
                   ELSE 1 END AS nieuw
    FROM ordered
), numbered AS (
    SELECT *, sum(nieuw) OVER (PARTITION BY centrumgemeente, client_pseudoniem
                               ORDER BY startdatum, verblijf_id
                               ROWS UNBOUNDED PRECEDING) AS traject_nr
    FROM flagged
)
SELECT centrumgemeente, client_pseudoniem, traject_nr,
       min(startdatum) AS startdatum,
       arg_max_null(einddatum, (startdatum, verblijf_id)) AS einddatum,
       arg_max(einddatum IS NULL, (startdatum, verblijf_id)) AS lopend,
       count(*) AS aantal_verblijven
FROM numbered
GROUP BY ALL;
