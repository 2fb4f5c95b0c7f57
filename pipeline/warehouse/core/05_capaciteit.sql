-- capaciteit: places per CG x quarter x residential opvangvorm, only for CG-quarters with a
-- capaciteit delivery; a form that delivery does not list has 0 places (aanleverformaat 2).
-- A CG-quarter without a delivery has no rows here: its capacity is unknown.
CREATE OR REPLACE TABLE capaciteit AS
SELECT d.centrumgemeente, d.kwartaal, v.opvangvorm, coalesce(c.plaatsen, 0) AS plaatsen
FROM (SELECT DISTINCT centrumgemeente, kwartaal FROM stg_leveringen
      WHERE soort = 'capaciteit') AS d
CROSS JOIN (SELECT opvangvorm FROM ref_opvangvormen WHERE residentieel) AS v
LEFT JOIN stg_capaciteit AS c
       ON c.centrumgemeente = d.centrumgemeente AND c.kwartaal = d.kwartaal
      AND c.opvangvorm = v.opvangvorm;

-- The capacity of a scope (one CG, or NULL for all 35) over a list of quarters is known only
-- when every CG in scope delivered capaciteit for every one of those quarters (kerncijfers.md:
-- bezettingsgraad). The one home of that rule: the key figures and the Monitor API use it.
CREATE OR REPLACE MACRO capaciteit_bekend(cg, kwartalen) AS
    (SELECT count(DISTINCT (c.centrumgemeente, c.kwartaal)) FROM capaciteit AS c
     WHERE list_contains(kwartalen, c.kwartaal) AND (cg IS NULL OR c.centrumgemeente = cg))
    = len(kwartalen) * CASE WHEN cg IS NULL THEN (SELECT count(*) FROM ref_centrumgemeenten)
                           ELSE 1 END;
