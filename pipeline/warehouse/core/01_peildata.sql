-- peildata: R per centrumgemeente = the last day of the latest quarter delivered
-- (any soort, stg_leveringen). Running episodes are censored at R.
CREATE OR REPLACE TABLE peildata AS
SELECT centrumgemeente,
       max(kwartaal) AS laatste_kwartaal,
       kwartaal_einde(max(kwartaal)) AS peildatum
FROM stg_leveringen
GROUP BY centrumgemeente;
