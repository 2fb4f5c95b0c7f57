-- Every quarter between a CG's first and last delivery must have each of the three
-- record soorten (capaciteit is optional).
WITH d AS (
    SELECT centrumgemeente, kwartaal, soort FROM loads WHERE status = 'loaded'
), span AS (
    SELECT centrumgemeente,
           min(CAST(left(kwartaal, 4) AS INTEGER) * 4 + CAST(right(kwartaal, 1) AS INTEGER) - 1)
               AS lo,
           max(CAST(left(kwartaal, 4) AS INTEGER) * 4 + CAST(right(kwartaal, 1) AS INTEGER) - 1)
               AS hi
    FROM d GROUP BY centrumgemeente
), grid AS (
    SELECT s.centrumgemeente, (q // 4)::VARCHAR || 'Q' || (q % 4 + 1)::VARCHAR AS kwartaal,
           soort
    FROM span s, range(s.lo, s.hi + 1) AS t(q),
         (VALUES ('instroom'), ('verblijf'), ('uitstroom')) AS so(soort)
)
SELECT g.centrumgemeente, g.kwartaal,
       EXISTS (SELECT 1 FROM d WHERE d.centrumgemeente = g.centrumgemeente
               AND d.kwartaal = g.kwartaal AND d.soort = g.soort) AS ok
FROM grid g
