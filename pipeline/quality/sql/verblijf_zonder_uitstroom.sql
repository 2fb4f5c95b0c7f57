SELECT v.centrumgemeente, v.laatste_kwartaal AS kwartaal,
       EXISTS (SELECT 1 FROM uitstroom u WHERE u.centrumgemeente = v.centrumgemeente
               AND u.verblijf_id = v.verblijf_id)
       OR EXISTS (SELECT 1 FROM verblijven n WHERE n.centrumgemeente = v.centrumgemeente
                  AND n.client_pseudoniem = v.client_pseudoniem
                  AND n.verblijf_id <> v.verblijf_id
                  AND n.startdatum BETWEEN v.einddatum AND v.einddatum + 1) AS ok
FROM verblijven v
WHERE v.einddatum IS NOT NULL
