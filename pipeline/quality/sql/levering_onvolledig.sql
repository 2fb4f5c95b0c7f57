-- Record: each of instroom, verblijf and uitstroom for a CG's first and last delivered
-- quarter, and for every quarter after its last up to the latest quarter any CG delivered
-- (the edges that kwartaal_ontbreekt, which needs deliveries on both sides, cannot see).
-- geleverd: a loaded file of that soort exists.
WITH laatste AS (
    SELECT max(kwartaalnummer(kwartaal)) AS hi FROM dq_leveringen
), grid AS (
    SELECT s.centrumgemeente, kwartaal_label(t.n) AS kwartaal, so.soort
    FROM dq_levering_span AS s, laatste AS l, range(s.lo, l.hi + 1) AS t(n),
         (VALUES ('instroom'), ('verblijf'), ('uitstroom')) AS so(soort)
    WHERE t.n = s.lo OR t.n >= s.hi
)
SELECT centrumgemeente, kwartaal, dq_geleverd(centrumgemeente, kwartaal, soort) AS geleverd,
       soort AS detail
FROM grid
