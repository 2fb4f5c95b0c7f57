-- mart_kwartaal_cg: the additive key figures per centrumgemeente x delivered quarter, for
-- time series and charts. Definitions as kerncijfers.md for P = one quarter; distinct
-- clients are counted per CG (a client is only unique within a CG).
CREATE OR REPLACE TABLE mart_kwartaal_cg AS
WITH p AS (
    SELECT DISTINCT centrumgemeente, kwartaal, kwartaal_begin(kwartaal) AS q_start,
           kwartaal_einde(kwartaal) AS q_end
    FROM stg_leveringen
)
SELECT p.centrumgemeente, p.kwartaal, p.q_start, p.q_end,
    (SELECT count(*) FROM aanmeldingen a WHERE a.centrumgemeente = p.centrumgemeente
        AND a.aanmelddatum BETWEEN p.q_start AND p.q_end) AS aanmeldingen,
    (SELECT count(*) FROM aanmeldingen a WHERE a.centrumgemeente = p.centrumgemeente
        AND a.aanmelddatum BETWEEN p.q_start AND p.q_end AND a.uitkomst = 'geplaatst')
        AS geplaatst,
    (SELECT count(DISTINCT v.client_pseudoniem) FROM verblijven v
        WHERE v.centrumgemeente = p.centrumgemeente
          AND overlapt(v.startdatum, v.einddatum, p.q_start, p.q_end)) AS clienten_in_zorg,
    (SELECT count(*) FROM verblijven v WHERE v.centrumgemeente = p.centrumgemeente
        AND v.startdatum BETWEEN p.q_start AND p.q_end) AS nieuwe_verblijven,
    (SELECT count(*) FROM verblijven v WHERE v.centrumgemeente = p.centrumgemeente
        AND v.einddatum BETWEEN p.q_start AND p.q_end) AS beeindigde_verblijven,
    (SELECT count(*) FROM verblijven v WHERE v.centrumgemeente = p.centrumgemeente
        AND loopt_bij_begin(v.startdatum, v.einddatum, p.q_start)) AS stand_begin,
    (SELECT count(*) FROM verblijven v WHERE v.centrumgemeente = p.centrumgemeente
        AND loopt_bij_einde(v.startdatum, v.einddatum, p.q_end)) AS stand_einde,
    (SELECT count(*) FROM uitstroom u WHERE u.centrumgemeente = p.centrumgemeente
        AND u.uitstroomdatum BETWEEN p.q_start AND p.q_end) AS uitstroom
FROM p;
