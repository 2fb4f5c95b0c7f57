-- Record: each ended episode (current state), in the quarter of its einddatum, when the CG
-- delivered uitstroom for that quarter (a missing uitstroom file is kwartaal_ontbreekt's or
-- levering_onvolledig's finding, not one per episode).
-- afgesloten: an uitstroom row names it, or a later episode of the same client in the CG
-- (ordered by startdatum, verblijf_id, as trajecten are) sluit_aan: the traject rule of
-- pipeline/warehouse/core/00_definities.sql.
SELECT v.centrumgemeente, kwartaal_van(v.einddatum) AS kwartaal,
       EXISTS (SELECT 1 FROM dq_uitstroom AS u
               WHERE u.centrumgemeente = v.centrumgemeente AND u.verblijf_id = v.verblijf_id)
       OR EXISTS (SELECT 1 FROM dq_verblijf_actueel AS n
                  WHERE n.centrumgemeente = v.centrumgemeente
                    AND n.client_pseudoniem = v.client_pseudoniem
                    AND (n.startdatum, n.verblijf_id) > (v.startdatum, v.verblijf_id)
                    AND sluit_aan(v.einddatum, n.startdatum)) AS afgesloten
FROM dq_verblijf_actueel AS v
JOIN dq_leveringen AS l
  ON l.centrumgemeente = v.centrumgemeente AND l.kwartaal = kwartaal_van(v.einddatum)
 AND l.soort = 'uitstroom'
WHERE v.einddatum IS NOT NULL
