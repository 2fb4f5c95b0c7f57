-- Record: each of instroom, verblijf and uitstroom for every quarter strictly between a CG's
-- first and last delivered quarter (any soort): deliveries before and after it exist.
-- capaciteit is optional and not checked. geleverd: a loaded file of that soort exists.
WITH grid AS (
    SELECT s.centrumgemeente, kwartaal_label(t.n) AS kwartaal, so.soort
    FROM dq_levering_span AS s, range(s.lo + 1, s.hi) AS t(n),
         (VALUES ('instroom'), ('verblijf'), ('uitstroom')) AS so(soort)
)
SELECT centrumgemeente, kwartaal, dq_geleverd(centrumgemeente, kwartaal, soort) AS geleverd,
       soort AS detail
FROM grid
