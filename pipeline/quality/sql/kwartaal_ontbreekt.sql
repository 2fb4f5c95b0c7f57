-- Record: each of instroom, verblijf and uitstroom for every quarter strictly between a CG's
-- first and last delivered quarter (any soort): deliveries before and after it exist.
-- capaciteit is optional and not checked. geleverd: a loaded file of that soort exists.
WITH span AS (
    SELECT centrumgemeente, min(dq_kwartaalnummer(kwartaal)) AS lo,
           max(dq_kwartaalnummer(kwartaal)) AS hi
    FROM dq_leveringen GROUP BY centrumgemeente
), grid AS (
    SELECT s.centrumgemeente, dq_kwartaal_label(t.n) AS kwartaal, so.soort
    FROM span AS s, range(s.lo + 1, s.hi) AS t(n),
         (VALUES ('instroom'), ('verblijf'), ('uitstroom')) AS so(soort)
)
SELECT g.centrumgemeente, g.kwartaal,
       EXISTS (SELECT 1 FROM dq_leveringen AS d
               WHERE d.centrumgemeente = g.centrumgemeente AND d.kwartaal = g.kwartaal
                 AND d.soort = g.soort) AS geleverd,
       g.soort AS detail
FROM grid AS g
