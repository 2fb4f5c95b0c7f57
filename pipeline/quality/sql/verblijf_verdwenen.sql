-- Record: each episode running (no einddatum) in quarter k's verblijf delivery, when the CG
-- delivered verblijf for k+1; reported in k+1, the delivery it is missing from.
-- in_volgende_levering: the k+1 delivery holds the same verblijf_id.
WITH lopend AS (
    SELECT centrumgemeente, verblijf_id,
           kwartaal_label(kwartaalnummer(kwartaal) + 1) AS volgend
    FROM dq_verblijf
    WHERE einddatum IS NULL
)
SELECT r.centrumgemeente, r.volgend AS kwartaal,
       EXISTS (SELECT 1 FROM dq_verblijf AS n
               WHERE n.centrumgemeente = r.centrumgemeente AND n.kwartaal = r.volgend
                 AND n.verblijf_id = r.verblijf_id) AS in_volgende_levering
FROM lopend AS r
JOIN dq_leveringen AS l
  ON l.centrumgemeente = r.centrumgemeente AND l.kwartaal = r.volgend AND l.soort = 'verblijf'
