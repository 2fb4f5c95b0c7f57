-- Record: each delivered uitstroom row whose episode is known, in the quarter of its delivery.
-- datum_gelijk: uitstroomdatum equals the einddatum of the episode's current state (an
-- episode that is still running in its latest delivery does not match).
SELECT u.centrumgemeente, u.kwartaal,
       coalesce(v.einddatum = u.uitstroomdatum, false) AS datum_gelijk
FROM dq_uitstroom AS u
JOIN dq_verblijf_actueel AS v USING (centrumgemeente, verblijf_id)
