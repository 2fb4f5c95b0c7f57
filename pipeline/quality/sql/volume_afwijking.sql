-- Robust score against the CG's own other quarters: |x - median| / max(1.4826 MAD, sqrt(median)
-- (Poisson noise), 10% of the median, 2). Needs at least two other quarters. $drempel: regels.yaml.
WITH m AS (
    SELECT centrumgemeente, kwartaal, maat, waarde FROM mart_kwartaal_cg
    UNPIVOT (waarde FOR maat IN (aanmeldingen, nieuwe_verblijven, uitstroom))
), scored AS (
    SELECT a.centrumgemeente, a.kwartaal, a.maat, a.waarde,
           median(b.waarde) AS med, count(b.waarde) AS n,
           median(abs(b.waarde - (SELECT median(c.waarde) FROM m c
                                  WHERE c.centrumgemeente = a.centrumgemeente
                                    AND c.maat = a.maat AND c.kwartaal <> a.kwartaal)))
               AS mad
    FROM m a JOIN m b ON b.centrumgemeente = a.centrumgemeente AND b.maat = a.maat
                     AND b.kwartaal <> a.kwartaal
    GROUP BY ALL
)
SELECT centrumgemeente, kwartaal,
       n < 2 OR abs(waarde - med) / greatest(1.4826 * mad, sqrt(med), 0.1 * med, 2)
           <= $drempel AS ok
FROM scored
