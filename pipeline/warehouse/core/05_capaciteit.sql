-- capaciteit: places per CG x quarter x residential opvangvorm, only for CG-quarters with a
-- capaciteit delivery; a form that delivery does not list has 0 places (aanleverformaat 2).
-- A CG-quarter without a delivery has no rows here: its capacity is unknown.
CREATE OR REPLACE TABLE capaciteit AS
SELECT d.centrumgemeente, d.kwartaal, v.opvangvorm, coalesce(c.plaatsen, 0) AS plaatsen
FROM (SELECT DISTINCT centrumgemeente, kwartaal FROM loads
      WHERE status = 'loaded' AND soort = 'capaciteit') AS d
CROSS JOIN (VALUES ('crisisopvang'), ('residentieel')) AS v(opvangvorm)
LEFT JOIN stg_capaciteit AS c
       ON c.centrumgemeente = d.centrumgemeente AND c.kwartaal = d.kwartaal
      AND c.opvangvorm = v.opvangvorm;
