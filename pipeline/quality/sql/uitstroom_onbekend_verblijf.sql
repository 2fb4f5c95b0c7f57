SELECT u.centrumgemeente, u.kwartaal,
       EXISTS (SELECT 1 FROM verblijven v WHERE v.centrumgemeente = u.centrumgemeente
               AND v.verblijf_id = u.verblijf_id) AS ok
FROM uitstroom u
