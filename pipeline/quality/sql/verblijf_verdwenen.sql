-- An episode running in quarter k's delivery must appear in the k+1 delivery of that CG
-- (when there is one). Reported in the quarter where it went missing.
WITH delivered AS (
    SELECT DISTINCT centrumgemeente, kwartaal FROM loads
    WHERE status = 'loaded' AND soort = 'verblijf'
), running AS (
    SELECT centrumgemeente, verblijf_id, kwartaal,
           CASE WHEN right(kwartaal, 1) = '4'
                THEN (CAST(left(kwartaal, 4) AS INTEGER) + 1)::VARCHAR || 'Q1'
                ELSE left(kwartaal, 5) || (CAST(right(kwartaal, 1) AS INTEGER) + 1)::VARCHAR
           END AS volgend
    FROM stg_verblijf WHERE einddatum IS NULL
)
SELECT r.centrumgemeente, r.volgend AS kwartaal,
       EXISTS (SELECT 1 FROM stg_verblijf s WHERE s.centrumgemeente = r.centrumgemeente
               AND s.kwartaal = r.volgend AND s.verblijf_id = r.verblijf_id) AS ok
FROM running r JOIN delivered d ON d.centrumgemeente = r.centrumgemeente
                               AND d.kwartaal = r.volgend
