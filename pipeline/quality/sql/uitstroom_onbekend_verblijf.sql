-- Record: each delivered uitstroom row, in the quarter of its delivery.
-- verblijf_bekend: its verblijf_id occurs in some verblijf delivery of the same CG.
SELECT u.centrumgemeente, u.kwartaal,
       EXISTS (SELECT 1 FROM dq_verblijf AS v
               WHERE v.centrumgemeente = u.centrumgemeente
                 AND v.verblijf_id = u.verblijf_id) AS verblijf_bekend
FROM dq_uitstroom AS u
