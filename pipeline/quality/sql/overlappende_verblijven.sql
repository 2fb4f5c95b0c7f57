-- Record: each pair of episodes (current state) of one client in one CG, in the first quarter
-- whose delivery holds both (the later of their first delivered quarters: where an overlap
-- begins, and where both rows can be corrected).
-- overlap_dagen: the days they share, least(einddatum) - greatest(startdatum), at least 0; a
-- running episode ends on the last day of its latest delivered quarter (what the deliveries
-- say; nothing is assumed beyond): eind_of_peildatum with that day as R.
WITH eerste AS (
    SELECT centrumgemeente, verblijf_id, min(kwartaal) AS eerste_kwartaal
    FROM dq_verblijf GROUP BY centrumgemeente, verblijf_id
), v AS (
    SELECT a.centrumgemeente, a.client_pseudoniem, a.verblijf_id, a.startdatum,
           eind_of_peildatum(a.einddatum, kwartaal_einde(a.kwartaal)) AS eind, e.eerste_kwartaal
    FROM dq_verblijf_actueel AS a JOIN eerste AS e USING (centrumgemeente, verblijf_id)
)
SELECT a.centrumgemeente, greatest(a.eerste_kwartaal, b.eerste_kwartaal) AS kwartaal,
       greatest(0, least(a.eind, b.eind) - greatest(a.startdatum, b.startdatum))
           AS overlap_dagen
FROM v AS a
JOIN v AS b
  ON b.centrumgemeente = a.centrumgemeente AND b.client_pseudoniem = a.client_pseudoniem
 AND b.verblijf_id > a.verblijf_id
