-- peildata: R per centrumgemeente = the last day of the latest quarter delivered
-- (any soort, loads with status 'loaded'). Running episodes are censored at R.
CREATE OR REPLACE TABLE peildata AS
SELECT centrumgemeente,
       max(kwartaal) AS laatste_kwartaal,
       (make_date(CAST(left(max(kwartaal), 4) AS INTEGER),
                  3 * CAST(right(max(kwartaal), 1) AS INTEGER), 1)
        + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS peildatum
FROM loads
WHERE status = 'loaded'
GROUP BY centrumgemeente;
