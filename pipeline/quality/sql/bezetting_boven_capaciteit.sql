-- Ligdagen of residential episodes in the quarter against places x days (both forms).
WITH cap AS (
    SELECT centrumgemeente, kwartaal, sum(plaatsen) AS plaatsen FROM capaciteit GROUP BY ALL
), q AS (
    SELECT c.*, m.q_start, m.q_end FROM cap c JOIN mart_kwartaal_cg m USING (centrumgemeente,
                                                                             kwartaal)
)
SELECT q.centrumgemeente, q.kwartaal,
       coalesce((SELECT sum(ligdagen_in(v.startdatum, v.einddatum, q.q_start, q.q_end))
                 FROM verblijven v WHERE v.centrumgemeente = q.centrumgemeente
                   AND v.residentieel), 0)
           <= q.plaatsen * (q.q_end - q.q_start + 1) AS ok
FROM q
