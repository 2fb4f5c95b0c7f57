-- Ligdagen of residential episodes in the quarter against places x days (both forms).
WITH cap AS (
    SELECT centrumgemeente, kwartaal, sum(plaatsen) AS plaatsen FROM capaciteit GROUP BY ALL
), q AS (
    SELECT c.*, m.q_start, m.q_end FROM cap c JOIN mart_kwartaal_cg m USING (centrumgemeente,
                                                                             kwartaal)
)
SELECT q.centrumgemeente, q.kwartaal,
       coalesce((SELECT sum(greatest(0, least(coalesce(v.einddatum, q.q_end + 1), q.q_end + 1)
                                        - greatest(v.startdatum, q.q_start)))
                 FROM verblijven v WHERE v.centrumgemeente = q.centrumgemeente
                   AND v.residentieel), 0)
           <= q.plaatsen * (q.q_end - q.q_start + 1) AS ok
FROM q
