-- Record: each of aanmeldingen, nieuwe verblijven and uitstroom per CG-quarter delivered,
-- when the CG delivered that soort in at least $min_historie earlier quarters.
-- Volumes are counted per delivery: instroom rows, verblijf rows starting in the quarter,
-- uitstroom rows (an empty file is 0; a missing file is no data point).
-- robuuste_afwijking: (x - median) / scale over the CG's own last $venster delivered
-- quarters before it, scale = max(1.4826 x MAD, sqrt(median) (Poisson noise),
-- $vloer_relatief x median, $vloer_absoluut), so small CGs' noise is not flagged.
WITH volumes AS (
    SELECT l.centrumgemeente, l.kwartaal, 'aanmeldingen' AS maat,
           (SELECT count(*) FROM dq_instroom AS i
            WHERE i.centrumgemeente = l.centrumgemeente AND i.kwartaal = l.kwartaal) AS waarde
    FROM dq_leveringen AS l WHERE l.soort = 'instroom'
    UNION ALL
    SELECT l.centrumgemeente, l.kwartaal, 'nieuwe verblijven',
           (SELECT count(*) FROM dq_verblijf AS v
            WHERE v.centrumgemeente = l.centrumgemeente AND v.kwartaal = l.kwartaal
              AND kwartaal_van(v.startdatum) = l.kwartaal)
    FROM dq_leveringen AS l WHERE l.soort = 'verblijf'
    UNION ALL
    SELECT l.centrumgemeente, l.kwartaal, 'uitstroom',
           (SELECT count(*) FROM dq_uitstroom AS u
            WHERE u.centrumgemeente = l.centrumgemeente AND u.kwartaal = l.kwartaal)
    FROM dq_leveringen AS l WHERE l.soort = 'uitstroom'
), genummerd AS (
    SELECT *, row_number() OVER (PARTITION BY centrumgemeente, maat
                                 ORDER BY kwartaalnummer(kwartaal)) AS rang
    FROM volumes
), historie AS (
    SELECT a.centrumgemeente, a.kwartaal, a.maat, a.waarde, b.waarde AS eerder
    FROM genummerd AS a
    JOIN genummerd AS b
      ON b.centrumgemeente = a.centrumgemeente AND b.maat = a.maat
     AND b.rang BETWEEN a.rang - $venster AND a.rang - 1
), mediaan AS (
    SELECT centrumgemeente, kwartaal, maat, any_value(waarde) AS waarde,
           median(eerder) AS mediaan, count(*) AS n
    FROM historie GROUP BY centrumgemeente, kwartaal, maat
), spreiding AS (
    SELECT m.*, median(abs(h.eerder - m.mediaan)) AS mad
    FROM mediaan AS m JOIN historie AS h USING (centrumgemeente, kwartaal, maat)
    GROUP BY ALL
)
SELECT centrumgemeente, kwartaal,
       (waarde - mediaan) / greatest(1.4826 * mad, sqrt(mediaan), $vloer_relatief * mediaan,
                                     $vloer_absoluut) AS robuuste_afwijking,
       format('{}: {} (mediaan van de {} kwartalen ervoor: {})', maat, waarde, n,
              replace(format('{:.1f}', mediaan), '.', ',')) AS detail
FROM spreiding
WHERE n >= $min_historie
