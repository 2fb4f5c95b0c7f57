-- capaciteit: places per CG x quarter x residential opvangvorm, only for CG-quarters with a
-- capaciteit delivery; a form that delivery does not list has 0 places (aanleverformaat 2).
-- A CG-quarter without a delivery has no rows here: its capacity is unknown.
-- capaciteitsdagen: places x the days of the quarter, the one home of that product (the
-- denominator of the bezettingsgraad; the key figures, capaciteit and the Monitor API read it).
CREATE OR REPLACE TABLE capaciteit AS
SELECT d.centrumgemeente, d.kwartaal, v.opvangvorm, coalesce(c.plaatsen, 0) AS plaatsen,
       coalesce(c.plaatsen, 0) * (kwartaal_einde(d.kwartaal) - kwartaal_begin(d.kwartaal) + 1)
           AS capaciteitsdagen
FROM (SELECT DISTINCT centrumgemeente, kwartaal FROM stg_leveringen
      WHERE soort = 'capaciteit') AS d
CROSS JOIN (SELECT opvangvorm FROM ref_opvangvormen WHERE residentieel) AS v
LEFT JOIN stg_capaciteit AS c
       ON c.centrumgemeente = d.centrumgemeente AND c.kwartaal = d.kwartaal
      AND c.opvangvorm = v.opvangvorm;

-- Whether the capacity of a scope over a list of quarters is known (kerncijfers.md,
-- bezettingsgraad): for one centrumgemeente (cg) every quarter counts, so it needs a capaciteit
-- delivery for each; nationally (cg NULL) the scope of a quarter is the centrumgemeenten that
-- delivered that quarter (any soort), and each of those needs one. The one home of that
-- rule: the key figures and the Monitor API use it. gedekt() lists the CG-quarters a
-- national figure counts, so numerator and denominator use the same centrumgemeenten.
CREATE OR REPLACE MACRO capaciteit_bekend(cg, kwartalen) AS
    CASE WHEN cg IS NOT NULL THEN
        (SELECT count(DISTINCT c.kwartaal) FROM capaciteit AS c
         WHERE c.centrumgemeente = cg AND list_contains(kwartalen, c.kwartaal))
        = len(kwartalen)
    ELSE NOT EXISTS (
        SELECT 1 FROM stg_leveringen AS l
        WHERE list_contains(kwartalen, l.kwartaal)
          AND NOT EXISTS (SELECT 1 FROM capaciteit AS c
                          WHERE c.centrumgemeente = l.centrumgemeente
                            AND c.kwartaal = l.kwartaal))
    END;
